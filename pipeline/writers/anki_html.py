"""How formulas and code are marked up inside an Anki field.

Anki typesets `\\(..\\)` and `\\[..\\]` with its bundled MathJax, so formulas
stay plain text in the same spans and divs the site uses (TeX HTML-escaped;
the DOM decodes it back before MathJax reads it). Code is highlighted with
inline styles, because a card has no stylesheet for Pygments classes and must
work offline on desktop, AnkiDroid and AnkiMobile (`pygments_block` keeps the
language as a `language-xxx` class, so the field can be read back).

Anki reads `{{`, `}}` and `::` as template and cloze syntax, so finished
fields pass through `anki_field`, which writes one character of each pair as
an HTML entity. That must come after sanitizing: nh3 decodes entities.
"""

from __future__ import annotations

import re

from pipeline.writers.html import (
    HtmlStyle, arithmatex_display, arithmatex_inline, pygments_block,
)

# Pygments' built-in light style: it pairs with the light code "island" the
# card CSS keeps in night mode too (see CARD_CSS in pipeline/writers/anki.py).
CODE_STYLE = "default"

# Every character that would form one of Anki's pairs with the next one.
_TEMPLATE_PAIRS = re.compile(r"\{(?=\{)|\}(?=\})|:(?=:)")
_ENTITIES = {"{": "&#123;", "}": "&#125;", ":": "&#58;"}


def anki_code_block(code: str, language: str) -> str:
    """Code highlighted with inline styles: no stylesheet needed on any device."""
    return pygments_block(code, language, inline_styles=True, style=CODE_STYLE)


ANKI_STYLE = HtmlStyle(
    inline_math=arithmatex_inline,
    display_math=arithmatex_display,
    code_block=anki_code_block,
)


def anki_field(sanitized_html: str) -> str:
    """A sanitized fragment with no `{{`, `}}` or `::` left for Anki to misread.

    Entities read back as the same characters in text and attribute values, so
    MathJax and the HTML-fragment reader see the TeX unchanged.
    """
    return _TEMPLATE_PAIRS.sub(lambda match: _ENTITIES[match.group()], sanitized_html)
