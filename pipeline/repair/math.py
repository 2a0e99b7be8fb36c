"""Undo KaTeX's doubled formulas: `θ\\theta` → `$\\theta$`, proved by re-rendering.

A scrape of a KaTeX page keeps each formula twice, glued: the text of its
MathML rendering (less the characters in LOST_CHARACTERS, which the scrape
dropped) and then its TeX. A split of prose into rendering R and TeX T is a
*candidate* when T's renderable characters could be R's (the same letters and
digits, in any order, since MathML puts sub/superscripts and roots in its own
order), and it is *proved* only when KaTeX renders T back to exactly R. So
prose such as `all`, `books` or `committee` is never split, while `1010` (the
formula 10) is. The rules below only decide which candidates are tried and
how R and T are compared; every split is still proved.

- Accents: KaTeX writes `\\bar{x}` as `xˉ`, a modifier letter, and
  `\\vec{v}` as `v⃗`, a combining mark. Neither is a letter any TeX token
  spells, so neither counts when comparing R and T.
- Renderings lost entirely: `-\\infty` renders `−∞`, all in the lost range,
  so only its TeX is left. An empty R is a candidate wherever a word may
  start, if T holds a command (`|\\cdot|` starts with a bar). It is dropped
  where the text keeps other raw TeX: then the text is a broken formula that
  printed as source, and taking its commands one by one would shred it.
- Where a rendering starts: at the start of a word (after a space, a hyphen or
  opening punctuation; an apostrophe after a letter is inside a word: `we’ll`),
  or at a space KaTeX writes (`\\forall\\, x` scrapes as a thin space and `x`).
  In a table row whose cells were glued (`Batchall nnnone`) it may start
  anywhere: repair.tables finds the cells and the formulas together.
- Never through a word: a T of plain letters and digits glued to more
  letters is part of a word, not a formula (`mimic`, `eel`, `IID` → not
  `$I$D`, `AAAI` → not `$A$AI`), unless the letters are an ordinal suffix
  (`ddth` is `$d$th`). A T followed by punctuation is fine (`kk-fold`).

What no proof can tell apart is prose that is its own rendering twice over (a
number `11`, a roman `II`) and a plain one-letter formula glued inside a word
(`countnn`). The residue audit (pipeline/audit.py) reports what such
failures leave in prose: TeX words and scripts, doubled tokens, glued letters.

Then a paragraph that is one formula becomes display math (a formula alone in
its paragraph was display math on the page), and a paragraph that leaked as raw
`$...$` TeX becomes display math if KaTeX accepts it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import assert_never

from pipeline import katex
from pipeline.model import (
    Block,
    CodeBlock,
    DisplayMath,
    Handbook,
    Heading,
    Image,
    Inline,
    ListBlock,
    Math,
    Paragraph,
    Question,
    Quote,
    Section,
    Table,
    Text,
    map_blocks,
    map_questions,
)

# What the scrape dropped from the MathML text (see shared/README.md).
LOST_CHARACTERS = re.compile("[\u2100-\u2bff\u2061-\u2064]")
TOKEN = re.compile(r"\\(?:begin|end)\{[^{}]*\}|\\[A-Za-z]+|\\.|.", re.S)
COMMAND = re.compile(r"\\[A-Za-z]+")
# A rendering starts a word: at the start, after a space or opening punctuation.
OPENING = frozenset(" \t\u00a0([{“‘’\"'/:-")
APOSTROPHES = frozenset("’'")
EVIDENCE = frozenset("\\^_")
ASCII_SPACE = frozenset(" \t\n\r\f\v")
SCRIPTS = frozenset("^_")
LETTER_RUN = re.compile(r"[^\W\d_]+")
ORDINAL_SUFFIXES = frozenset({"th", "st", "nd", "rd"})
MAX_TEX_LENGTH = 1500
# A formula does not end on an operator waiting for its right operand: `kk-fold`
# is $k$-fold, not $k-$fold (a script is no operator: `Q^*`).
DANGLING = frozenset(
    "- + = < > * / , : \\to \\rightarrow \\leftarrow \\Rightarrow \\Leftarrow \\implies "
    "\\iff \\cdot \\times \\pm \\le \\leq \\ge \\geq \\ne \\neq \\approx \\sim "
    "\\in \\subset \\equiv \\propto \\mid".split()
)
RAW_DISPLAY = re.compile(r"^\$(?!\$)(.+?)\\?\$$", re.S)


def scraped(rendering: str) -> str:
    """A rendering as the scrape kept it."""
    return LOST_CHARACTERS.sub("", rendering)


def _alnum(text: str) -> str:
    """The letters and digits of a text: what a rendering and its TeX must share.

    Modifier letters (`ˉ` in `xˉ`, KaTeX's `\\bar{x}`) are accents, not letters:
    no TeX token spells them, so counting them would rule the formula out.
    """
    return "".join(c for c in text if _counts(c))


def _counts(char: str) -> bool:
    return char.isalnum() and (char.isascii() or unicodedata.category(char) != "Lm")


@dataclass(frozen=True)
class Candidate:
    start: int  # where the rendering begins
    seam: int  # where the TeX begins
    end: int  # where the TeX ends

    def tex(self, text: str) -> str:
        return text[self.seam : self.end]

    def rendering(self, text: str) -> str:
        return text[self.start : self.seam]


class CommandKeys:
    """What each bare TeX command contributes to a rendering's letters and digits."""

    def __init__(self, texts: Iterable[str]) -> None:
        names = sorted({m.group() for t in texts for m in COMMAND.finditer(t)})
        rendered = katex.mathml_texts((name, False) for name in names)
        self._keys: dict[str, str] = {
            name: _alnum(scraped(r.text or "")) if r.ok else ""
            for name, r in zip(names, rendered, strict=True)
        }  # and, as they are met, the other tokens

    def of(self, token: str) -> str:
        key = self._keys.get(token)
        if key is None:
            command = token.startswith("\\") and len(token) > 2 and token[1].isalpha()
            key = self._keys[token] = "" if command else _alnum(token.removeprefix("\\"))
        return key


def opens(text: str, position: int) -> bool:
    """Whether a rendering may begin at `position`: the start of a word.

    An apostrophe after a letter is inside a word (`we’ll`), not an opening quote.
    """
    if position == 0:
        return True
    before = text[position - 1]
    if before in APOSTROPHES:
        return position < 2 or not text[position - 2].isalnum()
    return before in OPENING


def _starts(text: str) -> Iterator[tuple[int, bool]]:
    """(position, whether it starts a word) for every place a rendering may begin.

    Not at an ASCII space, which a rendering never holds; but at a space KaTeX
    writes (`\\,` is U+2009), which begins a rendering whose first symbol was lost
    (`\\forall\\, x` scrapes as a thin space and `x`).
    """
    for position, char in enumerate(text):
        if char not in ASCII_SPACE:
            yield position, opens(text, position)


def _rendering_ends(text: str, start: int) -> Iterator[int]:
    """Seams after `start`: the rendering holds no ASCII space and no backslash."""
    position = start
    while True:
        yield position
        if position >= len(text) or text[position] in " \t\n\\":
            return
        position += 1


def _tex_ends(text: str, seam: int, target: Counter[str], keys: CommandKeys) -> Iterator[int]:
    """Ends of TeX starting at `seam` whose letters and digits are exactly `target`."""
    missing = dict(target)  # what the TeX has yet to spell
    left = sum(target.values())
    depth = 0
    for match in TOKEN.finditer(text, seam, min(len(text), seam + MAX_TEX_LENGTH)):
        token = match.group()
        depth += token == "{"
        depth -= token == "}"
        if depth < 0:
            return
        for char in keys.of(token):
            if not missing.get(char):
                return
            missing[char] -= 1
            left -= 1
        if not left and depth == 0 and not token.isspace():
            yield match.end()


def evident(tex: str) -> bool:
    """TeX that shows itself as TeX: a command, a sub- or superscript."""
    return any(c in tex for c in EVIDENCE)


def candidates(text: str, keys: CommandKeys, anywhere: bool = False) -> Iterator[Candidate]:
    """Every split of `text` whose rendering and TeX hold the same letters and digits.

    A rendering begins at the start of a word; `anywhere`, it may begin inside one
    (a table row whose cells were glued: `Sigmoid(0,1)(0, 1)`), and the table pass
    decides which of them are cells' formulas. An empty rendering (every character
    lost, `-\\infty`) needs a command in its TeX.
    """
    for start, word_start in _starts(text):
        if not (word_start or anywhere):
            continue
        target: Counter[str] = Counter()  # the rendering's letters and digits, grown with it
        for seam in _rendering_ends(text, start):
            if seam > start and _counts(text[seam - 1]):
                target[text[seam - 1]] += 1
            if seam >= len(text) or text[seam].isspace():
                continue
            for end in _tex_ends(text, seam, target, keys):
                if target or COMMAND.search(text[seam:end]):
                    yield Candidate(start, seam, end)


def cuts_a_word(text: str, candidate: Candidate) -> bool:
    """A plain-letter formula glued to more letters is part of a word (`mimic`, `IID`,
    `eel`), unless what follows is an ordinal suffix (`ddth` is $d$th)."""
    following = LETTER_RUN.match(text, candidate.end)
    if not following or evident(candidate.tex(text)):
        return False
    return following.group() not in ORDINAL_SUFFIXES


def proved(text: str, found: list[Candidate]) -> list[Candidate]:
    """The candidates whose TeX KaTeX renders back to their rendering."""
    rendered = katex.mathml_texts((c.tex(text), False) for c in found)
    return [
        c for c, r in zip(found, rendered, strict=True) if r.ok and scraped(r.text or "") == c.rendering(text)
    ]


def _dangles(text: str, candidate: Candidate) -> bool:
    """Whether the TeX ends on an operator; a script's argument is none (`Q^*`)."""
    tokens = TOKEN.findall(candidate.tex(text))
    return len(tokens) > 0 and tokens[-1] in DANGLING and not (len(tokens) > 1 and tokens[-2] in SCRIPTS)


def _pick(text: str, found: list[Candidate]) -> list[Candidate]:
    order = sorted(found, key=lambda c: (c.start, -c.seam, _dangles(text, c), -c.end))
    chosen: list[Candidate] = []  # in the order of their starts and disjoint: the last ends furthest
    ends: set[int] = set()
    for candidate in order:  # one look at the last chosen, not at all of them (a long text has thousands)
        free = not chosen or chosen[-1].end <= candidate.start
        if free and not _hyphened_to_formula(text, candidate, ends):
            chosen.append(candidate)
            ends.add(candidate.end)
    return chosen


def _hyphened_to_formula(text: str, candidate: Candidate, ends: set[int]) -> bool:
    """A formula after a hyphen joins a word (`rank-$k$`); after a formula (one of the chosen
    `ends`) and a hyphen comes a word (`$k$-NN`, not `$k$-$N$`)."""
    return text[candidate.start - 1 : candidate.start] == "-" and candidate.start - 1 in ends


def _leaves_raw_tex(text: str, chosen: list[Candidate]) -> bool:
    kept = "".join(
        text[a.end : b.start]
        for a, b in zip([Candidate(0, 0, 0), *chosen], [*chosen, Candidate(len(text), 0, 0)], strict=True)
    )
    return bool(COMMAND.search(kept))


def choose(text: str, found: list[Candidate]) -> list[Candidate]:
    """Non-overlapping splits of prose: leftmost first, the longest rendering, the longest
    TeX that does not end on a dangling operator; none that cuts a word.

    A formula whose rendering was lost entirely (`\\nabla`) is only taken where
    the rest of the text holds no raw TeX; otherwise the text is a broken formula
    that printed as source, and taking its commands one by one would shred it.
    """
    found = [c for c in found if not cuts_a_word(text, c)]
    chosen = _pick(text, found)
    if _leaves_raw_tex(text, chosen):
        chosen = _pick(text, [c for c in found if c.seam > c.start])
    return chosen


def split_text(text: str, splits: list[Candidate]) -> tuple[Inline, ...]:
    parts: list[Inline] = []
    cursor = 0
    for split in splits:
        if split.start > cursor:
            parts.append(Text(text[cursor : split.start]))
        parts.append(Math(split.tex(text)))
        cursor = split.end
    if cursor < len(text):
        parts.append(Text(text[cursor:]))
    return tuple(parts)


# --- walking the model -----------------------------------------------------


def flattened(table: Table) -> bool:
    """A table as a dump prints it, one line a row (its cells glued): repair.tables splits
    its cells and formulas together."""
    return all(
        len(row) == 1 and all(isinstance(i, Text) for i in row[0]) for row in (table.header, *table.rows)
    )


def _texts(handbook: Handbook) -> Iterator[str]:
    def of_inlines(inlines: tuple[Inline, ...]) -> Iterator[str]:
        yield from (i.text for i in inlines if isinstance(i, Text))

    def of_blocks(blocks: tuple[Block, ...]) -> Iterator[str]:
        for block in blocks:
            match block:
                case Paragraph():
                    yield from of_inlines(block.inlines)
                case ListBlock():
                    for item in block.items:
                        yield from of_blocks(item)
                case Table():
                    if not flattened(block):
                        for cell in (*block.header, *(c for row in block.rows for c in row)):
                            yield from of_inlines(cell)
                case Quote():
                    yield from of_blocks(block.blocks)
                case Heading() | DisplayMath() | CodeBlock() | Image():
                    pass  # a sub-heading's formulas were never doubled; the rest holds no prose
                case _:
                    assert_never(block)

    for _, question in handbook.questions():
        yield from of_inlines(question.title)
        yield from of_blocks(question.answer)
    yield from of_blocks(handbook.intro)


def proved_candidates(texts: Iterable[str], anywhere: bool = False) -> dict[str, list[Candidate]]:
    """Each text's proved splits, with all KaTeX work in two batches."""
    texts = list(dict.fromkeys(texts))
    keys = CommandKeys(texts)
    found = {text: list(candidates(text, keys, anywhere)) for text in texts}
    katex.mathml_texts((c.tex(text), False) for text, cs in found.items() for c in cs)  # one batch
    return {text: proved(text, cs) for text, cs in found.items()}


class MathSplitter:
    """Splits every Text of a handbook's prose (flattened tables are repair.tables')."""

    def __init__(self, handbook: Handbook) -> None:
        found = proved_candidates(_texts(handbook))
        self._splits = {text: choose(text, cs) for text, cs in found.items()}
        self.count = sum(len(s) for s in self._splits.values())

    def inlines(self, inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
        result: list[Inline] = []
        for inline in inlines:
            splits = self._splits.get(inline.text) if isinstance(inline, Text) else None
            if isinstance(inline, Text) and splits:
                result.extend(split_text(inline.text, splits))
            else:
                result.append(inline)
        return tuple(result)

    def block(self, block: Block) -> Block:
        """One block split; `map_blocks` has split the blocks a quote or a list holds already."""
        match block:
            case Paragraph():
                return Paragraph(self.inlines(block.inlines))
            case Table():
                if flattened(block):
                    return block
                return replace(
                    block,
                    header=tuple(self.inlines(c) for c in block.header),
                    rows=tuple(tuple(self.inlines(c) for c in row) for row in block.rows),
                )
            case ListBlock() | Quote() | Heading() | DisplayMath() | CodeBlock() | Image():
                return block
            case _:
                assert_never(block)

    def blocks(self, blocks: tuple[Block, ...]) -> tuple[Block, ...]:
        return displayed(map_blocks(blocks, self.block))

    def question(self, _section: Section, question: Question) -> Question:
        return replace(question, title=self.inlines(question.title), answer=self.blocks(question.answer))


def displayed(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """Paragraphs that are display math (a quote's too); a list item's line never was."""

    def block(old: Block) -> Block:
        match old:
            case Paragraph():
                return raw_display_math(old) or display_math(old)
            case Quote():
                return replace(old, blocks=displayed(old.blocks))
            case ListBlock() | Heading() | DisplayMath() | CodeBlock() | Table() | Image():
                return old
            case _:
                assert_never(old)

    return tuple(map(block, blocks))


def display_math(paragraph: Paragraph) -> Block:
    """A paragraph that is one formula was display math on the page."""
    inlines = paragraph.inlines
    if len(inlines) == 1 and isinstance(inlines[0], Math):
        return DisplayMath(inlines[0].tex)
    return paragraph


def raw_display_math(paragraph: Paragraph) -> DisplayMath | None:
    """A paragraph that leaked as raw `$...$` TeX, if KaTeX accepts the TeX."""
    inlines = paragraph.inlines
    if len(inlines) == 1 and isinstance(inlines[0], Text):
        match = RAW_DISPLAY.match(inlines[0].text.strip())
        if match and katex.mathml_texts([(match.group(1), True)])[0].ok:
            return DisplayMath(match.group(1))
    return None


def split_math(handbook: Handbook) -> tuple[Handbook, int]:
    """Every proved formula split out of the prose; returns the handbook and the count."""
    splitter = MathSplitter(handbook)
    handbook = map_questions(handbook, splitter.question)
    return replace(handbook, intro=splitter.blocks(handbook.intro)), splitter.count
