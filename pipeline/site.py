"""`handbook build-site`: canonical Markdown → the MkDocs Material site.

The pages themselves are made by the MkDocs hooks (pipeline/mkdocs_hooks.py), so
`mkdocs serve` shows the same site; this module runs `normalize` first when a
book's Markdown is older than its snapshot or errata, builds strictly with
MkDocs' Python API into a staging folder, and swaps it in only when the build
succeeded. A site holds one book or several (pipeline/site_layout.py): the
first at the root, the others under `<slug>/`, named after the series.

The same input gives byte-identical files: the only date MkDocs writes (sitemap
`lastmod` and the gzip header of sitemap.xml.gz) is taken from
SOURCE_DATE_EPOCH, which is set here, when the caller has not, to the time of
the last git commit of the Markdown (or, outside a clean checkout, its newest
modification time), never to the clock.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from pipeline.book import Book
from pipeline.errors import HandbookError
from pipeline.fileio import replaced_dir
from pipeline.inputs import one_line
from pipeline.normalize import normalize_if_stale
from pipeline.paths import MKDOCS_CONFIG
from pipeline.site_config import check_web_url, config_stream
from pipeline.site_layout import SITE_KEY, SiteLayout, books_layout, read_handbook, site_extra
from pipeline.source_time import source_date
from pipeline.writers.site import deck_files, formula_count

WRITER = "handbook build-site"  # names the folder's owner in its marker (pipeline.fileio)


@dataclass(frozen=True)
class SiteReport:
    """What `build_site` built, for the CLI's summary."""

    site_dir: Path
    pages: int
    questions: int
    formulas: int
    decks: tuple[int, int]  # (found, expected)
    normalized: bool
    seconds: float

    def summary(self) -> str:
        first = "Normalized the snapshot, then built" if self.normalized else "Built"
        line = (
            f"{first} {self.pages} pages ({self.questions} questions, {self.formulas} formulas) "
            f"into {self.site_dir}/ in {self.seconds:.1f}s"
        )
        found, expected = self.decks
        if found < expected:
            line += (
                f"\nAnki decks: {found} of {expected} in decks/<book>/; run `handbook export-anki` "
                "before build-site or the download links stay broken"
            )
        return line


def build_site(
    book: Book,
    site_dir: Path,
    *,
    more_books: Sequence[Book] = (),
    series_title: str | None = None,
    config_file: Path = MKDOCS_CONFIG,
    site_url: str | None = None,
    force: bool = False,
    adopt: bool = False,
) -> SiteReport:
    """Build the site of `book`, and of `more_books` after it, into `site_dir` (replaced
    only on success).

    With more books the site is the series' (`series_title`, by default
    source/books/series.toml's). `site_url` overrides mkdocs.yml's (tests serve
    the site on a port of their own); `force` replaces a folder that holds
    something else, `adopt` an unmarked default site/ from before markers (see
    pipeline.fileio).
    """
    start = time.perf_counter()
    books = [book, *more_books]
    normalized = [normalize_if_stale(each) for each in books]
    layout = books_layout(book, more_books, series_title)
    dirs = [each.handbook_dir for each in books]
    handbooks = [read_handbook(folder) for folder in dirs]
    if not config_file.exists():
        raise HandbookError(f"{config_file} not found: run build-site from the project folder")
    if site_url:
        check_web_url(site_url, "the site's address")
    with replaced_dir(site_dir, WRITER, force=force, adopt=adopt) as staging, _source_date(dirs):
        _mkdocs_build(config_file, layout, staging, site_url)
    return SiteReport(
        site_dir=site_dir,
        pages=sum(len(h.sections) + 1 for h in handbooks),
        questions=sum(1 for h in handbooks for _ in h.questions()),
        formulas=sum(formula_count(h) for h in handbooks),
        decks=_decks_found(layout, site_dir),
        normalized=any(report is not None for report in normalized),
        seconds=time.perf_counter() - start,
    )


def _mkdocs_build(config_file: Path, layout: SiteLayout, site_dir: Path, site_url: str | None) -> None:
    """`mkdocs build --strict`, as the mkdocs command runs it, with our folders and books."""
    overrides = {"site_url": site_url} if site_url is not None else {}
    try:
        config = load_config(
            config_stream(config_file),
            docs_dir=str(layout.books[0].handbook_dir.resolve()),
            site_dir=str(site_dir.resolve()),
            strict=True,
            **overrides,
        )
        config.extra[SITE_KEY] = site_extra(layout)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    except MkDocsException as error:
        raise HandbookError(
            f"the site did not build ({one_line(str(error))}); see the MkDocs messages above"
        ) from None


def _decks_found(layout: SiteLayout, site_dir: Path) -> tuple[int, int]:
    names = [
        name for book in layout.books for _, name in deck_files(read_handbook(book.handbook_dir), book.slug)
    ]
    return sum((site_dir / "decks" / name).is_file() for name in names), len(names)


# --- dates -------------------------------------------------------


@contextmanager
def _source_date(handbook_dirs: Sequence[Path]) -> Iterator[None]:
    """SOURCE_DATE_EPOCH set for MkDocs during the build, then restored."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(source_date(*handbook_dirs))
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
