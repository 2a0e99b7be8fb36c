"""What a line of source code looks like, in any language a handbook quotes.

A text dump lost the fences around its code, so its reader must tell code from
prose and from a table whose cells were glued; the residue audit must notice code
that still reads as prose. The code can be in any language: Python, shell, C and
C++, SQL, pseudocode. A dump holds no `$` from a formula (a formula is its
rendering and its TeX), so a `$` before a name is a shell variable.

- `code_signs(line)` names what makes a line look like code. A *sure* sign is
  one no sentence and no glued table row has: a statement that ends in `;` or
  `{`, a line of closing brackets, a comment or preprocessor line, a shell
  variable, a pipe into a command, a command with options, `&&`, a declaration
  with a type, `::` or `->` between names, SQL's clauses, Python's keywords,
  pseudocode's `do`/`then`/`end` lines, and indentation (a dump indents only
  code: its lists are `  •` lines, its prose and table rows start flush). A
  *weak* sign is one a glued table row can have too: an assignment, a call.
- A line holding a TeX command or script outside quotes is never code: it is a
  formula (a table row `Rbfp(xi)\\log p(x_i)` looks like a call, `Q(s)Q^*(s)` too).
- `language(code)`: the language a block of such lines is written in, by its
  signs (`text` when none tells: pseudocode).
"""

from __future__ import annotations

import re

# A TeX command, or a script glued to its base (`Q^*`, `x_{i}`): a formula's TeX.
TEX_COMMAND = re.compile(r"\\[A-Za-z]{2,}|\w\^[\w*{]|\w_\{")
QUOTED = re.compile(r"(['\"]).*?\1")
LIST_ITEM = re.compile(r"^\s*(?:[•*-]|\d{1,3}\.)\s")  # indented, but a list's item

PYTHON_START = re.compile(
    r"^\s*(def |class |import |from \S+ import |return\b|print\(|for .*:\s*$|while .*:\s*$"
    r"|if .*:\s*$|elif .*:\s*$|else:\s*$|#)"
)
SHELL_COMMANDS = (
    "export|echo|cd|sudo|pip3?|python3?|conda|npm|npx|yarn|git|curl|wget|mkdir|rm|cp|mv|ls|grep|awk"
    "|sed|chmod|chown|docker|kubectl|ssh|scp|tar|unzip|nvidia-smi|torchrun"
)
SURE_SIGNS = {
    "statement end": re.compile(r"[;{]\s*$"),
    "closing brackets": re.compile(r"^\s*[})\]]+[;,)]*\s*$"),
    "comment": re.compile(r"^\s*(?://|/\*|\*/|--\s|#)"),
    "preprocessor": re.compile(r"^\s*#(?:include|define|ifn?def|endif|pragma)\b"),
    "shell variable": re.compile(r"\$(?:\{|\(|[A-Z_][A-Z0-9_]*\b)"),
    "pipe into a command": re.compile(r"\s\|\s+[a-z][\w.-]*(?:\s|$)"),
    "command and option": re.compile(
        rf"^\s*(?:sudo\s+)?(?:(?:{SHELL_COMMANDS})(?:\s+[^\s-]\S*){{0,2}}|[a-z][\w.+-]*)"
        r"\s+--?[A-Za-z][\w-]*(?:\s|=|$)"
    ),
    "shell command": re.compile(rf"^\s*(?:{SHELL_COMMANDS})\s+\S"),
    "and-then": re.compile(r"\s(?:&&|\|\|)\s"),
    "declaration": re.compile(
        r"^\s*(?:(?:const|static|unsigned|signed|inline|virtual|extern)\s+)*"
        r"(?:int|long|short|float|double|char|bool|void|auto|size_t|u?int\d+_t|std::[\w:]+(?:<[^;]*>)?"
        r"|[A-Z]\w*<[^;]*>)\s*[*&]?\s*[A-Za-z_]\w*\s*(?:=|\(|;|\[|,)"
    ),
    "scope": re.compile(r"\w::\w|\w->\w"),
    "sql": re.compile(
        r"^\s*(?:SELECT|FROM|WHERE|GROUP BY|ORDER BY|HAVING|LIMIT|INSERT INTO|VALUES|UPDATE|DELETE FROM"
        r"|CREATE (?:TABLE|INDEX|VIEW)|ALTER TABLE|DROP TABLE|UNION|(?:LEFT |RIGHT |INNER |OUTER )?JOIN)\b"
    ),
    "python": PYTHON_START,
    "pseudocode": re.compile(
        r"^\s*(?:for|for each|while|if|else if)\b.*\b(?:do|then)\s*$"
        r"|^\s*(?:repeat|begin|else|end(?:\s+(?:for|if|while|procedure|function))?|until\b.*)\s*$"
        r"|^\s*(?:procedure|function|algorithm)\s+\w+\s*\("
    ),
    "indented": re.compile(r"^\s{2,}\S"),
}
WEAK_SIGNS = {
    "assignment": re.compile(
        r"^\s*[A-Za-z_][\w.\[\]]*(\s*,\s*[A-Za-z_][\w.\[\]]*)*\s*(?:[-+*/]?=|:=|<-|←)\s*\S"
    ),
    "call": re.compile(r"^\s*[A-Za-z_][\w.]*\(.*\)\s*$"),
}
# The language a block is in, by the first of these its lines show.
LANGUAGES = (
    ("cpp", re.compile(r"^\s*#include\b|\bstd::|^\s*(?:int|void|double|float|auto)\s+\w+\s*\(", re.M)),
    ("sql", re.compile(r"^\s*(?:SELECT|INSERT INTO|CREATE TABLE|UPDATE)\b", re.M)),
    ("javascript", re.compile(r"^\s*(?:const|let|var|function)\s+\w|=>|\bconsole\.log\(", re.M)),
    ("bash", re.compile(rf"^\s*(?:sudo\s+)?(?:{SHELL_COMMANDS})\b|\$(?:\{{|\(|[A-Z_])|\s\|\s+[a-z]", re.M)),
    ("r", re.compile(r"^\s*[\w.]+\s*<-\s*\S", re.M)),
    ("python", re.compile(r"^\s*(?:def |class |import |from \S+ import |print\(|elif |else:)|:\s*$", re.M)),
)
BIBTEX_FIELD = re.compile(r'^\s*\w+\s*=\s*["{].*["}],?\s*$')


def code_signs(line: str) -> list[str]:
    """The signs of code in one line, sure ones first (none for prose or a formula)."""
    if TEX_COMMAND.search(QUOTED.sub("", line)):
        return []
    signs = [name for name, sign in SURE_SIGNS.items() if sign.search(line)]
    if "indented" in signs and LIST_ITEM.match(line):
        signs.remove("indented")
    return signs + [name for name, sign in WEAK_SIGNS.items() if sign.search(line)]


def is_code_line(line: str) -> bool:
    return bool(code_signs(line))


def is_surely_code(line: str) -> bool:
    """A line with a sign no prose or table row has."""
    return any(sign in SURE_SIGNS for sign in code_signs(line))


# The sure signs a sentence cannot have even by chance (a paragraph may open with
# `-- Name`, name `x->y`, say `long term,`, end on `else`).
SENTENCE_FREE = frozenset(SURE_SIGNS) - {"comment", "indented", "pseudocode", "declaration", "scope"}


def reads_as_code(line: str) -> bool:
    """A line of a paragraph that is code, not prose."""
    return bool(SENTENCE_FREE.intersection(code_signs(line)))


def looks_like_code(lines: tuple[str, ...] | list[str]) -> bool:
    """Lines that are code beyond doubt: one line no prose has, or lines that all look
    like code. A glued table row can look like an assignment (`Linearx=yx = y`), but
    its header, the first line, is words."""
    if any(map(is_surely_code, lines)):
        return True
    return len(lines) > 1 and all(map(is_code_line, lines))


def language(code: str) -> str:
    """The language a block is written in, by its lines' signs (`text` when none tells)."""
    lines = [line for line in code.splitlines() if line.strip()]
    if lines and all(BIBTEX_FIELD.match(line) for line in lines):
        return "bibtex"
    python = dict(LANGUAGES)["python"]
    if any(SURE_SIGNS["pseudocode"].search(line) for line in lines) and not python.search(code):
        return "text"
    return next((name for name, sign in LANGUAGES if sign.search(code)), "python")
