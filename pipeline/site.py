"""`handbook build-site`: canonical Markdown → the MkDocs Material site.

The pages themselves are made by the MkDocs hooks (pipeline/mkdocs_hooks.py), so
`mkdocs serve` shows the same site; this module runs `normalize` first when the
Markdown is older than the snapshot or errata, builds strictly with MkDocs'
Python API into a staging folder, and swaps it in only when the build succeeded.

The same input gives byte-identical files: the only date MkDocs writes (sitemap
`lastmod` and the gzip header of sitemap.xml.gz) is taken from
SOURCE_DATE_EPOCH, which is set here, when the caller has not, to the time of
the last git commit of the Markdown (or, outside a clean checkout, its newest
modification time), never to the clock.
"""

from __future__ import annotations

import functools
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from pipeline.errors import HandbookError
from pipeline.fileio import replaced_dir
from pipeline.model import Handbook
from pipeline.normalize import normalize_if_stale
from pipeline.book import book_of
from pipeline.paths import MKDOCS_CONFIG
from pipeline.readers.markdown import read_markdown
from pipeline.source_time import source_time
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
            line += (f"\nAnki decks: {found} of {expected} in decks/; run `handbook export-anki` "
                     "before build-site or the download links stay broken")
        return line


def build_site(
    handbook_dir: Path, site_dir: Path, *, config_file: Path = MKDOCS_CONFIG, site_url: str | None = None,
    force: bool = False,
) -> SiteReport:
    """Build the site from `handbook_dir` into `site_dir` (replaced only on success).

    `site_url` overrides mkdocs.yml's (tests serve the site on a port of their own);
    `force` replaces a folder that holds something else (see pipeline.fileio).
    """
    start = time.perf_counter()
    book = book_of(handbook_dir)
    normalized = book is not None and normalize_if_stale(book) is not None
    handbook = read_handbook(handbook_dir)
    if not config_file.is_file():
        raise HandbookError(f"{config_file} not found: run build-site from the project folder")
    with replaced_dir(site_dir, WRITER, force=force) as staging, _source_date(handbook_dir):
        _mkdocs_build(config_file, handbook_dir, staging, site_url)
    return SiteReport(
        site_dir=site_dir,
        pages=len(handbook.sections) + 1,
        questions=sum(1 for _ in handbook.questions()),
        formulas=formula_count(handbook),
        decks=_decks_found(handbook, site_dir),
        normalized=normalized,
        seconds=time.perf_counter() - start,
    )


def read_handbook(handbook_dir: Path) -> Handbook:
    """`read_markdown`, remembered while the files stay the same.

    build_site reads the handbook for its report and the hook reads it for the
    pages; with this they parse it once per build (and `mkdocs serve` re-reads
    only after an edit).
    """
    stats = tuple(  # every entry, so that a stray file added later is seen (and refused)
        (p.name, p.lstat().st_mtime_ns, p.lstat().st_size) for p in sorted(handbook_dir.iterdir())
    ) if handbook_dir.is_dir() else ()
    return _read_once(handbook_dir.resolve(), stats)


@functools.lru_cache(maxsize=4)
def _read_once(handbook_dir: Path, stats: tuple[tuple[str, int, int], ...]) -> Handbook:
    return read_markdown(handbook_dir)


def _mkdocs_build(config_file: Path, handbook_dir: Path, site_dir: Path, site_url: str | None) -> None:
    """`mkdocs build --strict`, as the mkdocs command runs it, with our folders."""
    overrides = {"site_url": site_url} if site_url is not None else {}
    try:
        config = load_config(
            str(config_file), docs_dir=str(handbook_dir.resolve()), site_dir=str(site_dir.resolve()),
            strict=True, **overrides,
        )
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    except MkDocsException as error:
        raise HandbookError(f"the site did not build ({error}); see the MkDocs messages above") from None


def _decks_found(handbook: Handbook, site_dir: Path) -> tuple[int, int]:
    names = [name for _, name in deck_files(handbook)]
    return sum((site_dir / "decks" / name).is_file() for name in names), len(names)


# --- staleness and dates -------------------------------------------------------


def source_date(handbook_dir: Path) -> int:
    """The site's date (sitemap, footer): from the Markdown, see pipeline.source_time."""
    return source_time(sorted(handbook_dir.glob("*.md")))[0]


@contextmanager
def _source_date(handbook_dir: Path) -> Iterator[None]:
    """SOURCE_DATE_EPOCH set for MkDocs during the build, then restored."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(source_date(handbook_dir))
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous

