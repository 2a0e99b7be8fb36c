"""The handbook's metadata (title, subtitle, author, source URL) as HTML, escaped once.

Every value comes from outside: the scraped page's `<h1>`/`<title>`, or the
front matter of index.md, which anyone can edit. They are text, never markup,
wherever they land: our own pages, MkDocs Material's templates (which print
`config.site_name` and `page.meta` unescaped), a footer, a deck's description.
Each value is escaped here and wrapped in `Markup`, so a Jinja template that
escapes (`| e`) leaves it as it is and one that does not still prints it safely.
The source URL becomes a link only when it is an http(s) address.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from pipeline.model import Meta
from pipeline.sanitize import web_url


@dataclass(frozen=True)
class MetaHtml:
    """The metadata, each value HTML-escaped; `source_href` is None unless http(s)."""

    title: Markup
    subtitle: Markup
    author: Markup
    source_href: Markup | None


def text_html(text: str) -> Markup:
    """Text from outside as HTML: `<`, `>`, `&` and both quotes escaped (safe in attributes too)."""
    return escape(text)


def meta_html(meta: Meta) -> MetaHtml:
    url = web_url(meta.source_url)
    return MetaHtml(
        title=text_html(meta.title),
        subtitle=text_html(meta.subtitle),
        author=text_html(meta.author),
        source_href=text_html(url) if url else None,
    )
