"""Rebuild tables whose cells the scrape glued together (`Running TimeCorrectness`).

A dump prints a table one row a line, its cells glued with nothing between them
and each formula doubled (its rendering, then its TeX). The reader keeps each line
whole (a flattened table, see repair.math.flattened); this pass finds the cells and
the formulas together, by what a table's cells must be:

- A cell never begins or ends with a space (the page trimmed them), so a cell
  boundary sits between two characters that are not spaces.
- Inside a cell, formulas follow the prose rules of repair.math: each split proved
  by KaTeX, beginning a word and never cutting one. So a formula glued to letters
  (`Sigmoid(0,1)(0, 1)both`, `Batchall nnnone`) is glued to a cell next to it.
- Other boundaries show as a capital after a lowercase letter, a digit or a closing
  bracket (`MethodExamples`), or inside a run of letters that is no word but words
  glued (`Batchall` is `Batch` and `all`; repair.words knows the words). A run that
  is a word is never split (`Correctness`).
- Every row has as many cells as the header. For each possible count, every line is
  split the cheapest way: an unknown word or a doubled formula left unsplit costs
  most, then boundaries, by how plainly they show. The count whose table costs least
  wins. A header one cell short gets an empty corner (the cell above the rows'
  names); a row one cell short gets an empty cell in a figure column (its figure is
  gone).

A table no count fits is left as it is, for the errata; the residue audit reports it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from pipeline.model import (
    Block,
    Handbook,
    Inline,
    Math,
    Table,
    Text,
    all_blocks,
    block_inlines,
    map_blocks,
    map_questions,
)
from pipeline.repair.math import (
    COMMAND,
    Candidate,
    choose,
    evident,
    flattened,
    opens,
    proved_candidates,
    split_text,
)
from pipeline.repair.words import LETTERS, Words

# A run of letters that could be one word: a capital begins one (`TimeCorrectness` is two).
WORD_RUN = re.compile(r"[^\W\d_][^\W\d_A-Z]*")
# What may follow a formula in a cell directly: plurals, ordinals.
STRAY = frozenset("|=+*/^_\\,;")
SUFFIXED = re.compile(r"(?:s|th|st|nd|rd)\b")
ASCII_SPACE = frozenset(" \t")
MAX_WORD = 24  # letters: longer runs are never one word
FIGURE_COLUMNS = frozenset({"illustration", "figure", "image", "diagram", "picture"})
MAX_COLUMNS = 12
# What each thing a line is made of costs; the cheapest reading of a table wins.
UNKNOWN_WORD = 1.0  # and UNKNOWN_LETTER more for each of its letters
UNKNOWN_LETTER = 0.05
RARE_WORD = 0.2  # a word English uses seldom (`orff` in `err|orff`: `error` and a formula)
RAW_TEX = 3.0  # a TeX command left in a cell's text
UNSPLIT_FORMULA = 1.0  # a formula that shows itself, left in a cell's text or cut by a boundary
STRAY_EDGE = 0.5  # a cell's text that begins or ends with an operator or separator (`|Linear`)
UNBALANCED = 1.0  # a bracket a cell opens and does not close, or closes and did not open
FORMULA_EDGE = 0.0  # a boundary where a formula meets the next cell
GLUED_FORMULA = 0.3  # a cell's formula whose TeX shows no TeX (`11`, `(0, 1)`) glued after letters
CAPITAL = 0.1  # a capital after a lowercase letter, digit or closing bracket
OTHER_EDGE = 0.2  # a letter meets a digit or punctuation
WORD_SEAM = 0.3  # two words glued
EMPTY_CORNER = 0.5

Cell = tuple[Inline, ...]


@dataclass(frozen=True)
class Reading:
    """One way to read a line as cells, and what it costs."""

    cost: float
    cells: tuple[Cell, ...]


class LineReader:
    """The cheapest reading of one glued line as n cells, for any n."""

    def __init__(self, text: str, proved: list[Candidate], words: Words) -> None:
        self.text = text
        self.proved = proved
        self.words = words
        self.seams = sorted({0, len(text), *self._seams()})
        # Formulas that show themselves (TeX commands or scripts, a digit or symbol in the
        # rendering): one left in a cell's text, or cut by a boundary, is a formula missed.
        self.telling = [c for c in proved if evident(c.tex(text)) or not c.rendering(text).isalpha()]

    def _seams(self) -> Iterator[int]:
        """Where a cell boundary may be: between two characters that are not spaces, and
        not inside TeX that shows itself as TeX (a cell holds a formula whole)."""
        text = self.text
        edges = {c.start for c in self.proved} | {c.end for c in self.proved}
        inside = {p for c in self.proved if evident(c.tex(text)) for p in range(c.seam + 1, c.end)}
        found: set[int] = set()
        for match in WORD_RUN.finditer(text):
            if not self.words.known(match.group()):
                found.update(self._word_seams(match.start(), match.end()))
        for position in range(1, len(text)):
            before, after = text[position - 1], text[position]
            if before in ASCII_SPACE or after in ASCII_SPACE:  # a thin space may begin a rendering
                continue
            capital = after.isupper() and not before.isupper()
            if position in edges or capital or before.isalpha() != after.isalpha():
                found.add(position)
        return iter(found - (inside - edges))

    def _word_seams(self, start: int, end: int) -> Iterator[int]:
        """Inside a run of letters that is no word: where a word ends or begins, or where
        the run splits into words on both sides (`quantity|formula|range|remark`)."""
        known, run = self.words.known, self.text[start:end]
        before = [True] + [False] * len(run)  # run[:i] is words
        for i in range(1, len(run) + 1):
            before[i] = any(before[j] and known(run[j:i]) for j in range(max(0, i - MAX_WORD), i))
        after = [False] * len(run) + [True]  # run[i:] is words
        for i in range(len(run) - 1, -1, -1):
            after[i] = any(
                after[j] and known(run[i:j]) for j in range(i + 1, min(len(run), i + MAX_WORD) + 1)
            )
        for i in range(1, len(run)):
            if (before[i] and after[i]) or known(run[:i]) or known(run[i:]):
                yield start + i

    @functools.cache  # noqa: B019 (one reader per line, dropped with the table)
    def cell(self, start: int, end: int) -> Reading:
        """Text[start:end] as one cell: formulas by the prose rules, and what it costs."""
        span = self.text[start:end]
        inside = [
            Candidate(c.start - start, c.seam - start, c.end - start)
            for c in self.proved
            if start <= c.start and c.end <= end and (c.start == start or opens(self.text, c.start))
        ]
        chosen = choose(span, inside)
        cost = 0.0
        if chosen and chosen[0].start == 0 and start and self.text[start - 1].isalnum():
            cost += 0.0 if evident(chosen[0].tex(span)) else GLUED_FORMULA
        cost += GLUED_FORMULA * sum(
            1 for c in chosen if SUFFIXED.match(span, c.end) is None and LETTERS.match(span, c.end)
        )
        cost += UNSPLIT_FORMULA * sum(
            1
            for c in self.telling
            if start <= c.start
            and c.end <= end
            and not any(t.start < c.end - start and c.start - start < t.end for t in chosen)
        )
        cells = split_text(span, chosen)
        cost += UNBALANCED * _unbalanced("".join(i.text for i in cells if isinstance(i, Text)))
        cost += STRAY_EDGE * sum(1 for i in (cells[0], cells[-1]) if isinstance(i, Text) and _stray(i.text))
        for inline in cells:
            if isinstance(inline, Text):
                cost += RAW_TEX * len(COMMAND.findall(inline.text))
                for word in LETTERS.findall(inline.text):
                    if not self.words.known(word):
                        cost += UNKNOWN_WORD + UNKNOWN_LETTER * len(word)
                    elif self.words.rare(word):
                        cost += RARE_WORD
        return Reading(cost, (cells,))

    def _boundary(self, left: Reading, right: Reading, position: int) -> float:
        cut = UNSPLIT_FORMULA * sum(1 for c in self.telling if c.start < position < c.end)
        last, first = left.cells[-1][-1:], right.cells[0][:1]
        if any(isinstance(i, Math) for i in (*last, *first)):
            return cut + FORMULA_EDGE
        before, after = self.text[position - 1], self.text[position]
        if after.isupper() and not before.isupper():
            return cut + CAPITAL
        return cut + (WORD_SEAM if before.isalpha() and after.isalpha() else OTHER_EDGE)

    def read(self, count: int) -> Reading | None:
        """The cheapest reading as `count` cells (None if the line has too few seams)."""
        return min(self._best(len(self.seams) - 1, count).values(), key=_cost, default=None)

    @functools.cache  # noqa: B019
    def _best(self, end: int, count: int) -> dict[bool, Reading]:
        """The cheapest readings of text[:seams[end]] as `count` cells, by whether the last
        cell ends on a formula (what the cost of the boundary after it depends on)."""
        stop = self.seams[end]
        if count == 1:
            return _by_last_formula([self.cell(0, stop)])
        found = []
        for middle in range(count - 1, end):
            last = self.cell(self.seams[middle], stop)
            for before in self._best(middle, count - 1).values():
                cost = before.cost + last.cost + self._boundary(before, last, self.seams[middle])
                found.append(Reading(cost, before.cells + last.cells))
        return _by_last_formula(found)


def _cost(reading: Reading) -> float:
    return reading.cost


def _by_last_formula(readings: list[Reading]) -> dict[bool, Reading]:
    best: dict[bool, Reading] = {}
    for reading in readings:
        key = isinstance(reading.cells[-1][-1:][0] if reading.cells[-1] else None, Math)
        if key not in best or reading.cost < best[key].cost:
            best[key] = reading
    return best


def _stray(text: str) -> bool:
    return text[:1] in STRAY or text[-1:] in STRAY


def _unbalanced(text: str) -> int:
    """How many of a text's brackets have no partner."""
    open_, unmatched = [], 0
    for char in text:
        if char in "([{":
            open_.append(char)
        elif char in ")]}":
            if open_ and "([{".index(open_[-1]) == ")]}".index(char):
                open_.pop()
            else:
                unmatched += 1
    return unmatched + len(open_)


def _with_empty(reading: Reading, at: int, cost: float) -> Reading:
    return Reading(reading.cost + cost, reading.cells[:at] + ((),) + reading.cells[at:])


def _figure_column(header: tuple[Cell, ...]) -> int | None:
    names = ["".join(i.text for i in cell if isinstance(i, Text)).strip().lower() for cell in header]
    columns = [n for n, name in enumerate(names) if name in FIGURE_COLUMNS]
    return columns[0] if len(columns) == 1 else None


def _header(reader: LineReader, count: int) -> Reading | None:
    full = reader.read(count)
    short = reader.read(count - 1) if count > 1 else None
    if short is not None:
        short = _with_empty(short, 0, EMPTY_CORNER)
    options = [r for r in (full, short) if r is not None]
    return min(options, key=lambda r: r.cost, default=None)


def _row(reader: LineReader, count: int, figure: int | None) -> Reading | None:
    full = reader.read(count)
    short = reader.read(count - 1) if figure is not None and count > 1 else None
    if short is not None:
        short = _with_empty(short, figure, 0.0)  # type: ignore[arg-type]
    options = [r for r in (full, short) if r is not None]
    return min(options, key=lambda r: r.cost, default=None)


def _reading(readers: list[LineReader], count: int) -> tuple[float, Table] | None:
    header = _header(readers[0], count)
    if header is None:
        return None
    figure = _figure_column(header.cells)
    rows = [_row(reader, count, figure) for reader in readers[1:]]
    if any(row is None for row in rows):
        return None
    cost = header.cost + sum(row.cost for row in rows if row is not None)
    return cost, Table(header.cells, tuple(row.cells for row in rows if row is not None))


def rebuild_table(lines: list[str], proved: dict[str, list[Candidate]], words: Words) -> Table | None:
    """A flattened table's lines (header first) as the cheapest table, if any count fits."""
    readers = [LineReader(line, proved[line], words) for line in lines]
    most = min(MAX_COLUMNS, min(len(r.seams) for r in readers))  # seams hold both ends: one more cell
    best: tuple[float, Table] | None = None
    for count in range(1, most + 1):
        found = _reading(readers, count)
        if found is not None and (best is None or found[0] < best[0]):
            best = found
    return best[1] if best else None


# --- walking the model -----------------------------------------------------------


def _lines(table: Table) -> list[str]:
    return ["".join(i.text for i in row[0] if isinstance(i, Text)) for row in (table.header, *table.rows)]


def _prose(handbook: Handbook) -> Iterator[str]:
    """Every text outside flattened tables: the words the handbook itself uses."""
    for _, question in handbook.questions():
        yield from (i.text for i in question.title if isinstance(i, Text))
        for block in all_blocks(question.answer):
            if not isinstance(block, Table):
                yield from (i.text for i in block_inlines(block) if isinstance(i, Text))
    for block in all_blocks(handbook.intro):
        yield from (i.text for i in block_inlines(block) if isinstance(i, Text))


def rebuild_tables(handbook: Handbook) -> tuple[Handbook, int]:
    """Every flattened table in an answer with recoverable cells as a real table."""
    tables = [
        block
        for _, question in handbook.questions()
        for block in all_blocks(question.answer)
        if isinstance(block, Table) and flattened(block)
    ]
    proved = proved_candidates((line for table in tables for line in _lines(table)), anywhere=True)
    words = Words(_prose(handbook))
    rebuilt = 0

    def block(old: Block) -> Block:
        nonlocal rebuilt
        if not (isinstance(old, Table) and flattened(old)):
            return old
        new = rebuild_table(_lines(old), proved, words)
        rebuilt += new is not None
        return new or old

    handbook = map_questions(handbook, lambda _, q: replace(q, answer=map_blocks(q.answer, block)))
    return handbook, rebuilt
