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

Anki reads `{{`, `}}` and `::` as template and cloze syntax, so finished
fields pass through `anki_field`, which writes one character of each pair as
an HTML entity. That must come after sanitizing: nh3 decodes entities.
"""

from __future__ import annotations

import html
import re

from pygments.formatters import HtmlFormatter

from pipeline.formats import MULTILINE_CLOSE, MULTILINE_OPEN
from pipeline.writers.html import HtmlStyle, arithmatex_inline, pygments_block

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


def anki_field(sanitized_html: str) -> str:
    """A sanitized fragment with no `{{`, `}}` or `::` left for Anki to misread.

    Entities read back as the same characters in text and attribute values, so
    MathJax and the HTML-fragment reader see the TeX unchanged.
    """
    return _TEMPLATE_PAIRS.sub(lambda match: _ENTITIES[match.group()], sanitized_html)
