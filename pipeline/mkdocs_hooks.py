"""MkDocs hooks (mkdocs.yml `hooks:`): the canonical Markdown, rendered our way.

MkDocs finds the first book's pages in its handbook/ folder (docs_dir) and
Material supplies the theme, navigation and search; what a page says comes from
the handbook's own reader (`read_markdown`) and site writer, so `mkdocs serve`,
`mkdocs build` and `handbook build-site` all show exactly the canonical content.
A site may hold several books (pipeline/site_layout.py): the first at the root,
the others added under `<slug>/`; every page knows its book.

- on_config: the site learns its books (from build_site, else every book of the
  series); it is named after the handbook's title, or the series' with several
  books (escaped: the theme prints it as it is, like every `page.meta` value; see
  writers/meta_html.py), and shows each book as a tab; every page's footer credits
  its book's author and links the original post; "edit this page" links appear
  only when mkdocs.yml gives `edit_uri` as a web address. Material's templates are
  overridden where it offers no setting (pipeline/site_theme/: the search dialog's name).
- on_files: each handbook is read once per build; the later books' pages and
  figures, KaTeX (from node_modules), the site's own script and style, and each
  book's Anki decks (if `decks/<slug>/` holds them) are added to the site.
- on_nav: with several books, one top-level section per book, in series order.
- on_page_markdown: the page is made from the model; Python-Markdown gets nothing
  to render. Each page is dated by the Markdown's source time (never the clock).
- on_page_content: the search plugin gets the flat, heading-per-question
  rendering (see writers/site.py); the table of contents lists the questions.
- on_page_context, after the search plugin has indexed the page: readers get
  the collapsible rendering, and the footer of the page's book.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure import StructureItem
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents
from mkdocs.utils import get_relative_url

from pipeline.book import read_series
from pipeline.errors import HandbookError
from pipeline.formats import FIGURES_FOLDER, INDEX_FILE, SECTION_FILE, book_deck_file, section_deck_file
from pipeline.katex import katex_dist
from pipeline.model import Handbook
from pipeline.paths import BOOKS_DIR, DECKS_DIR
from pipeline.sanitize import web_url
from pipeline.site_layout import SITE_KEY, SiteBook, SiteLayout, given_layout, read_handbook, series_layout
from pipeline.source_time import source_date
from pipeline.writers.anki import deck_rename
from pipeline.writers.meta_html import meta_html, text_html
from pipeline.writers.site import (
    BookLink,
    Download,
    SitePage,
    deck_files,
    footer_html,
    home_page,
    reader_html,
    search_html,
    section_page,
)

if TYPE_CHECKING:
    from mkdocs.livereload import LiveReloadServer  # only `mkdocs serve` loads it

ASSETS = Path(__file__).with_name("site_assets")
THEME_OVERRIDES = Path(__file__).with_name("site_theme")  # Material's partials we change (accessibility)
KATEX_FILES = ("katex.min.js", "katex.min.css")
KATEX_FONTS = "*.woff2"  # every browser that runs the site reads woff2
SERIES_FEATURES = ("navigation.tabs", "navigation.indexes")  # each book a tab, its home the tab's page


@dataclass
class _Build:
    """What one build has learned so far (hooks are module functions)."""

    layout: SiteLayout | None = None
    handbooks: dict[str, Handbook] = field(default_factory=dict)  # by book slug
    updated: dict[str, str] = field(default_factory=dict)  # by book slug: its pages' "last updated" date
    pages: dict[str, SitePage] = field(default_factory=dict)
    footer: str = ""  # the first book's, for pages of no book (404)


_build = _Build()


def _handbook_error(error: HandbookError) -> PluginError:
    return PluginError(f"handbook: {error}")


# --- config and files ----------------------------------------------------------


def _layout(config: MkDocsConfig) -> SiteLayout:
    """The books build_site named, else (plain `mkdocs build`) every book of the series."""
    given = config.extra.get(SITE_KEY)
    if given is not None:
        return given_layout(given)
    return series_layout(Path(config.docs_dir), Path(config.config_file_path or ".").parent / BOOKS_DIR)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    index = Path(config.docs_dir) / INDEX_FILE
    if not index.is_file():
        raise PluginError(f"{index} is missing: run `handbook normalize` to recreate it")
    try:
        _build.layout = layout = _layout(config)
        first = read_handbook(layout.books[0].handbook_dir)
    except HandbookError as error:
        raise _handbook_error(error) from None
    if layout.several:
        config.site_name = text_html(layout.title)  # Material prints site_name unescaped
        features = config.theme["features"]
        features += [name for name in SERIES_FEATURES if name not in features]
    elif first.meta.title:
        config.site_name = meta_html(first.meta).title
    _build.footer = config.copyright = footer_html(first.meta)  # Material prints it in each footer, as HTML
    # Ahead of Material's templates, behind a custom_dir of mkdocs.yml's own.
    config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(THEME_OVERRIDES))
    if not (config.edit_uri and web_url(config.edit_uri)):
        # "edit this page" only from a full web address (a relative edit_uri with no
        # repo_url, or MkDocs' default for one, would point nowhere)
        config.edit_uri = None
    return config


def on_serve(server: LiveReloadServer, config: MkDocsConfig, builder: object) -> LiveReloadServer:
    """`mkdocs serve` watches docs_dir; the later books' folders too."""
    for book in _layout_now().books[1:]:
        server.watch(str(book.handbook_dir))
    return server


def _book_files(config: MkDocsConfig, book: SiteBook) -> list[File]:
    """A later book's pages and figures, under its folder in the site."""
    folder = book.handbook_dir.resolve()
    sources = [*sorted(folder.glob("*.md")), *sorted((folder / FIGURES_FOLDER).glob("*.svg"))]
    return [
        File.generated(config, book.prefix + path.relative_to(folder).as_posix(), abs_src_path=str(path))
        for path in sources
    ]


def _edit_url(config: MkDocsConfig, book: SiteBook, path: str) -> str | None:
    """A later book's page's "edit" link: edit_uri names the first book's folder in the repository,
    so the page's file is found from there, when both are in the checkout (none otherwise)."""
    checkout = Path(config.config_file_path or ".").resolve().parent
    source, docs_dir = (book.handbook_dir / path).resolve(), Path(config.docs_dir).resolve()
    if not (config.edit_uri and source.is_relative_to(checkout) and docs_dir.is_relative_to(checkout)):
        return None
    return urljoin(config.edit_uri, Path(os.path.relpath(source, docs_dir)).as_posix())


def _asset_files(config: MkDocsConfig, layout: SiteLayout) -> list[File]:
    """KaTeX, our script and style, and each book's decks: copied into the site, never committed."""
    dist = katex_dist()
    sources = {f"assets/katex/{name}": dist / name for name in KATEX_FILES}
    sources |= {f"assets/katex/fonts/{p.name}": p for p in sorted((dist / "fonts").glob(KATEX_FONTS))}
    sources |= {f"assets/handbook/{p.name}": p for p in sorted(ASSETS.iterdir()) if p.is_file()}
    root = Path(config.config_file_path or ".").parent
    for book in layout.books:
        decks = root / DECKS_DIR / book.slug
        sources |= {book.deck(p.name): p for p in sorted(decks.glob("*.apkg"))}
    return [File.generated(config, uri, abs_src_path=str(path)) for uri, path in sources.items()]


def on_files(files: Files, config: MkDocsConfig) -> Files:
    layout = _layout_now()
    try:
        _build.handbooks = {book.slug: read_handbook(book.handbook_dir) for book in layout.books}
        _build.updated = {
            book.slug: time.strftime("%Y-%m-%d", time.gmtime(source_date(book.handbook_dir)))
            for book in layout.books
        }
        _build.pages.clear()
        for book in layout.books[1:]:
            for file in _book_files(config, book):
                files.append(file)
        for file in _asset_files(config, layout):
            files.append(file)
    except HandbookError as error:
        raise _handbook_error(error) from None
    return files


def _layout_now() -> SiteLayout:
    if _build.layout is None:
        raise PluginError("handbook: the site's books were not read (on_config did not run)")
    return _build.layout


# --- navigation ------------------------------------------------------------------


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    """With several books: one top-level section per book (a tab), its home first, in series order."""
    layout = _layout_now()
    if not layout.several:
        return nav
    sections: list[StructureItem] = []
    pages: list[Page] = []
    for book in layout.books:
        own = [page for page in nav.pages if layout.book_of(page.file.src_uri)[0] == book]
        children: list[StructureItem] = list(own)
        section = Section(text_html(_build.handbooks[book.slug].meta.title or book.slug), children)
        for page in own:
            page.parent = section
        sections.append(section)
        pages += own
    for previous, page, following in zip([None, *pages], pages, [*pages[1:], None], strict=False):
        page.previous_page, page.next_page = previous, following
    navigation = Navigation(sections, pages)
    navigation.homepage = pages[0]  # the first book's home, though no longer top-level (its title shows)
    return navigation


# --- pages ---------------------------------------------------------------------


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Nothing for Python-Markdown to render: the whole page is ours (see on_page_content)."""
    book, path = _layout_now().book_of(page.file.src_uri)
    view = _site_page(book, path, page, files)
    if view is None:
        return markdown
    _build.pages[page.file.src_uri] = view
    page.meta = _page_meta(page, view, book)
    if book.prefix:
        page.edit_url = _edit_url(config, book, path)
    return ""


def _page_meta(page: Page, view: SitePage, book: SiteBook) -> dict[str, str]:
    """The only front matter the theme sees, escaped: Material prints `page.meta` values
    (title, subtitle, author, description, ...) unescaped, and obeys keys such as
    `template`; so nothing from index.md's front matter reaches it as it was written.

    The site's home page keeps MkDocs' own title ("Home"): the site's name is already
    its tab title and header, and would otherwise show twice ("X - X"). (In a site of
    several books every book's home is in its book's section, so none is MkDocs'
    homepage and each shows its book's title under the series' name.)
    """
    meta: dict[str, str] = {} if page.is_homepage else {"title": text_html(view.title)}
    meta["revision_date"] = _build.updated[book.slug]  # Material's "last update" line
    return meta


def _page_href(files: Files, page: Page, src_uri: str) -> str:
    file = files.get_file_from_path(src_uri)
    if file is None:
        raise PluginError(f"handbook: no page {src_uri!r}")
    return file.url_relative_to(page.file)


def _deck_href(page: Page, path: str) -> str:
    """A deck's link, there or not (build-site reports missing decks; the page stays the same)."""
    return get_relative_url(path, page.url)


def _site_page(book: SiteBook, path: str, page: Page, files: Files) -> SitePage | None:
    handbook = _build.handbooks[book.slug]
    if path == INDEX_FILE:
        sections = {s.slug: _section_href(files, page, book, s.slug) for s in handbook.sections}
        downloads = [
            Download(label, _deck_href(page, f"decks/{name}"))
            for label, name in deck_files(handbook, book.slug)
        ]
        return home_page(
            handbook,
            sections,
            downloads,
            _book_links(files, page) if not book.prefix else (),
            deck_rename(handbook, book.slug, _layout_now().title or read_series().title),
            _study_book(book),
        )
    match = SECTION_FILE.match(path)
    if match is None:
        return None
    figures = get_relative_url(f"{book.prefix}{FIGURES_FOLDER}/", page.url)
    section = handbook.section(match.group(2))
    deck = _deck_href(page, book.deck(section_deck_file(section, book.slug)))
    return section_page(section, deck, figures if figures.endswith("/") else figures + "/", _study_book(book))


def _study_book(book: SiteBook) -> str:
    """A later book's slug, under which the self-test keeps its grades ("" for the first book's)."""
    return book.slug if book.prefix else ""


def _book_links(files: Files, page: Page) -> list[BookLink]:
    """The series' books, for the site's home page when it holds several."""
    layout = _layout_now()
    if not layout.several:
        return []
    return [
        BookLink(
            _build.handbooks[book.slug],
            _page_href(files, page, book.prefix + INDEX_FILE),
            _deck_href(page, book.deck(book_deck_file(book.slug))),
        )
        for book in layout.books
    ]


def _section_href(files: Files, page: Page, book: SiteBook, slug: str) -> str:
    """The link to a section's page of the book, whatever its NN prefix."""
    for file in files.documentation_pages():
        owner, path = _layout_now().book_of(file.src_uri)
        match = SECTION_FILE.match(path)
        if owner == book and match and match.group(2) == slug:
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
def on_page_context(
    context: dict[str, object], page: Page, config: MkDocsConfig, nav: object
) -> dict[str, object]:
    view = _build.pages.get(page.file.src_uri)
    if view is not None:
        page.content = reader_html(view)
        book, _ = _layout_now().book_of(page.file.src_uri)
        config.copyright = footer_html(_build.handbooks[book.slug].meta)  # pages render one at a time
    else:
        config.copyright = _build.footer
    return context
