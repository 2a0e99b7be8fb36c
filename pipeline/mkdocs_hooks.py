"""MkDocs hooks (mkdocs.yml `hooks:`): the canonical Markdown, rendered our way.

MkDocs finds the pages in source/books/SLUG/handbook/ and Material supplies the theme,
navigation and search; what a page says comes from the handbook's own reader
(`read_markdown`) and site writer, so `mkdocs serve`, `mkdocs build` and
`handbook build-site` all show exactly the canonical content:

- on_config: the site is named after the handbook's title (escaped: the theme
  prints it as it is, like every `page.meta` value; see writers/meta_html.py);
  every page's footer credits the author and links the original post; "edit
  this page" links appear only when mkdocs.yml gives `edit_uri` as a web address.
- on_files: the handbook is read once per build; KaTeX (from node_modules), the
  site's own script and style, and the Anki decks (if `decks/` holds them) are
  added to the site.
- on_page_markdown: the page is made from the model; Python-Markdown gets nothing
  to render. Each page is dated by the Markdown's source time (never the clock).
- on_page_content: the search plugin gets the flat, heading-per-question
  rendering (see writers/site.py); the table of contents lists the questions.
- on_page_context, after the search plugin has indexed the page: readers get
  the collapsible rendering.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents
from mkdocs.utils import get_relative_url

from pipeline.errors import HandbookError
from pipeline.katex import katex_dist
from pipeline.model import Handbook, Meta
from pipeline.paths import DECKS_DIR
from pipeline.readers.markdown import FIGURES_FOLDER, SECTION_FILE, read_index
from pipeline.sanitize import web_url
from pipeline.site import read_handbook, source_date
from pipeline.formats import INDEX_FILE
from pipeline.writers.meta_html import meta_html, text_html
from pipeline.writers.site import (
    Download, SitePage, deck_files, footer_html, home_page, reader_html, search_html, section_page,
)

ASSETS = Path(__file__).with_name("site_assets")
KATEX_FILES = ("katex.min.js", "katex.min.css")
KATEX_FONTS = "*.woff2"  # every browser that runs the site reads woff2


@dataclass
class _Build:
    """What one build has learned so far (hooks are module functions)."""

    handbook: Handbook | None = None
    pages: dict[str, SitePage] = field(default_factory=dict)
    updated: str = ""  # the pages' "last updated" date


_build = _Build()


def _handbook_error(error: HandbookError) -> PluginError:
    return PluginError(f"handbook: {error}")


# --- config and files ----------------------------------------------------------


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    index = Path(config.docs_dir) / INDEX_FILE
    try:
        meta, _, _ = read_index(index.read_text(encoding="utf-8"), str(index))
    except OSError:
        raise PluginError(f"{index} is missing: run `handbook normalize` to recreate it") from None
    except HandbookError as error:
        raise _handbook_error(error) from None
    if meta.title:
        config.site_name = meta_html(meta).title  # Material prints site_name unescaped
    _footer_and_edit_links(config, meta)
    return config


def _footer_and_edit_links(config: MkDocsConfig, meta: Meta) -> None:
    """Credit on every page (Material prints `copyright` in each footer, as HTML);
    "edit this page" only from a full web address (a relative edit_uri with no
    repo_url, or MkDocs' default for one, would point nowhere)."""
    config.copyright = footer_html(meta)
    if not (config.edit_uri and web_url(config.edit_uri)):
        config.edit_uri = None


def _asset_files(config: MkDocsConfig) -> list[File]:
    """KaTeX, our script and style, and any decks: copied into the site, never committed."""
    dist = katex_dist()
    sources = {f"assets/katex/{name}": dist / name for name in KATEX_FILES}
    sources |= {f"assets/katex/fonts/{p.name}": p for p in sorted((dist / "fonts").glob(KATEX_FONTS))}
    sources |= {f"assets/handbook/{p.name}": p for p in sorted(ASSETS.iterdir()) if p.is_file()}
    decks = Path(config.config_file_path or ".").parent / DECKS_DIR
    sources |= {f"decks/{p.name}": p for p in sorted(decks.glob("*.apkg"))}
    return [File.generated(config, uri, abs_src_path=str(path)) for uri, path in sources.items()]


def on_files(files: Files, config: MkDocsConfig) -> Files:
    try:
        _build.handbook = read_handbook(Path(config.docs_dir))
        _build.pages.clear()
        _build.updated = time.strftime("%Y-%m-%d", time.gmtime(source_date(Path(config.docs_dir))))
        for file in _asset_files(config):
            files.append(file)
    except HandbookError as error:
        raise _handbook_error(error) from None
    return files


# --- pages ---------------------------------------------------------------------


def _section_slug(page: Page) -> str | None:
    match = SECTION_FILE.match(page.file.src_uri)
    return match.group(2) if match else None


def _handbook() -> Handbook:
    if _build.handbook is None:
        raise PluginError("handbook: pages were rendered before the handbook was read")
    return _build.handbook


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Nothing for Python-Markdown to render: the whole page is ours (see on_page_content)."""
    view = _site_page(page, files)
    if view is None:
        return markdown
    _build.pages[page.file.src_uri] = view
    page.meta = _page_meta(page, view)
    return ""


def _page_meta(page: Page, view: SitePage) -> dict[str, str]:
    """The only front matter the theme sees, escaped: Material prints `page.meta` values
    (title, subtitle, author, description, ...) unescaped, and obeys keys such as
    `template`; so nothing from index.md's front matter reaches it as it was written.

    The home page keeps MkDocs' own title ("Home"): the site's name is already its
    tab title and header, and would otherwise show twice ("X - X").
    """
    meta = {} if page.is_homepage else {"title": text_html(view.title)}
    meta["revision_date"] = _build.updated  # Material's "last update" line
    return meta


def _href(files: Files, page: Page, src_uri: str) -> str:
    file = files.get_file_from_path(src_uri)
    return file.url_relative_to(page.file) if file else src_uri


def _site_page(page: Page, files: Files) -> SitePage | None:
    handbook = _handbook()
    if page.file.src_uri == INDEX_FILE:
        sections = {s.slug: _section_href(files, page, s.slug) for s in handbook.sections}
        downloads = [Download(label, _href(files, page, f"decks/{name}")) for label, name in deck_files(handbook)]
        return home_page(handbook, sections, downloads)
    slug = _section_slug(page)
    if slug is None:
        return None
    figures = get_relative_url(f"{FIGURES_FOLDER}/", page.url)
    return section_page(handbook.section(slug), get_relative_url(f"decks/{slug}.apkg", page.url),
                        figures if figures.endswith("/") else figures + "/")


def _section_href(files: Files, page: Page, slug: str) -> str:
    """The link to a section's page, whatever its NN prefix."""
    for file in files.documentation_pages():
        match = SECTION_FILE.match(file.src_uri)
        if match and match.group(2) == slug:
            return file.url_relative_to(page.file)
    raise PluginError(f"handbook: no page for section {slug!r}")


def _toc(view: SitePage) -> TableOfContents:
    """The page's title with its questions (or home page parts) below it."""
    top = AnchorLink(text_html(view.title), view.anchor, 1)
    top.children = [AnchorLink(entry.title_html, entry.id, 2) for entry in view.toc]
    return TableOfContents([top])


def on_page_content(content: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    view = _build.pages.get(page.file.src_uri)
    if view is None:
        return content
    page.toc = _toc(view)
    return search_html(view)


@event_priority(-100)  # after the search plugin has indexed the flat rendering
def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav: object) -> dict:
    view = _build.pages.get(page.file.src_uri)
    if view is not None:
        page.content = reader_html(view)
    return context

