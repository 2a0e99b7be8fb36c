"""Random handbooks built from a catalogue of the constructs a KaTeX page holds.

Written through `tests.generators.text_dump`, they are damaged exactly the way the
seed was, so `read_text_dump` + `repair` must give them back: the property test
in tests/repair/ and benchmarks/bench_formulas.py both draw from here.

CONSTRUCTS names each kind of formula (accents, big operators, the symbols the
scrape lost, fractions and roots, primes, delimiters, norms, environments, text
and font commands, formulas whose rendering was lost entirely). CONTEXTS names
the prose a formula sits in: between words, in parentheses, before punctuation,
beside acronyms and contractions, before an ordinal suffix (`$d$th`) or a hyphen
(`$k$-fold`). Tables put formulas in glued cells.

What the catalogue leaves out is what no repair can tell from prose, by
design of the damage (see pipeline/repair/math.py): a plain one-letter formula
glued inside a word or table cell (`countnn`), prose numbers that are their
own rendering twice (`11`), and two formulas apart by a bare space when the
second's rendering is lost entirely (`$x$ $\\nabla$` scrapes as `$x \\nabla$`).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pipeline.model import (
    Block,
    DisplayMath,
    Handbook,
    Inline,
    ListBlock,
    Math,
    Meta,
    Paragraph,
    Question,
    Section,
    Table,
    Text,
    list_item,
    merge_text,
)
from pipeline.repair.math import evident

LETTERS = "abcdfknpqrstwxyzABLNTXY"
GREEK = (r"\alpha", r"\beta", r"\gamma", r"\theta", r"\sigma", r"\mu", r"\lambda", r"\phi", r"\epsilon")
ACCENTS = (r"\bar", r"\hat", r"\tilde", r"\vec", r"\dot")
OPERATORS = ("+", "-", "=", r"\le", r"\cdot", r"\times", r"\to", r"\ne")
FUNCTIONS = ("softmax", "argmax", "ReLU", "tanh", "loss")
FONTS = (r"\mathrm", r"\mathbb", r"\mathcal")
ENVIRONMENTS = ("pmatrix", "bmatrix")
LOST_ENTIRELY = (
    r"-\infty",
    r"|\cdot|",
    r"\nabla",
    r"\partial",
    r"\infty",
    r"\to",
    r"\sum",
    r"\prod",
    r"\int",
    r"\rightarrow",
    r"\|\cdot\|",
    r"\le",
)

Draw = Callable[[random.Random], str]


def _symbol(rng: random.Random) -> str:
    return rng.choice(LETTERS) if rng.random() < 0.6 else rng.choice(GREEK)


def _term(rng: random.Random) -> str:
    base = _symbol(rng)
    roll = rng.random()
    if roll < 0.25:
        return f"{base}_{rng.choice('ijn0123')}"
    if roll < 0.4:
        return f"{base}^{rng.choice('2nT')}"
    if roll < 0.5:
        return f"{base}_{{{rng.choice('ijk')}}}^{{({rng.choice('ijk')})}}"
    return base


def _expression(rng: random.Random) -> str:
    terms = [_term(rng) for _ in range(rng.randint(1, 3))]
    out = terms[0]
    for term in terms[1:]:
        out += f" {rng.choice(OPERATORS)} {term}"
    return out


def _matrix(rng: random.Random) -> str:
    env = rng.choice(ENVIRONMENTS)
    rows = [" & ".join(_term(rng) for _ in range(2)) for _ in range(2)]
    body = r" \\ ".join(rows)
    return rf"\begin{{{env}}} {body} \end{{{env}}}"


def _cases(rng: random.Random) -> str:
    x = rng.choice("xyz")
    return (
        rf"{rng.choice('fgh')}({x}) = \begin{{cases}} {_term(rng)} & {x} > 0 \\ "
        rf"0 & \text{{otherwise}} \end{{cases}}"
    )


CONSTRUCTS: dict[str, Draw] = {
    "letter": lambda r: r.choice(LETTERS),
    "number": lambda r: str(r.choice((2, 3, 5, 10, 30, 42, 100, 0.5, 1e-3))),
    "greek": lambda r: r.choice(GREEK),
    "expression": _expression,
    "accent": lambda r: f"{r.choice(ACCENTS)}{{{_symbol(r)}}}",
    "accent in expression": lambda r: f"{r.choice(ACCENTS)}{{{_symbol(r)}}} {r.choice(OPERATORS)} {_term(r)}",
    "sum": lambda r: rf"\sum_{{i=1}}^{{n}} {_term(r)}",
    "prod": lambda r: rf"\prod_{{i=1}}^{{n}} p({r.choice('xyz')}_i)",
    "int": lambda r: rf"\int_{{-\infty}}^{{\infty}} {r.choice('fgp')}(x)\,dx",
    "partial": lambda r: rf"\frac{{\partial {r.choice('LJE')}}}{{\partial {_symbol(r)}}}",
    "nabla": lambda r: rf"\nabla_{{{_symbol(r)}}} {r.choice('LJf')}",
    "infinity": lambda r: rf"{r.choice('nmT')} \to \infty",
    "minus": lambda r: f"{_term(r)} - {_term(r)}",
    "frac": lambda r: rf"\frac{{{_expression(r)}}}{{{_term(r)}}}",
    "sqrt": lambda r: rf"\sqrt{{{_term(r)} + {_term(r)}}}",
    "prime": lambda r: r.choice("fgh") + r.choice(("'", "''")) + f"({r.choice('xyz')})",
    "left right": lambda r: rf"\left( \frac{{{_term(r)}}}{{{_term(r)}}} \right)^2",
    "norm": lambda r: rf"\lVert {_expression(r)} \rVert_2",
    "abs": lambda r: rf"|{_term(r)} - {_term(r)}|",
    "cases": _cases,
    "matrix": _matrix,
    "text": lambda r: rf"{_term(r)} = \text{{{r.choice(('model parameter', 'error', 'bias term'))}}}",
    "operatorname": lambda r: rf"\operatorname{{{r.choice(FUNCTIONS)}}}({_term(r)})",
    "font": lambda r: rf"{r.choice(FONTS)}{{{r.choice('RNLEd')}}}",
    "set": lambda r: rf"{_symbol(r)} \in \mathbb{{R}}^{{{r.choice('nmd')}}}",
    "lost entirely": lambda r: r.choice(LOST_ENTIRELY),
}


@dataclass(frozen=True)
class _Source:
    rng: random.Random
    kinds: tuple[str, ...]

    def formula(self) -> tuple[str, str]:
        """(kind, TeX) of one formula drawn from the catalogue."""
        kind = self.rng.choice(self.kinds)
        return kind, CONSTRUCTS[kind](self.rng)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


WORDS = tuple(
    (
        "the model learns a function of its inputs and we see that all books on the committee "
        "agree this will mimic what an estimator does when its variance is small so each term "
        "counts"
    ).split()
)
# Prose that looks like a formula to a careless repair: acronyms, contractions, doubled letters.
TRICKY = (
    "IID",
    "AAAI",
    "NASA",
    "SOTA",
    "GPU",
    "LSTM",
    "MSE",
    "we’ll",
    "it’s",
    "don’t",
    "isn’t",
    "all",
    "books",
    "committee",
    "mimic",
    "eel",
    "llama",
    "ooze",
    "Mississippi",
    "30",
    "2019",
)


def _words(src: _Source, count: int) -> str:
    pool = WORDS if src.rng.random() < 0.7 else WORDS + TRICKY
    return " ".join(src.rng.choice(pool) for _ in range(count))


def _plain_letter(tex: str) -> bool:
    return len(tex) == 1 and tex.isalpha()


def _in_context(src: _Source, tex: str) -> list[Inline]:
    """A formula in a random prose context, as inlines."""
    before, after = (
        Text(_words(src, src.rng.randint(1, 4)) + " "),
        Text(" " + _words(src, src.rng.randint(1, 4))),
    )
    roll = src.rng.random()
    if roll < 0.1:
        return [before, Text("("), Math(tex), Text(")"), after]
    if roll < 0.2:
        return [before, Math(tex), Text(src.rng.choice((",", ".", ":", ";", "?"))), after]
    if roll < 0.3:
        return [Text(src.rng.choice(TRICKY[:8]) + " "), Math(tex), Text(" " + src.rng.choice(TRICKY[:8]))]
    if roll < 0.35:
        return [before, Text("“"), Math(tex), Text("”"), after]
    if roll < 0.4:
        # Not a bare space between them: `$x$ $\\nabla$` scrapes exactly like `$x \\nabla$`.
        return [
            before,
            Math(tex),
            Text(src.rng.choice((", ", " and ", " or "))),
            Math(src.formula()[1]),
            after,
        ]
    if roll < 0.45:
        return [Math(tex), after]  # opens the sentence (or ends the one before)
    if roll < 0.55 and _plain_letter(tex):
        return [before, Math(tex), Text(src.rng.choice(("th", "-fold", "-th", "’s"))), after]
    return [before, Math(tex), after]


def _merge(inlines: list[Inline]) -> tuple[Inline, ...]:
    out: list[Inline] = merge_text(inlines)
    if out and isinstance(out[0], Text):
        out[0] = Text(out[0].text.lstrip())
    if out and isinstance(out[-1], Text):
        out[-1] = Text(out[-1].text.rstrip())
    return tuple(i for i in out if not (isinstance(i, Text) and not i.text))


def _sentence(src: _Source, formulas: int) -> tuple[Inline, ...]:
    inlines: list[Inline] = [Text(_capital(_words(src, 3)) + " ")]
    for _ in range(formulas):
        inlines += _in_context(src, src.formula()[1])
        inlines.append(Text(" "))
    inlines.append(Text(_words(src, 2) + "."))
    return _merge(inlines)


def _cell_formula(src: _Source) -> str:
    """A formula that can be told from the cells glued to it: its TeX shows itself as
    TeX (a command, a script), and does not end on a command that would swallow the
    next cell's letters (`\\nablaLinear`). Nor is its rendering lost entirely:
    `Linear\\|\\cdot\\|Linear` also reads as the rendering `Linear` of `\\|\\cdot\\|Linear`."""
    for _ in range(20):
        kind, tex = src.formula()
        if kind != "lost entirely" and evident(tex) and not re.search(r"\\[A-Za-z]+$", tex):
            return tex
    return CONSTRUCTS["frac"](src.rng)  # the kinds drawn from cannot stand in a cell


def _table(src: _Source) -> Table:
    names = ("Name", "Formula", "Example", "Notes")[: src.rng.randint(2, 4)]
    header = tuple((Text(n),) for n in names)
    rows = []
    for _ in range(src.rng.randint(2, 4)):
        row: list[tuple[Inline, ...]] = []
        for column in range(len(names)):
            if column % 2:
                row.append((Math(_cell_formula(src)),))
            else:
                row.append((Text(src.rng.choice(("Linear", "Squared error", "Polynomial kernel", "Rbf"))),))
        rows.append(tuple(row))
    return Table(header, tuple(rows))


def _block(src: _Source) -> Block:
    roll = src.rng.random()
    if roll < 0.2:
        return DisplayMath(src.formula()[1])
    if roll < 0.3:
        return ListBlock(tuple(list_item(_sentence(src, 1)) for _ in range(src.rng.randint(2, 3))))
    if roll < 0.4:
        return _table(src)
    return Paragraph(_sentence(src, src.rng.randint(1, 3)))


def random_handbook(
    rng: random.Random,
    questions: int = 4,
    blocks: int = 3,
    kinds: Sequence[str] = (),
) -> Handbook:
    """A handbook of `questions` questions with formulas of `kinds` (default: all)."""
    src = _Source(rng, tuple(kinds) or tuple(sorted(CONSTRUCTS)))
    made = tuple(
        Question(
            "",
            (Text(_capital(_words(src, 2)) + ": what is "), Math(src.formula()[1]), Text("?")),
            tuple(_block(src) for _ in range(blocks)),
        )
        for n in range(questions)
    )
    return Handbook(
        Meta("Generated Handbook", "Formulas from the catalogue"),
        (Paragraph((Text("An introduction."),)),),
        (Section("", "Generated Section", made),),
        (Paragraph((Text("Thanks."),)),),
    )
