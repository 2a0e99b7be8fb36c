"""How formulas and code are marked up inside an Anki field.

Anki typesets `\\(..\\)` and `\\[..\\]` with its bundled MathJax 3, so formulas
stay plain text in the same spans and divs the site uses (TeX HTML-escaped;
the DOM decodes it back before MathJax reads it). MathJax ignores a `\\\\` at
the top level of a formula, where KaTeX breaks the line, so such a display
formula is wrapped in `gathered` here (and only here: the site keeps KaTeX's
own behaviour); its div is marked `multiline` so `pipeline.formats.canonical_field`
can give back the TeX exactly as written.

Code is highlighted with Pygments classes, styled by the note type's CSS
(`CODE_CSS`): a light theme, and a dark one under Anki's night-mode classes.
It works offline on desktop, AnkiDroid and AnkiMobile; `pygments_block` keeps
the language as a `language-xxx` class, so the field can be read back.

The Answer field is the answer's lead, then its rest folded in a `<details>`
("Full answer", which Anki desktop, AnkiDroid and AnkiMobile all render), so a
card's first view is one idea (pipeline.leads; the names in pipeline.formats).

Anki reads `{{`, `}}` and `::` as template and cloze syntax, so finished
fields pass through `anki_field`, which writes one character of each pair as
an HTML entity. That must come after sanitizing: nh3 decodes entities.
"""

from __future__ import annotations

import html
import re

from pygments.formatters import HtmlFormatter

from pipeline.formats import (
    ANSWER_REST_CLASS,
    ANSWER_REST_LABEL,
    CONTINUED_CLASS,
    MULTILINE_CLOSE,
    MULTILINE_OPEN,
)
from pipeline.leads import Split
from pipeline.sanitize import clean_html
from pipeline.writers.html import HtmlStyle, arithmatex_inline, block_html, pygments_block

# Pygments styles whose every token colour passes WCAG AA (4.5:1) on its own
# background (tests/anki_export/test_anki_cards.py measures it in Chromium).
LIGHT_CODE_STYLE = "default"
DARK_CODE_STYLE = "github-dark"
NIGHT_MODE = (".nightMode", ".night_mode")

# Every character that would form one of Anki's pairs with the next one.
_TEMPLATE_PAIRS = re.compile(r"\{(?=\{)|\}(?=\})|:(?=:)")
_ENTITIES = {"{": "&#123;", "}": "&#125;", ":": "&#58;"}


def _code_css() -> str:
    light = HtmlFormatter(style=LIGHT_CODE_STYLE)
    dark = HtmlFormatter(style=DARK_CODE_STYLE)
    night = [f"{mode} .highlight" for mode in NIGHT_MODE]
    # Tokens the dark style leaves alone must not keep their light colour.
    reset = ", ".join(f"{prefix} span" for prefix in night) + " { color: inherit; background: none; }"
    return (
        "\n".join(
            [
                *light.get_background_style_defs(".highlight"),
                *light.get_token_style_defs(".highlight"),
                reset,
                *dark.get_background_style_defs(night),
                *dark.get_token_style_defs(night),
            ]
        )
        + "\n"
    )


CODE_CSS = _code_css()


def anki_code_block(code: str, language: str) -> str:
    """Code highlighted with Pygments classes, coloured by CODE_CSS in the note type."""
    return pygments_block(code, language, inline_styles=False)


def has_top_level_break(tex: str) -> bool:
    """Whether `tex` has a `\\\\` outside every group and environment."""
    depth, position = 0, 0
    while position < len(tex):
        char = tex[position]
        if char == "\\":
            if tex.startswith("\\\\", position) and depth == 0:
                return True
            if tex.startswith("\\begin", position):
                depth += 1
            elif tex.startswith("\\end", position):
                depth -= 1
            position += 2
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        position += 1
    return False


def mathjax_display(tex: str) -> str:
    """A display formula for Anki's MathJax: multi-line ones wrapped in `gathered`."""
    escaped = html.escape(tex, quote=False)
    if has_top_level_break(tex):
        return f"{MULTILINE_OPEN}{escaped}{MULTILINE_CLOSE}"
    return f'<div class="arithmatex">\\[{escaped}\\]</div>'


ANKI_STYLE = HtmlStyle(
    inline_math=arithmatex_inline,
    display_math=mathjax_display,
    code_block=anki_code_block,
)


_FIRST_LIST = re.compile(r"^<(ul|ol)\b")


def answer_html(split: Split, style: HtmlStyle) -> str:
    """The lead, then the rest under "Full answer" (a list the cut went through goes on there),
    sanitized as one fragment."""
    lead = "\n".join(block_html(block, style) for block in split.lead)
    if not split.rest:
        return clean_html(lead)
    rest = "\n".join(block_html(block, style) for block in split.rest)
    if split.continued:
        rest = _FIRST_LIST.sub(rf'<\1 class="{CONTINUED_CLASS}"', rest, count=1)
    return clean_html(
        f'{lead}\n<details class="{ANSWER_REST_CLASS}"><summary>{ANSWER_REST_LABEL}</summary>\n'
        f"{rest}\n</details>"
    )


def anki_field(sanitized_html: str) -> str:
    """A sanitized fragment with no `{{`, `}}` or `::` left for Anki to misread.

    Entities read back as the same characters in text and attribute values, so
    MathJax and the HTML-fragment reader see the TeX unchanged.
    """
    return _TEMPLATE_PAIRS.sub(lambda match: _ENTITIES[match.group()], sanitized_html)
