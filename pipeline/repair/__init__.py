"""Automatic repairs of a scraped handbook, each a pass over the model.

Every pass takes a handbook and returns the repaired handbook and how many
repairs it made; `repair` runs them in order. Nothing here knows about one
particular question: hand corrections live in source/books/SLUG/errata.toml.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipeline.model import Handbook

Pass = Callable[[Handbook], tuple[Handbook, int]]


@dataclass(frozen=True)
class RepairLog:
    counts: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        return sum(count for _, count in self.counts)


def passes() -> list[tuple[str, Pass]]:
    from pipeline.repair.headings import restore_headings
    from pipeline.repair.math import split_math
    from pipeline.repair.noise import drop_captions
    from pipeline.repair.tables import rebuild_tables

    return [
        ("formulas", split_math),
        ("tables", rebuild_tables),
        ("captions", drop_captions),
        ("headings", restore_headings),
    ]


def repair(handbook: Handbook) -> tuple[Handbook, RepairLog]:
    counts = []
    for name, run in passes():
        handbook, count = run(handbook)
        counts.append((name, count))
    return handbook, RepairLog(tuple(counts))
