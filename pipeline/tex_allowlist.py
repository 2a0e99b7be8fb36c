"""Which TeX may be published: formulas reach a reader's browser and Anki's MathJax.

KaTeX on the site runs with `trust: false`, but Anki typesets cards with
MathJax 3, whose autoloaded html extension turns `\\href` into a link of any
scheme and `\\class`, `\\cssId`, `\\style`, `\\data` into attributes of the
card's DOM. So every formula is checked here, in the model, before any writer
sees it: commands that write HTML attributes, load code or fetch files are
refused, and links only go to http, https or mailto.

The check works on TeX's own tokens: a control word is `\\` and letters, so
`\\\\href` (a line break, then letters) is not a link, and a macro cannot
spell a refused command without writing it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from pipeline.errors import HandbookError
from pipeline.model import Handbook, formulas, question_formulas

# Commands that set classes, ids, styles or data attributes, load extensions or
# files (KaTeX's trust-gated ones and MathJax's html, require and bbox ones).
REFUSED = frozenset(
    {
        "htmlClass",
        "htmlId",
        "htmlStyle",
        "htmlData",
        "class",
        "cssId",
        "style",
        "data",
        "require",
        "includegraphics",
        "bbox",
        "mmlToken",
    }
)
LINKS = frozenset({"href", "url"})
# A link must start with one of these, literally: no relative or obfuscated targets.
SAFE_TARGET = re.compile(r"(?:https?|mailto):[^\s\x00-\x1f\x7f]*", re.I)
# Every control sequence; `%` comments are not skipped (inside a link's argument
# `%` is a character, so skipping "comments" could hide what follows).
_TOKEN = re.compile(r"\\([A-Za-z]+|.)", re.S)


# The longest formula of the seed is 744 characters; ten times that is still a formula. A
# longer one is not (a megabyte of TeX keeps a browser tab busy for minutes): refused.
MAX_FORMULA = 8_000


def formula_problem(tex: str) -> str | None:
    """Why `tex` may not be published, or None when it may."""
    if len(tex) > MAX_FORMULA:
        return f"it is {len(tex):,} characters long, over the {MAX_FORMULA:,} a formula may have"
    for match in _TOKEN.finditer(tex):
        name = match.group(1)
        if name in REFUSED:
            return f"\\{name} is not allowed in a formula"
        if name in LINKS:
            target = _argument(tex, match.end())
            if target is None or not SAFE_TARGET.fullmatch(target):
                shown = (target or "").strip()[:40] or "nothing"
                return f"\\{name} to {shown!r} is not allowed (only http, https and mailto links)"
    return None


def _argument(tex: str, start: int) -> str | None:
    """The next argument after a command: a balanced {group} or one token."""
    rest = tex[start:].lstrip(" \t\n")
    if not rest:
        return None
    if rest[0] != "{":
        return rest[0]
    depth, index = 0, 0
    while index < len(rest):
        char = rest[index]
        if char == "\\":
            index += 1  # the escaped character is not a brace
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return rest[1:index]
        index += 1
    return None  # unbalanced: refused


def check_formulas(handbook: Handbook) -> None:
    """Refuse the handbook, in one line naming the place, if any formula is not allowed."""
    for where, tex in _all_formulas(handbook):
        problem = formula_problem(tex)
        if problem:
            raise HandbookError(f"{where} has a formula that cannot be published: {problem}")


def _all_formulas(handbook: Handbook) -> Iterator[tuple[str, str]]:
    for tex, _ in formulas(handbook.intro):
        yield "the introduction", tex
    for _, question in handbook.questions():
        for tex, _ in question_formulas(question):
            yield f"question {question.id!r}", tex
    for tex, _ in formulas(handbook.references):
        yield "the references", tex


# Anki's MathJax reads \( \) and \[ \] in the field's text, after the DOM decodes entities.
_FIELD_MATH = re.compile(r"\\\((.*?)\\\)|\\\[(.*?)\\\]", re.S)
_TAG = re.compile(r"<[^>]*>")
_SCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*(?:javascript|vbscript|data)\s*:""", re.I)


def check_card_html(field: str, where: str) -> None:
    """Check a finished card field again: its formulas as MathJax will read them, and its links."""
    tags = _TAG.findall(field)
    if any(_SCRIPT_URL.search(html.unescape(tag)) for tag in tags):
        raise HandbookError(f"{where}: the card holds a link to a script or data URL")
    text = html.unescape(_TAG.sub("", field))
    for match in _FIELD_MATH.finditer(text):
        problem = formula_problem(match.group(1) if match.group(1) is not None else match.group(2))
        if problem:
            raise HandbookError(f"{where}: the card has a formula that cannot be published: {problem}")
