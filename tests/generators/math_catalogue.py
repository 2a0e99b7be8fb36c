"""Random handbooks built from a catalogue of the constructs a KaTeX page holds.

Written through `tests.generators.text_dump`, they are damaged exactly the way the
seed was, so `read_text_dump` + `repair` must give them back: the property test
in tests/repair/ and benchmarks/bench_formulas.py both draw from here.

CONSTRUCTS names each kind of formula (accents, big operators, the symbols the
scrape lost, fractions and roots, primes, delimiters, norms, environments, text
and font commands, formulas whose rendering was lost entirely). CONTEXTS names
the prose a formula sits in: between words, in parentheses, before punctuation,
beside acronyms and contractions, before an ordinal suffix (`$d$th`) or a hyphen
(`$k$-fold`, `$k$-NN`), after one (`rank-$k$`). Tables put formulas in glued cells
under a header of words; lists nest; code comes in several languages.

What the catalogue leaves out is what no repair can tell from prose, by
design of the damage (see pipeline/repair/math.py): a plain one-letter formula
glued inside a word (`countnn`), prose numbers that are their
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
    CodeBlock,
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
    r"\emptyset",
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


def _lost_script(rng: random.Random) -> str:
    symbol = _symbol(rng)
    return rng.choice(
        (rf"{symbol} \to {symbol}^*", f"{symbol}^*", rf"{rng.choice('VQ')}^*({rng.choice('sa')})")
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
    # A symbol the scrape lost, whose rendering then begins with the thin space after it.
    "lost beside a thin space": lambda r: r.choice(
        (
            rf"\forall\, {r.choice('xyi')}, {r.choice('yzj')}",
            rf"\exists\, {r.choice('xyz')} \notin {r.choice('SAB')}",
            rf"\forall\, {_symbol(r)}",
        )
    ),
    # A script whose symbol the scrape lost (`^*` is U+2217): the formula ends on a script.
    "script of a lost symbol": lambda r: _lost_script(r),
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
        return [before, Math(tex), Text(src.rng.choice(("th", "-fold", "-th", "’s", "-NN"))), after]
    if roll < 0.6:  # joined to the word before by a hyphen
        return [before, Text(src.rng.choice(("rank-", "top-", "order-"))), Math(tex), after]
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
    """A formula that can be told from the cells glued to it: not one whose rendering
    was lost entirely (`Linear\\|\\cdot\\|Linear` also reads as the rendering `Linear`
    of `\\|\\cdot\\|Linear`), nor one ending on a command that would swallow the next
    cell's letters (`\\nablaLinear`)."""
    for _ in range(20):
        kind, tex = src.formula()
        if kind != "lost entirely" and not re.search(r"\\[A-Za-z]+$", tex):
            return tex
    return CONSTRUCTS["frac"](src.rng)  # the kinds drawn from cannot stand in a cell


# A header holds words only: capitalized (glued, they split at the capitals) or lower
# case (glued, only the word list splits them: `quantityformula`).
HEADERS = (("Name", "Formula", "Example", "Notes"), ("quantity", "formula", "range", "remark"))
# Text cells glued to the next cell with nothing to show the seam (`Batchall`, `bothsides`).
CELL_WORDS = (
    "Linear",
    "Squared error",
    "Polynomial kernel",
    "Batch",
    "Sigmoid",
    "both sides",
    "none",
    "moderate",
)


def _cell(src: _Source, column: int) -> tuple[Inline, ...]:
    roll = src.rng.random()
    if column % 2 == 0:
        return (Text(src.rng.choice(CELL_WORDS)),)
    if roll < 0.6:
        return (Math(_cell_formula(src)),)
    if roll < 0.8:  # words and formulas in one cell, as in prose
        return (Text(src.rng.choice(("all ", "from "))), Math(_cell_formula(src)))
    return (Math(_cell_formula(src)), Text(" with "), Math(_cell_formula(src)))


def _table(src: _Source) -> Table:
    names = src.rng.choice(HEADERS)[: src.rng.randint(2, 4)]
    header = tuple((Text(n),) for n in names)
    rows = tuple(
        tuple(_cell(src, column) for column in range(len(names))) for _ in range(src.rng.randint(2, 4))
    )
    return Table(header, rows)


# Code a dump prints without its fences, in the languages handbooks quote: each must
# come back a code block, its dollars and pipes not read as math or a table.
CODE = (
    ("bash", "export RUN=$HOME/runs/{name}\ntail -n 5 \"$RUN/train.log\" | awk '{{ print $2 }}'"),
    ("bash", "pip install -U {name}\npython train.py --epochs 10 --lr 3e-4"),
    ("cpp", "#include <vector>\ndouble {name}(std::vector<double> z) {{\n    return z[0];\n}}"),
    ("sql", "SELECT {name}, COUNT(*) AS n\nFROM events\nGROUP BY {name};"),
    (
        "text",
        "procedure {name}(A, lo, hi)\n    pivot := A[hi]\n    for j := lo to hi - 1 do\n        swap A[j]",
    ),
    ("python", "def {name}(x):\n    return x * 2"),
)


def _code(src: _Source) -> CodeBlock:
    language, code = src.rng.choice(CODE)
    return CodeBlock(code.format(name=src.rng.choice(("score", "model_a", "exp42", "runs"))), language)


def _list(src: _Source, depth: int = 1) -> ListBlock:
    """A list whose items may hold a list (of either kind) nested in them."""
    items = []
    for _ in range(src.rng.randint(2, 3)):
        item = list_item(_sentence(src, 1))
        if depth and src.rng.random() < 0.3:
            item += (_list(src, depth - 1),)
        items.append(item)
    return ListBlock(tuple(items), ordered=src.rng.random() < 0.4)


def _block(src: _Source) -> Block:
    roll = src.rng.random()
    if roll < 0.2:
        return DisplayMath(src.formula()[1])
    if roll < 0.3:
        return _list(src)
    if roll < 0.4:
        return _table(src)
    if roll < 0.45:
        return _code(src)
    return Paragraph(_sentence(src, src.rng.randint(1, 3)))


def _answer(src: _Source, count: int) -> tuple[Block, ...]:
    """Blocks, no two code blocks in a row: a dump prints them as one run of code
    lines with a blank line inside, which is what one block with a blank line is too."""
    answer: list[Block] = []
    for _ in range(count):
        block = _block(src)
        if isinstance(block, CodeBlock) and answer and isinstance(answer[-1], CodeBlock):
            block = Paragraph(_sentence(src, 1))
        answer.append(block)
    return tuple(answer)


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
            _answer(src, blocks),
        )
        for n in range(questions)
    )
    return Handbook(
        Meta("Generated Handbook", "Formulas from the catalogue"),
        (Paragraph((Text("An introduction."),)),),
        (Section("", "Generated Section", made),),
        (Paragraph((Text("Thanks."),)),),
    )
