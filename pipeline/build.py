"""`handbook build`: every stage in order, with progress and a final ledger.

normalize (only when the snapshot or errata changed), draw the figures whose
script changed (pipeline/figures.py), export the Anki decks, then build the
site, which copies the decks in so its home page offers them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from pipeline.book import book_of

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
    handbook_dir: Path, site_dir: Path, decks_dir: Path,
    progress: Progress = lambda message: None, *, force: bool = False,
) -> BuildReport:
    """Build the canonical Markdown (if stale), every deck and the site."""
    from pipeline.anki import export_anki
    from pipeline.figures import update_figures
    from pipeline.model import handbook_images
    from pipeline.normalize import normalize_if_stale
    from pipeline.readers.markdown import FIGURES_FOLDER, read_markdown
    from pipeline.site import build_site

    stages = []

    def run(number: int, name: str, action: Callable[[], tuple[int, str]]) -> None:
        progress(f"[{number}/4] {name} …")
        start = time.perf_counter()
        questions, detail = action()
        stage = Stage(name, questions, time.perf_counter() - start, detail)
        progress(f"[{number}/4] {name}: {detail} ({stage.seconds:.1f} s)")
        stages.append(stage)

    def markdown() -> tuple[int, str]:
        book = book_of(handbook_dir)
        report = normalize_if_stale(book, force=force) if book else None
        count = sum(1 for _ in read_markdown(handbook_dir).questions())
        return count, report.summary().splitlines()[0] if report else "up to date with the snapshot"

    def figures() -> tuple[int, str]:
        book = book_of(handbook_dir)
        if book is None:
            return 0, "drawn by normalize"
        handbook = read_markdown(handbook_dir, figures=False)
        shown = {image.name for image in handbook_images(handbook)}
        report = update_figures(book.figures_dir, handbook_dir / FIGURES_FOLDER, shown)
        return sum(1 for _ in handbook.questions()), report.summary()

    def decks() -> tuple[int, str]:
        report = export_anki(handbook_dir, decks_dir, None, force=force)
        changed = f"{len(report.changed)} note{'' if len(report.changed) == 1 else 's'} changed"
        return report.notes, f"{len(report.decks)} decks in {report.out_dir}/, {changed}"

    def site() -> tuple[int, str]:
        report = build_site(handbook_dir, site_dir, force=force)
        return report.questions, f"{report.pages} pages, {report.formulas} formulas in {site_dir}/"

    run(1, "normalize", markdown)
    run(2, "figures", figures)
    run(3, "anki", decks)
    run(4, "site", site)
    return BuildReport(tuple(stages))
