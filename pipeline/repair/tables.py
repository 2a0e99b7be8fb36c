"""Rebuild tables whose cells the scrape glued together (`Running TimeCorrectness`).

A flattened table arrives as one cell per row, its formulas already split out
by pipeline.repair.math (which looks for a formula inside a glued word when its
TeX is evident). Cells are recovered where a boundary can be seen: a lowercase
letter or `)` directly followed by an uppercase letter, a formula directly
followed by a capitalized word, and a formula glued to a letter or to another
formula (in prose a formula has a space or punctuation before it). A row
one cell short is padded in a figure column (the figure is gone, so its cell is
empty). A table whose rows still do not fit its header is left as it is, for the
errata to fix by hand.
"""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline.model import Block, Handbook, Inline, Math, Table, Text, map_blocks, map_questions

CELL_BOUNDARY = re.compile(r"(?<=[a-z)])(?=[A-Z])")
FIGURE_COLUMNS = frozenset({"illustration", "figure", "image", "diagram", "picture"})

Cell = tuple[Inline, ...]


def split_cells(inlines: Cell) -> list[Cell]:
    cells: list[list[Inline]] = [[]]
    for inline in inlines:
        if isinstance(inline, Text):
            text = inline.text
            if isinstance(_last(cells), Math) and text[:1].isupper():
                cells.append([])
            pieces = CELL_BOUNDARY.split(text)
            for number, piece in enumerate(pieces):
                if number:
                    cells.append([])
                cells[-1].append(Text(piece))
        else:
            if isinstance(inline, Math) and _glued_to(_last(cells)):
                cells.append([])
            cells[-1].append(inline)
    return [_trim(tuple(cell)) for cell in cells]


def _last(cells: list[list[Inline]]) -> Inline | None:
    return cells[-1][-1] if cells[-1] else None


def _glued_to(previous: Inline | None) -> bool:
    """A formula glued to a formula or to a letter starts a new cell."""
    if isinstance(previous, Math):
        return True
    return isinstance(previous, Text) and previous.text[-1:].isalnum()


def _trim(cell: Cell) -> Cell:
    """Cell content without the spaces around it."""
    items = list(cell)
    if items and isinstance(items[0], Text):
        items[0] = Text(items[0].text.lstrip())
    if items and isinstance(items[-1], Text):
        items[-1] = Text(items[-1].text.rstrip())
    return tuple(i for i in items if not (isinstance(i, Text) and not i.text))


def _fit(row: list[Cell], header: list[Cell]) -> list[Cell] | None:
    if len(row) == len(header):
        return row
    figure = [
        n
        for n, cell in enumerate(header)
        if "".join(i.text for i in cell if isinstance(i, Text)).strip().lower() in FIGURE_COLUMNS
    ]
    if len(row) == len(header) - 1 and len(figure) == 1:
        return row[: figure[0]] + [()] + row[figure[0] :]
    return None


def rebuild_table(table: Table) -> Table:
    if len(table.header) != 1 or any(len(row) != 1 for row in table.rows):
        return table
    header = split_cells(table.header[0])
    rows = [_fit(split_cells(row[0]), header) for row in table.rows]
    if len(header) < 2 or any(row is None for row in rows):
        return table
    return Table(tuple(header), tuple(tuple(row) for row in rows if row is not None))


def rebuild_tables(handbook: Handbook) -> tuple[Handbook, int]:
    """Every flattened table in an answer with recoverable cells as a real table."""
    rebuilt = 0

    def block(old: Block) -> Block:
        nonlocal rebuilt
        new = rebuild_table(old) if isinstance(old, Table) else old
        rebuilt += new is not old
        return new

    handbook = map_questions(handbook, lambda _, q: replace(q, answer=map_blocks(q.answer, block)))
    return handbook, rebuilt
