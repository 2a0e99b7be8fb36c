"""Keep outside content from running in a reader's browser or Anki.

Everything we publish passes through here: link targets through `safe_url`,
finished HTML fragments through `clean_html` (nh3, an allow-list sanitizer).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import nh3

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
WEB_SCHEMES = frozenset({"http", "https"})

ALLOWED_TAGS = frozenset(
    {
        "a",
        "b",
        "blockquote",
        "br",
        "code",
        "details",
        "div",
        "em",
        "figcaption",
        "figure",
        "h3",
        "h4",
        "h5",
        "h6",
        "i",
        "img",
        "li",
        "ol",
        "p",
        "pre",
        "span",
        "strong",
        "summary",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id"},
    "a": {"href", "title"},
    "span": {"class", "style"},
    "div": {"class", "style"},
    "pre": {"class", "style"},
    "code": {"class", "style"},
    "td": {"style"},
    "th": {"style"},
    "ol": {"start"},
    "img": {"src", "alt"},
}


def safe_url(url: str) -> str | None:
    """The URL if it is a web or mail link (or a page-relative one), else None."""
    candidate = url.strip()
    if not candidate or any(ord(c) < 32 for c in candidate):
        return None
    scheme = urlsplit(candidate).scheme.lower()
    if scheme and scheme not in SAFE_SCHEMES:
        return None
    return candidate


def web_url(url: str) -> str | None:
    """The URL if it is an absolute http(s) address (a page's source), else None."""
    candidate = safe_url(url)
    if candidate is None:
        return None
    parts = urlsplit(candidate)
    return candidate if parts.scheme.lower() in WEB_SCHEMES and parts.netloc else None


def clean_html(fragment: str) -> str:
    """An HTML fragment with only allow-listed tags, attributes and URL schemes."""
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(SAFE_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
