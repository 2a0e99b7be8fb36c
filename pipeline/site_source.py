"""The site's source: a folder that MkDocs and Zensical each build, as they are, into the site.

Every page is made here, by the project's own site writer (pipeline/writers/site.py),
not by an engine's hooks: an engine only wraps the pages in the Material theme, makes
the navigation from the config written here, and indexes the search. So the site is
the same from either engine, and a plain `mkdocs build -f SOURCE/mkdocs.yml` or
`zensical build -f SOURCE/mkdocs.yml` gives it.

The folder holds:
- mkdocs.yml: the project's settings (the checkout's mkdocs.yml: theme, palette,
  features, search, site_url…) with what the books decide: the site's name, the
  navigation (each book a tab when there are several), the first book's footer;
- docs/: one Markdown file per page. Its front matter carries what readers see,
  the page as the site writer made it (`handbook.html`), the table of contents'
  labels with their formulas, the page's footer and edit link; its body is the
  same questions flat, one heading each with its answer as raw HTML, which is what
  the engine's search indexes (a hit opens the question) and its table of contents
  lists. Then each book's figures and decks, KaTeX and the site's script and style;
- overrides/: the theme's few overrides (pipeline/site_theme/) that print the
  page's own HTML, the table of contents' labels, the page's footer and the home
  page's title from that front matter.

A site holds one book or several (pipeline/site_layout.py): the first at the root,
the others under `<slug>/`.
"""

from __future__ import annotations

import functools
import html
import json
import os
import posixpath
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from pipeline import inputs
from pipeline.errors import HandbookError
from pipeline.formats import FIGURES_FOLDER, INDEX_FILE, SECTION_FILE, book_deck_file, section_deck_file
from pipeline.leads import handbook_splits
from pipeline.model import Handbook, Section
from pipeline.paths import DECKS_DIR
from pipeline.sanitize import web_url
from pipeline.site_config import read_site_config
from pipeline.site_layout import SiteBook, SiteLayout, read_handbook
from pipeline.source_time import source_date
from pipeline.writers.deck_names import deck_renames
from pipeline.writers.meta_html import meta_html, text_html
from pipeline.writers.site import (
    BookLink,
    Download,
    SitePage,
    deck_files,
    footer_html,
    home_page,
    reader_html,
    section_page,
)

THEME = Path(__file__).with_name("site_theme")
ASSETS = Path(__file__).with_name("site_assets")
KATEX_FILES = ("katex.min.js", "katex.min.css")
KATEX_FONTS = "*.woff2"  # every browser that runs the site reads woff2
SERIES_FEATURES = ("navigation.tabs", "navigation.indexes")  # each book a tab, its home the tab's page
CONFIG_FILE = "mkdocs.yml"
DOCS = "docs"
# Settings the source decides itself, whatever the checkout's mkdocs.yml says.
DECIDED = frozenset({"docs_dir", "site_dir", "hooks", "nav", "copyright", "markdown_extensions", "edit_uri"})

# A file of the source: its bytes, or the file to copy them from.
Content = bytes | Path


@dataclass(frozen=True)
class Settings:
    """The checkout's mkdocs.yml as data, and the folder its relative paths (decks/) start from."""

    config: Mapping[str, Any]
    root: Path

    @property
    def edit_uri(self) -> str | None:
        """Edit links only from a full web address (a relative one would point nowhere)."""
        value = self.config.get("edit_uri")
        return value if isinstance(value, str) and web_url(value) else None


def read_settings(config_file: Path) -> Settings:
    """The project's site settings: the checkout's mkdocs.yml, read through the door (pipeline.site_config)."""
    if not inputs.present(config_file):
        raise HandbookError(f"{config_file} not found: run build-site from the project folder")
    return Settings(read_site_config(config_file), config_file.resolve().parent)


def site_source(layout: SiteLayout, settings: Settings, site_url: str | None = None) -> dict[str, Content]:
    """Every file of the site's source folder, by its path there."""
    handbooks = {book.slug: read_handbook(book.handbook_dir) for book in layout.books}
    files: dict[str, Content] = {}
    for book in layout.books:
        files |= _book_files(layout, book, handbooks, settings)
    files |= _asset_files(layout, settings)
    files |= {f"overrides/{p.relative_to(THEME).as_posix()}": p for p in sorted(THEME.rglob("*.html"))}
    files[CONFIG_FILE] = _config_text(layout, handbooks, settings, site_url)
    return files


# --- pages -------------------------------------------------------------------------


def _section_files(book: SiteBook) -> dict[str, str]:
    """Section slug → its Markdown file's name (whatever its NN prefix)."""
    names = sorted(p.name for p in book.handbook_dir.glob("*.md"))
    return {match.group(2): name for name in names if (match := SECTION_FILE.match(name))}


def relative_url(target: str, page_url: str) -> str:
    """`target` (a path in the site; a folder ends in "/") as a link from the page at `page_url`."""
    relative = posixpath.relpath("/" + target, "/" + (page_url or "."))
    if target.endswith("/") or not target:
        return "./" if relative == "." else relative + "/"
    return relative


def _book_files(
    layout: SiteLayout, book: SiteBook, handbooks: Mapping[str, Handbook], settings: Settings
) -> dict[str, Content]:
    """The book's pages (its home, then its sections) and its figures."""
    pages = _BookPages(layout, book, handbooks, settings)
    handbook = handbooks[book.slug]
    files: dict[str, Content] = {f"{DOCS}/{book.prefix}{INDEX_FILE}": pages.home()}
    for section in handbook.sections:
        name, page = pages.section(section)
        files[f"{DOCS}/{book.prefix}{name}"] = page
    figures = book.handbook_dir / FIGURES_FOLDER
    files |= {f"{DOCS}/{book.prefix}{FIGURES_FOLDER}/{p.name}": p for p in sorted(figures.glob("*.svg"))}
    return files


@dataclass(frozen=True)
class _BookPages:
    """One book's pages, each as the Markdown file the engines read."""

    layout: SiteLayout
    book: SiteBook
    handbooks: Mapping[str, Handbook]
    settings: Settings

    @property
    def handbook(self) -> Handbook:
        return self.handbooks[self.book.slug]

    @property
    def study_book(self) -> str:
        return self.book.slug if self.book.prefix else ""  # a later book keeps its grades under its slug

    def home(self) -> bytes:
        book, url = self.book, self.book.prefix
        view = home_page(
            self.handbook,
            {slug: relative_url(_page_url(book, name), url) for slug, name in _section_files(book).items()},
            [
                Download(label, relative_url(f"decks/{name}", url))
                for label, name in deck_files(self.handbook, book.slug)
            ],
            _book_links(self.layout, self.handbooks, url) if not book.prefix else (),
            _deck_renames(self.handbook, book, self.layout),
            self.study_book,
        )
        # The site's own home keeps the engine's title ("Home"): the site's name is its header.
        title = text_html(view.title) if book.prefix or self.layout.several else None
        return self._page(view, title, INDEX_FILE)

    def section(self, section: Section) -> tuple[str, bytes]:
        book = self.book
        name = _section_files(book).get(section.slug)
        if name is None:
            raise HandbookError(f"no page for section {section.slug!r} in {book.handbook_dir}")
        url = _page_url(book, name)
        view = section_page(
            section,
            relative_url(book.deck(section_deck_file(section, book.slug)), url),
            relative_url(f"{book.prefix}{FIGURES_FOLDER}/", url),
            self.study_book,
            handbook_splits(self.handbook, book.book.leads_file),
        )
        return name, self._page(view, text_html(view.title), name)

    @functools.cached_property
    def updated(self) -> str:
        """The book's pages' "last update": its Markdown's source time, never the clock."""
        return time.strftime("%Y-%m-%d", time.gmtime(source_date(self.book.handbook_dir)))

    def _page(self, view: SitePage, title: str | None, name: str) -> bytes:
        edit_url = _edit_url(self.settings, self.layout.books[0].handbook_dir, self.book, name)
        return _Page(view, title, self.updated, footer_html(self.handbook.meta), edit_url).markdown().encode()


def _page_url(book: SiteBook, name: str) -> str:
    """A section page's address in the site (a folder, with directory URLs)."""
    return book.prefix + name.removesuffix(".md") + "/"


def _book_links(layout: SiteLayout, handbooks: Mapping[str, Handbook], page_url: str) -> list[BookLink]:
    """The series' books, for the site's home page when it holds several."""
    if not layout.several:
        return []
    return [
        BookLink(
            handbooks[book.slug],
            relative_url(book.prefix, page_url),
            relative_url(book.deck(book_deck_file(book.slug)), page_url),
        )
        for book in layout.books
    ]


def _deck_renames(handbook: Handbook, book: SiteBook, layout: SiteLayout) -> list[tuple[str, str]]:
    from pipeline.book import read_series

    return deck_renames(handbook, book.slug, layout.title or read_series().title)


def _edit_url(settings: Settings, first_dir: Path, book: SiteBook, name: str) -> str | None:
    """The page's "edit" link: edit_uri names the first book's folder in the repository, so a
    later book's file is found from there when both are in the checkout (none otherwise)."""
    if settings.edit_uri is None:
        return None
    if not book.prefix:
        return urljoin(settings.edit_uri, name)
    first, source = first_dir.resolve(), (book.handbook_dir / name).resolve()
    if not (source.is_relative_to(settings.root) and first.is_relative_to(settings.root)):
        return None
    return urljoin(settings.edit_uri, Path(os.path.relpath(source, first)).as_posix())


@dataclass(frozen=True)
class _Page:
    """A page of the site as a Markdown file the engines read."""

    view: SitePage
    title: str | None  # for the theme (escaped); None keeps the engine's own ("Home")
    updated: str
    footer: str
    edit_url: str | None

    def markdown(self) -> str:
        meta: dict[str, Any] = {} if self.title is None else {"title": self.title}
        meta["revision_date"] = self.updated  # the theme's "last update" line
        meta["handbook"] = {
            "html": reader_html(self.view),
            "toc": {entry.id: entry.title_html for entry in self.view.toc},
            "footer": self.footer,
            "edit_url": self.edit_url or "",
            "home": self.title is None,
        }
        return f"---\n{yaml_json(meta)}\n---\n\n{search_markdown(self.view)}"


# Characters YAML refuses, or reads as line breaks (C1 controls, U+2028/9, non-characters),
# which JSON leaves as they are; escaped, they read back the same. (JSON's escapes of
# characters outside the BMP, surrogate pairs, are no YAML: those stay unescaped.)
_NOT_YAML = re.compile("[\x7f-\x9f\u2028\u2029\ufffe\uffff]")


def yaml_json(value: object, indent: int | None = None) -> str:
    """`value` as JSON that YAML reads back the same (JSON is YAML, but for escapes); one line
    unless `indent`. Keys keep their order: an engine reads the navigation in order."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return _NOT_YAML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# --- the body: what search indexes and the table of contents lists --------------------

_SEARCH_HEADING = re.compile(r'<h2 id="([^"<>]+)">(.*?)</h2>\n?', re.S)
_TAG = re.compile(r"(<[^>]*>)")
# Characters Markdown would read as markup in a heading's text (HTML-escaped already).
_MARKDOWN_TEXT = str.maketrans({c: f"&#{ord(c)};" for c in "\\`*_[]{}#!~$|"})


def _markdown_text(fragment: str) -> str:
    """An HTML fragment as a Markdown heading's text: markup characters outside tags as entities."""
    return "".join(
        part if part.startswith("<") else part.translate(_MARKDOWN_TEXT) for part in _TAG.split(fragment)
    )


def _raw_block(fragment: str) -> str:
    """HTML that Markdown passes through untouched: one block-level element on its own lines."""
    return f'<div class="handbook-search">\n{fragment.strip()}\n</div>\n\n' if fragment.strip() else ""


def search_markdown(view: SitePage) -> str:
    """The page as Markdown: its title, then each question (or part of the home page) as a heading
    of its own with its text below, so search finds each by its words and links to its anchor."""
    parts = _SEARCH_HEADING.split(view.search_html)
    lines = [f"# {_markdown_text(html.escape(view.title))} {{#{view.anchor}}}\n\n", _raw_block(parts[0])]
    for anchor, title, body in zip(parts[1::3], parts[2::3], parts[3::3], strict=True):
        lines += [f"## {_markdown_text(title)} {{#{anchor}}}\n\n", _raw_block(body)]
    return "".join(lines)


# --- assets and config -------------------------------------------------------------


def _asset_files(layout: SiteLayout, settings: Settings) -> dict[str, Content]:
    """KaTeX, the site's script and style, and each book's decks (if decks/<slug>/ holds them)."""
    from pipeline.katex import katex_dist

    dist = katex_dist()
    files: dict[str, Content] = {f"{DOCS}/assets/katex/{name}": dist / name for name in KATEX_FILES}
    files |= {f"{DOCS}/assets/katex/fonts/{p.name}": p for p in sorted((dist / "fonts").glob(KATEX_FONTS))}
    files |= {f"{DOCS}/assets/handbook/{p.name}": p for p in sorted(ASSETS.iterdir()) if p.is_file()}
    for book in layout.books:  # decks are outputs anyone could have put there: read through the door
        decks = settings.root / DECKS_DIR / book.slug
        files |= {
            f"{DOCS}/{book.deck(p.name)}": inputs.read_bytes(p, inputs.DECK)
            for p in sorted(decks.glob("*.apkg"))
        }
    return files


def _config_text(
    layout: SiteLayout, handbooks: Mapping[str, Handbook], settings: Settings, site_url: str | None
) -> bytes:
    first = handbooks[layout.books[0].slug]
    config = {key: value for key, value in settings.config.items() if key not in DECIDED}
    if layout.several:
        config["site_name"] = str(text_html(layout.title))  # the theme prints site_name as it is
    elif first.meta.title:
        config["site_name"] = str(meta_html(first.meta).title)
    if site_url is not None:
        config["site_url"] = site_url
    theme = dict(config.get("theme") or {})
    features = list(theme.get("features") or [])
    if layout.several:
        features += [name for name in SERIES_FEATURES if name not in features]
    config["theme"] = {**theme, "features": features, "custom_dir": "overrides"}
    config |= {
        "docs_dir": DOCS,
        "site_dir": "site",
        "use_directory_urls": True,
        "copyright": str(footer_html(first.meta)),  # pages of no book (404); each page has its own
        "markdown_extensions": ["attr_list", "toc"],  # the pages' bodies: headings and raw HTML
        "nav": _nav(layout, handbooks),
    }
    # JSON, which is YAML too: written in a blink, read by either engine.
    header = "# Written by `handbook build-site` from the checkout's mkdocs.yml and the books: do not edit.\n"
    return (header + yaml_json(config, indent=2) + "\n").encode()


def _nav(layout: SiteLayout, handbooks: Mapping[str, Handbook]) -> list[Any]:
    """Each book's home, then its sections in order; with several books, each a section (a tab)."""
    books = []
    for book in layout.books:
        handbook, files = handbooks[book.slug], _section_files(book)
        pages: list[Any] = [{str(text_html(s.title)): book.prefix + files[s.slug]} for s in handbook.sections]
        books.append((book, handbook, pages))
    if not layout.several:
        _, _, pages = books[0]
        return [{"Home": INDEX_FILE}, *pages]
    return [
        {str(text_html(handbook.meta.title or book.slug)): [book.prefix + INDEX_FILE, *pages]}
        for book, handbook, pages in books
    ]
