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

from pipeline.book import book_of
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
    handbook_dirs: Sequence[Path],
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

    stages = []

    def run(number: int, name: str, action: Callable[[], tuple[int, str]]) -> None:
        progress(f"[{number}/4] {name} …")
        start = time.perf_counter()
        questions, detail = action()
        stage = Stage(name, questions, time.perf_counter() - start, detail)
        progress(f"[{number}/4] {name}: {detail} ({stage.seconds:.1f} s)")
        stages.append(stage)

    def each_book(step: Callable[[Path], tuple[int, str]]) -> Callable[[], tuple[int, str]]:
        def action() -> tuple[int, str]:
            results = [(folder, *step(folder)) for folder in handbook_dirs]
            if len(results) == 1:
                return results[0][1:]
            return (
                sum(count for _, count, _ in results),
                "; ".join(f"{_book_name(folder)}: {detail}" for folder, _, detail in results),
            )

        return action

    def site() -> tuple[int, str]:
        first, *more = handbook_dirs
        report = build_site(first, site_dir, more_books=more, engine=engine, force=force, adopt=adopt)
        return report.questions, f"{report.pages} pages, {report.formulas} formulas in {site_dir}/"

    run(1, "normalize", each_book(lambda folder: _markdown(folder, force)))
    run(2, "figures", each_book(_figures))
    run(3, "anki", each_book(lambda folder: _decks(folder, decks_dir, force, adopt)))
    run(4, "site", site)
    return BuildReport(tuple(stages))


def _book_name(handbook_dir: Path) -> str:
    book = book_of(handbook_dir)
    return book.slug if book else str(handbook_dir)


def _markdown(handbook_dir: Path, force: bool) -> tuple[int, str]:
    from pipeline.normalize import normalize_if_stale
    from pipeline.readers.markdown import read_markdown

    book = book_of(handbook_dir)
    report = normalize_if_stale(book, force=force) if book else None
    count = sum(1 for _ in read_markdown(handbook_dir).questions())
    return count, report.summary().splitlines()[0] if report else "up to date with the snapshot"


def _figures(handbook_dir: Path) -> tuple[int, str]:
    from pipeline.figures import update_figures
    from pipeline.model import handbook_images
    from pipeline.readers.markdown import FIGURES_FOLDER, read_markdown

    book = book_of(handbook_dir)
    if book is None:
        return 0, "drawn by normalize"
    handbook = read_markdown(handbook_dir, figures=False)
    shown = {image.name for image in handbook_images(handbook)}
    report = update_figures(book.figures_dir, handbook_dir / FIGURES_FOLDER, shown)
    return sum(1 for _ in handbook.questions()), report.summary()


def _decks(handbook_dir: Path, decks_dir: Path, force: bool, adopt: bool) -> tuple[int, str]:
    from pipeline.anki import export_anki

    report = export_anki(handbook_dir, decks_dir, None, force=force, adopt=adopt)
    changed = f"{len(report.changed)} note{'' if len(report.changed) == 1 else 's'} changed"
    return report.notes, f"{len(report.decks)} decks in {report.out_dir}/, {changed}"
