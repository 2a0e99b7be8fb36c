"""The residue audit: visible damage that survived the repairs, named and quoted.

The repairs prove what they change; what they leave is listed here, so that
nothing damaged reaches a reader silently. Each detector is a small function
over one line of prose (a paragraph, a sub-heading, a list item or a table
cell) and yields quotes; a `Finding` names the question (or `index` for the
introduction and references), the kind and the quoted text:

- `tex-in-prose`: a TeX control word (`\\frac`, `\\bar`) or a script (`x^2`, a
  formula's `$Q \\to Q$^*`) in text, not in a formula.
- `doubled-formula`: a formula's rendering glued to its TeX (`TT`, `1010`,
  `(0,1)(0, 1)`); an acronym in a compound (`$k$-NN`) is none.
- `glued-formula`: a one-character formula touching a letter (`distributed $I$D`,
  `we’$l$ be`); a plural or ordinal after it (`$W$’s`, `$d$th`) is fine.
- `odd-emphasis`: an odd number of `**`/`__` emphasis markers in a line
  (a `**` between spaces is an operator, not a marker).
- `repeated`: the same word, or the same formula, twice in a row.
- `figure-pointer`: a sentence pointing at a figure (`shown below`, `above
  figure`, `see figure`) in an answer that shows no figure (`Image`), so every such pointer
  points at nothing.
- `hanging-link`: link text whose link is gone (`… research at` ending a line,
  `here)`, `see X’s blog`) in a line with no link, and a lead-in to a list of
  references or links followed by no list.

Two more look at whole blocks, for what a dump's reader could not structure:

- `flattened-table`: a table of one column whose rows hold formulas or a
  formula's rendering glued to its TeX: a table whose cells were never found.
- `code-as-prose`: a paragraph, or a table of one column, that reads as code
  (pipeline.code_lines): code whose fences the dump lost, never found.

A reviewed list in `source/books/SLUG/audit-accepted.toml` accepts findings that must stay
(each with a reason); `handbook check` fails on any other finding, and on an
accepted entry that no longer matches a finding (a stale acceptance).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import assert_never

import msgspec

from pipeline import inputs
from pipeline.code_lines import looks_like_code, reads_as_code
from pipeline.errors import HandbookError
from pipeline.model import (
    Block,
    Code,
    CodeBlock,
    DisplayMath,
    Handbook,
    Heading,
    Image,
    Inline,
    Link,
    ListBlock,
    Math,
    Paragraph,
    Quote,
    Table,
    Text,
    flat_inlines,
    images,
)

INDEX = "index"  # where the introduction and the references are reported
QUOTE_CONTEXT = 40  # characters of context on each side of a match

# --- vocabulary --------------------------------------------------------------

# A control word (`\\bar`) or a script (`x^2`, `x_i`) that a failed formula split left in prose.
TEX_IN_PROSE = re.compile(r"\\[A-Za-z]+|\w\^\{?[\w*]|(?<=\w)_\{?\w(?!\w)")
# A script left after a formula (`$Q \\to Q$^*`: the scrape lost the `∗` it stood on).
SCRIPT_AFTER_FORMULA = re.compile(r"\$[\^_]\{?[\w*]")
# A token that is some text twice: a formula whose rendering and TeX were not split (`TT`, `1010`).
DOUBLED_TOKEN = re.compile(r"(?<![\w\\’'])([A-Za-z0-9]{1,8})\1(?!\w)")
NON_SPACE_RUN = re.compile(r"\S+")
MIN_SPACED_RENDERING = 3  # `(0,1)`, `1<b<n`: shorter ones are DOUBLED_TOKEN's
# What may follow a one-letter formula directly: plurals, possessives, ordinals.
FORMULA_SUFFIX = re.compile(r"^(?:s|['’]s|th|st|nd|rd|-)(?![A-Za-z])")
EMPHASIS_MARKER = re.compile(r"(?<!\S)(?:\*\*|__)(?=\S)|(?<=\S)(?:\*\*|__)(?!\S)")
REPEATED_WORD = re.compile(r"\b([A-Za-z][A-Za-z’']*)\s+\1\b")  # "very VERY" is meant
FIGURE_NOUNS = r"(?:figure|fig\.|image|picture|diagram|plot|graph|chart|illustration|visuali[sz]ation)s?"
FIGURE_POINTER = re.compile(
    r"\b(?:shown (?:below|above)"
    r"|see (?:the )?(?:above |below |following )?"
    + FIGURE_NOUNS
    + r"|in the (?:above |below |following )?"
    + FIGURE_NOUNS
    + r"|(?:above|below|following) "
    + FIGURE_NOUNS
    + r"|"
    + FIGURE_NOUNS
    + r" (?:above|below)"
    + r"|(?:below|above) (?:is|are) (?:a|an|the) (?:[\w-]+ ){0,2}"
    + FIGURE_NOUNS
    + r"|"
    + FIGURE_NOUNS
    + r"[^.]{0,20}\bas follows)\b",
    re.IGNORECASE,
)
# Cheap substring tests first (Python's regexes are slow over long prose):
# a line with none of these words cannot point at a figure.
FIGURE_HINTS = (
    "shown",
    "follows",
    "figure",
    "fig.",
    "image",
    "picture",
    "diagram",
    "plot",
    "graph",
    "chart",
    "illustration",
    "visuali",
)
HANGING_LINE_END = re.compile(r"\b(?:at|via|from)\s*:?$", re.IGNORECASE)  # where its link was
HANGING_LINK_TEXT = re.compile(
    r"\bhere\)"  # "(… see it here)"
    r"|\b(?:see|check out|read) [^.]{0,40}?[’']s (?:blog|post|paper|article|chapter|tutorial)\b",
    re.IGNORECASE,
)
LINK_LIST_LEAD_IN = re.compile(
    r"\b(?:list of|references|resources|links|further reading)\b.*:$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Finding:
    """One piece of visible damage: where, what kind, and the text that shows it."""

    question: str
    kind: str
    text: str

    def __str__(self) -> str:
        return f"{self.question}: {self.kind}: {self.text!r}"


class Acceptance(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A finding reviewed and kept, with the reason it stays (an `[[accepted]]` entry; a missing
    field reads as "", which `read_accepted` refuses by name)."""

    question: str = ""
    kind: str = ""
    text: str = ""
    reason: str = ""

    def accepts(self, finding: Finding) -> bool:
        return (self.question, self.kind, self.text) == (finding.question, finding.kind, finding.text)


# --- lines of prose ------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One line of prose: its inlines, and whether it holds a link."""

    inlines: tuple[Inline, ...]

    @property
    def has_link(self) -> bool:
        return any(isinstance(i, Link) for i in self.inlines)

    @cached_property
    def prose(self) -> str:
        """The text with formulas as `$tex$` and code as a neutral mark."""
        return "".join(_prose_of(inline) for inline in flat_inlines(self.inlines))


def _prose_of(inline: Inline) -> str:
    """One inline of a line flattened by `flat_inlines` (a link's text is its children's)."""
    match inline:
        case Text():
            return inline.text
        case Math():
            return f"${inline.tex}$"
        case Code():
            return "`code`"
        case Link():
            return ""
        case _:
            assert_never(inline)


def lines(blocks: tuple[Block, ...]) -> Iterator[tuple[Line, Block | None]]:
    """Every line of prose in some blocks, with the block after the line's own."""
    for index, block in enumerate(blocks):
        after = blocks[index + 1] if index + 1 < len(blocks) else None
        match block:
            case Paragraph() | Heading():
                yield Line(block.inlines), after
            case ListBlock():
                for item in block.items:
                    yield from lines(item)
            case Table():
                for row in (block.header, *block.rows):
                    yield from ((Line(cell), after) for cell in row)
            case Quote():
                yield from lines(block.blocks)
            case DisplayMath() | CodeBlock() | Image():
                pass
            case _:
                assert_never(block)


def _quote(text: str, start: int, end: int) -> str:
    """The match with some context, cut at spaces, on one line."""
    left = max(0, start - QUOTE_CONTEXT)
    right = min(len(text), end + QUOTE_CONTEXT)
    if left > 0 and " " in text[left:start]:
        left = text.index(" ", left, start) + 1
    if right < len(text) and " " in text[end:right]:
        right = text.rindex(" ", end, right)
    return " ".join(text[left:right].split())


# --- detectors -------------------------------------------------------------------

Detector = Callable[[Line, "Block | None"], Iterator[str]]


def tex_in_prose(line: Line, after: Block | None) -> Iterator[str]:
    for inline in flat_inlines(line.inlines):
        if isinstance(inline, Text):
            for match in TEX_IN_PROSE.finditer(inline.text):
                yield _quote(inline.text, match.start(), match.end())
    if "$^" in line.prose or "$_" in line.prose:
        for match in SCRIPT_AFTER_FORMULA.finditer(line.prose):
            yield _quote(line.prose, match.start(), match.end())


def doubled_formula(line: Line, after: Block | None) -> Iterator[str]:
    for inline in flat_inlines(line.inlines):
        if isinstance(inline, Text):
            for start, end in doubled_spans(inline.text):
                yield _quote(inline.text, start, end)


def doubled_spans(text: str) -> Iterator[tuple[int, int]]:
    """Where a text holds a formula twice: a token that is some text twice (`TT`, `1010`;
    not an acronym after a hyphen, `k-NN`), or a rendering glued to its TeX, which
    spaces its operators (`(0,1)(0, 1)`, `1<b<n1 < b < n`)."""
    for match in DOUBLED_TOKEN.finditer(text):
        acronym = match.group(1).isupper() and text[match.start() - 1 : match.start()] == "-"
        if not acronym:
            yield match.start(), match.end()
    for match in NON_SPACE_RUN.finditer(text):
        for seam in range(match.start() + MIN_SPACED_RENDERING, match.end() + 1):
            end = _spaced_twin(text, match.start(), seam)
            if end:
                yield match.start(), end
                break


def _spaced_twin(text: str, start: int, seam: int) -> int:
    """Where the text after `seam` ends spelling text[start:seam] again with spaces in it
    (0 if it does not, or spells it without a space: that is DOUBLED_TOKEN's).

    The rendering is the end of the run before the seam: try each start in it."""
    for first in range(start, seam - MIN_SPACED_RENDERING + 1):
        rendering = text[first:seam]
        if rendering.isalpha():
            continue
        position, spaced = seam, False
        for char in rendering:
            while position > seam and position < len(text) and text[position] == " ":
                position, spaced = position + 1, True
            if position >= len(text) or text[position] != char:
                break
            position += 1
        else:
            if spaced:
                return position
    return 0


def glued_formula(line: Line, after: Block | None) -> Iterator[str]:
    inlines = list(flat_inlines(line.inlines))
    text, offset = line.prose, 0
    for inline in inlines:
        width = len(_prose_of(inline))
        if isinstance(inline, Math) and len(inline.tex.strip()) == 1:
            left, right = text[:offset], text[offset + width :]
            glued_left = bool(re.search(r"[A-Za-z][’']?$", left))
            glued_right = bool(re.match(r"[A-Za-z]", right)) and not FORMULA_SUFFIX.match(right)
            if glued_left or glued_right:
                yield _quote(text, offset, offset + width)
        offset += width


def odd_emphasis(line: Line, after: Block | None) -> Iterator[str]:
    text = "".join(i.text for i in flat_inlines(line.inlines) if isinstance(i, Text))
    if "**" not in text and "__" not in text:
        return
    markers = list(EMPHASIS_MARKER.finditer(text))
    if len(markers) % 2:
        yield _quote(text, markers[-1].start(), markers[-1].end())


def _has_doubled_word(text: str) -> bool:
    """A quick pre-check for REPEATED_WORD (C-speed maps instead of a regex scan)."""
    words = text.split()
    following = [word.rstrip(".,;:!?)") for word in words[1:]]
    return any(map(str.__eq__, words, following))


def repeated(line: Line, after: Block | None) -> Iterator[str]:
    for inline in flat_inlines(line.inlines):
        if isinstance(inline, Text) and _has_doubled_word(inline.text):
            for match in REPEATED_WORD.finditer(inline.text):
                yield _quote(inline.text, match.start(), match.end())
    inlines = list(flat_inlines(line.inlines))
    for first, between, second in zip(inlines, inlines[1:], inlines[2:], strict=False):
        if (
            isinstance(first, Math)
            and isinstance(second, Math)
            and first.tex == second.tex
            and isinstance(between, Text)
            and not between.text.strip()
        ):
            yield f"${first.tex}${between.text}${second.tex}$"
    for first, second in zip(inlines, inlines[1:], strict=False):
        if isinstance(first, Math) and isinstance(second, Math) and first.tex == second.tex:
            yield f"${first.tex}$${second.tex}$"


def figure_pointer(line: Line, after: Block | None) -> Iterator[str]:
    text = line.prose
    lowered = text.lower()
    if not any(hint in lowered for hint in FIGURE_HINTS):
        return
    for match in FIGURE_POINTER.finditer(text):
        yield _quote(text, match.start(), match.end())


def hanging_link(line: Line, after: Block | None) -> Iterator[str]:
    if line.has_link:
        return
    text = line.prose.rstrip()
    end = HANGING_LINE_END.search(text, max(0, len(text) - 12))
    if end:
        yield _quote(text, end.start(), end.end())
    if "here)" in text or "s " in text:  # the patterns below need one of these
        for match in HANGING_LINK_TEXT.finditer(text):
            yield _quote(text, match.start(), match.end())
    if text.endswith(":") and LINK_LIST_LEAD_IN.search(text) and not isinstance(after, ListBlock):
        yield _quote(text, len(text) - 1, len(text))


DETECTORS: dict[str, Detector] = {
    "tex-in-prose": tex_in_prose,
    "doubled-formula": doubled_formula,
    "glued-formula": glued_formula,
    "odd-emphasis": odd_emphasis,
    "repeated": repeated,
    "figure-pointer": figure_pointer,
    "hanging-link": hanging_link,
}

# --- blocks ---------------------------------------------------------------------

BlockDetector = Callable[[Block], Iterator[str]]


def _one_column(block: Block) -> list[Line]:
    """A table of one column as its lines (header first); none for any other block."""
    if not isinstance(block, Table) or any(len(row) != 1 for row in (block.header, *block.rows)):
        return []
    return [Line(row[0]) for row in (block.header, *block.rows)]


def _code_text(inlines: tuple[Inline, ...]) -> str:
    return "".join(i.text for i in flat_inlines(inlines) if isinstance(i, (Text, Code)))


def flattened_table(block: Block) -> Iterator[str]:
    rows = _one_column(block)
    if rows and not looks_like_code([_code_text(r.inlines) for r in rows]):
        for row in rows:
            texts = [i.text for i in row.inlines if isinstance(i, Text)]
            if any(isinstance(i, Math) for i in row.inlines) or any(
                next(doubled_spans(t), None) for t in texts
            ):
                yield _quote(row.prose, 0, len(row.prose))
                return


def code_as_prose(block: Block) -> Iterator[str]:
    if isinstance(block, Paragraph):
        text = _code_text(block.inlines)
        if reads_as_code(text):
            yield _quote(text, 0, len(text))
    rows = [_code_text(r.inlines) for r in _one_column(block)]
    if rows and looks_like_code(rows):
        yield _quote(rows[0], 0, len(rows[0]))


BLOCK_DETECTORS: dict[str, BlockDetector] = {
    "flattened-table": flattened_table,
    "code-as-prose": code_as_prose,
}
KINDS = (*DETECTORS, *BLOCK_DETECTORS)


def _blocks(blocks: tuple[Block, ...]) -> Iterator[Block]:
    for block in blocks:
        yield block
        if isinstance(block, Quote):
            yield from _blocks(block.blocks)


# --- the audit -------------------------------------------------------------------


def audit_blocks(where: str, blocks: tuple[Block, ...]) -> list[Finding]:
    findings: list[Finding] = []
    # An answer that shows a figure (pipeline/figures.py) no longer points at a missing one.
    shown = next(images(blocks), None) is not None
    for line, after in lines(blocks):
        for kind, detect in DETECTORS.items():
            if shown and kind == "figure-pointer":
                continue
            for text in detect(line, after):
                finding = Finding(where, kind, text)
                if finding not in findings:
                    findings.append(finding)
    for block in _blocks(blocks):
        for kind, detect_block in BLOCK_DETECTORS.items():
            findings += [Finding(where, kind, text) for text in detect_block(block)]
    return findings


def audit(handbook: Handbook) -> list[Finding]:
    """Every finding in the handbook, in reading order."""
    findings = audit_blocks(INDEX, handbook.intro)
    for _, question in handbook.questions():
        findings += audit_blocks(question.id, (Paragraph(question.title), *question.answer))
    findings += audit_blocks(INDEX, handbook.references)
    return findings


def read_accepted(path: Path) -> list[Acceptance]:
    """The reviewed acceptances (none if the file does not exist).

    Read like `errata.read_errata` reads its entries; kept apart on purpose, as
    the errata file's presence rules are its own (a missing errata file is an error
    once the Markdown was made with one; a missing acceptance list accepts nothing).
    """
    if not inputs.present(path):
        return []
    accepted = inputs.read_toml(path, inputs.AUDIT, AcceptedFile).accepted
    for number, entry in enumerate(accepted, start=1):
        missing = [f for f in entry.__struct_fields__ if not getattr(entry, f).strip()]
        if missing:
            raise HandbookError(f"{path}: accepted entry #{number} lacks {', '.join(missing)}")
        if entry.kind not in KINDS:
            raise HandbookError(f"{path}: accepted entry #{number} has an unknown kind {entry.kind!r}")
    return accepted


class AcceptedFile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    accepted: list[Acceptance] = []


@dataclass(frozen=True)
class AuditReport:
    findings: tuple[Finding, ...]
    unaccepted: tuple[Finding, ...]
    stale: tuple[Acceptance, ...]

    @property
    def ok(self) -> bool:
        return not self.unaccepted and not self.stale

    def summary(self, limit: int = 5) -> str:
        accepted = len(self.findings) - len(self.unaccepted)
        lines = [
            f"residue audit: {len(self.findings)} findings, {accepted} accepted, "
            f"{len(self.unaccepted)} not accepted"
        ]
        lines += [f"  {finding}" for finding in self.unaccepted[:limit]]
        if len(self.unaccepted) > limit:
            lines.append(f"  … and {len(self.unaccepted) - limit} more")
        return "\n".join(lines)

    def first_problem(self) -> str:
        if self.unaccepted:
            return f"finding not accepted: {self.unaccepted[0]}"
        if self.stale:
            stale = self.stale[0]
            return f"stale acceptance (matches no finding): {stale.question}: {stale.kind}: {stale.text!r}"
        return ""


def review(findings: list[Finding], accepted: list[Acceptance]) -> AuditReport:
    """Findings split into accepted and not, and acceptances that match nothing."""
    unaccepted = tuple(f for f in findings if not any(a.accepts(f) for a in accepted))
    stale = tuple(a for a in accepted if not any(a.accepts(f) for f in findings))
    return AuditReport(tuple(findings), unaccepted, stale)
