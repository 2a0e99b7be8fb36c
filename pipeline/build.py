"""`handbook build`: every stage in order, with progress and a final ledger.

For each book: normalize (only when the snapshot or errata changed), draw the
figures whose script changed (pipeline/figures.py), export its Anki decks; then
build one site of every book, which copies the decks in so its pages offer them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.book import Book
from pipeline.fileio import remove_stale
from pipeline.formats import FIGURES_FOLDER
from pipeline.paths import DEFAULT_SITE_ENGINE

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Stage:
    name: str
    questions: int
    seconds: float
    detail: str


@dataclass(frozen=True)
class BuildReport:
    stages: tuple[Stage, ...]

    def summary(self) -> str:
        rows = [f"{'stage':<12} {'questions':>9} {'seconds':>8}  result"]
        rows += [f"{s.name:<12} {s.questions:>9} {s.seconds:>8.1f}  {s.detail}" for s in self.stages]
        total = sum(s.seconds for s in self.stages)
        rows.append(f"{'total':<12} {'':>9} {total:>8.1f}")
        return "\n".join(rows)


def build(
    books: Sequence[Book],
    site_dir: Path,
    decks_dir: Path,
    progress: Progress = lambda message: None,
    *,
    engine: str = DEFAULT_SITE_ENGINE,
    force: bool = False,
    adopt: bool = False,
) -> BuildReport:
    """Build each book's canonical Markdown (if stale), figures and decks, then one site of them all
    (the first book at the site's root). `force` and `adopt`: see pipeline.fileio."""
    from pipeline.site import build_site

    _remove_stale_staging(books, site_dir, decks_dir)

    def each_book(step: Callable[[Book], tuple[int, str]]) -> Callable[[], tuple[int, str]]:
        def action() -> tuple[int, str]:
            results = [(book, *step(book)) for book in books]
            if len(results) == 1:
                return results[0][1:]
            return (
                sum(count for _, count, _ in results),
                "; ".join(f"{book.slug}: {detail}" for book, _, detail in results),
            )

        return action

    def site() -> tuple[int, str]:
        first, *more = books
        report = build_site(first, site_dir, more_books=more, engine=engine, force=force, adopt=adopt)
        return report.questions, f"{report.pages} pages, {report.formulas} formulas in {site_dir}/"

    stages: list[tuple[str, Callable[[], tuple[int, str]]]] = [
        ("normalize", each_book(lambda book: _markdown(book, force))),
        ("figures", each_book(_figures)),
        ("anki", each_book(lambda book: _decks(book, decks_dir, force, adopt))),
        ("site", site),
    ]
    done = []
    for number, (name, action) in enumerate(stages, start=1):
        step = f"[{number}/{len(stages)}] {name}"
        progress(f"{step} …")
        start = time.perf_counter()
        questions, detail = action()
        done.append(Stage(name, questions, time.perf_counter() - start, detail))
        progress(f"{step}: {detail} ({done[-1].seconds:.1f} s)")
    return BuildReport(tuple(done))


def _remove_stale_staging(books: Sequence[Book], site_dir: Path, decks_dir: Path) -> None:
    """What a killed build left (staging folders, temporary files: pipeline.fileio), wherever
    a build writes, before this one starts."""
    folders = {site_dir.parent, decks_dir.parent, decks_dir}
    for book in books:
        handbook = book.handbook_dir
        folders |= {book.folder, handbook, handbook / FIGURES_FOLDER, decks_dir / book.slug}
    for folder in sorted(folders):
        remove_stale(folder)


def _markdown(book: Book, force: bool) -> tuple[int, str]:
    from pipeline.normalize import normalize_if_stale
    from pipeline.readers.markdown import read_markdown

    report = normalize_if_stale(book, force=force)
    count = sum(1 for _ in read_markdown(book.handbook_dir).questions())
    return count, report.summary().splitlines()[0] if report else "up to date with the snapshot"


def _figures(book: Book) -> tuple[int, str]:
    from pipeline.figures import update_figures
    from pipeline.formats import FIGURES_FOLDER
    from pipeline.model import handbook_images
    from pipeline.readers.markdown import read_markdown

    handbook = read_markdown(book.handbook_dir, figures=False)
    shown = {image.name for image in handbook_images(handbook)}
    report = update_figures(book.figures_dir, book.handbook_dir / FIGURES_FOLDER, shown)
    return sum(1 for _ in handbook.questions()), report.summary()


def _decks(book: Book, decks_dir: Path, force: bool, adopt: bool) -> tuple[int, str]:
    from pipeline.anki import export_anki

    report = export_anki(book, decks_dir, None, force=force, adopt=adopt)
    changed = f"{len(report.changed)} note{'' if len(report.changed) == 1 else 's'} changed"
    return report.notes, f"{len(report.decks)} decks in {report.out_dir}/, {changed}"
