"""Model → HTML fragments, shared by the site and the Anki writers.

The writers differ only in how a formula and a code block are marked up, so
those two are parameters (`HtmlStyle`); everything else is one small function
per node type. Output is sanitized before it leaves this module.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import assert_never
from urllib.parse import quote

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import TextLexer, get_lexer_by_name
from pygments.util import ClassNotFound

from pipeline.formats import FIGURE_CLASS, FIGURES_FOLDER
from pipeline.model import (
    Block,
    Code,
    CodeBlock,
    DisplayMath,
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
    item_line,
)
from pipeline.sanitize import clean_html, safe_url


@dataclass(frozen=True)
class HtmlStyle:
    """How formulas and code are marked up for one kind of output."""

    inline_math: Callable[[str], str]
    display_math: Callable[[str], str]
    code_block: Callable[[str, str], str]
    # Where a figure's SVG is found from the page or card (given its name).
    image_url: Callable[[str], str] = lambda name: f"{FIGURES_FOLDER}/{name}.svg"


def lexer_for(language: str, **options: object) -> Lexer:
    try:
        lexer: Lexer = get_lexer_by_name(language, **options)
        return lexer
    except ClassNotFound:
        text: Lexer = TextLexer(**options)
        return text


# How a code block records its language (read back by readers/html_fragment.py):
# a `language-<name>` class on the wrapping div, the convention of Prism,
# highlight.js and pymdownx. Odd characters in the name are %-escaped.
LANGUAGE_CLASS_PREFIX = "language-"


def language_class(language: str) -> str:
    return LANGUAGE_CLASS_PREFIX + quote(language, safe="+#.-_")


def pygments_block(
    code: str,
    language: str,
    *,
    inline_styles: bool,
    style: str = "default",
    wrap_code: bool = False,
) -> str:
    """Highlighted code in `<div class="highlight language-x"><pre>`.

    Leading and trailing blank lines are kept (Pygments would strip them) and
    exactly one newline is added, so the `<pre>` text minus its last newline
    is the code itself. `wrap_code` puts a `<code>` inside the `<pre>`, the
    shape Material's copy button and code style expect.
    """
    formatter = HtmlFormatter(
        noclasses=inline_styles,
        style=style,
        cssclass=f"highlight {language_class(language)}",
        wrapcode=wrap_code,
    )
    return highlight(code + "\n", lexer_for(language, stripnl=False), formatter)


def arithmatex_inline(tex: str) -> str:
    return f'<span class="arithmatex">\\({html.escape(tex, quote=False)}\\)</span>'


def arithmatex_display(tex: str) -> str:
    return f'<div class="arithmatex">\\[{html.escape(tex, quote=False)}\\]</div>'


# The site: math marked for pymdownx.arithmatex's generic mode (rendered by KaTeX
# in the browser), code highlighted with Pygments CSS classes in `<pre><code>`.
SITE_STYLE = HtmlStyle(
    inline_math=arithmatex_inline,
    display_math=arithmatex_display,
    code_block=lambda code, lang: pygments_block(code, lang, inline_styles=False, wrap_code=True),
)


def inline_html(inline: Inline, style: HtmlStyle) -> str:
    match inline:
        case Text():
            return html.escape(inline.text, quote=False)
        case Math():
            return style.inline_math(inline.tex)
        case Code():
            return f"<code>{html.escape(inline.text, quote=False)}</code>"
        case Link():
            inner = inlines_html(inline.children, style)
            url = safe_url(inline.url)
            return inner if url is None else f'<a href="{html.escape(url)}">{inner}</a>'
        case _:
            assert_never(inline)


def inlines_html(inlines: tuple[Inline, ...], style: HtmlStyle) -> str:
    return "".join(inline_html(inline, style) for inline in inlines)


def _item_html(item: tuple[Block, ...], style: HtmlStyle) -> str:
    """An item: its line as bare inlines (as a tight list writes it), then what it holds."""
    line, rest = item_line(item)
    return inlines_html(line, style) + "".join(block_html(block, style) for block in rest)


def _list_html(block: ListBlock, style: HtmlStyle) -> str:
    items = "".join(f"<li>{_item_html(item, style)}</li>" for item in block.items)
    if not block.ordered:
        return f"<ul>{items}</ul>"
    start = f' start="{block.start}"' if block.start != 1 else ""
    return f"<ol{start}>{items}</ol>"


def _table_html(block: Table, style: HtmlStyle) -> str:
    # An empty corner above the row labels heads nothing: a <th> there would be a header without a name.
    head = "".join(f"<th>{inlines_html(cell, style)}</th>" if cell else "<td></td>" for cell in block.header)
    body = "".join(
        "<tr>" + "".join(f"<td>{inlines_html(cell, style)}</td>" for cell in row) + "</tr>"
        for row in block.rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _image_html(block: Image, style: HtmlStyle) -> str:
    url = html.escape(style.image_url(block.name))
    caption = f"<figcaption>{html.escape(block.caption, quote=False)}</figcaption>" if block.caption else ""
    return (
        f'<figure class="{FIGURE_CLASS}"><a href="{url}">'
        f'<img src="{url}" alt="{html.escape(block.alt)}"></a>{caption}</figure>'
    )


def block_html(block: Block, style: HtmlStyle) -> str:
    match block:
        case Paragraph():
            return f"<p>{inlines_html(block.inlines, style)}</p>"
        case Heading():
            return f"<h{block.level}>{inlines_html(block.inlines, style)}</h{block.level}>"
        case DisplayMath():
            return style.display_math(block.tex)
        case CodeBlock():
            return style.code_block(block.code, block.language)
        case ListBlock():
            return _list_html(block, style)
        case Table():
            return _table_html(block, style)
        case Image():
            return _image_html(block, style)
        case Quote():
            return f"<blockquote>{blocks_html(block.blocks, style)}</blockquote>"
        case _:
            assert_never(block)


def blocks_html(blocks: tuple[Block, ...], style: HtmlStyle) -> str:
    """Blocks as one sanitized HTML fragment, one block per line."""
    return clean_html("\n".join(block_html(block, style) for block in blocks))


def title_html(inlines: tuple[Inline, ...], style: HtmlStyle) -> str:
    """A question title as a sanitized inline HTML fragment."""
    return clean_html(inlines_html(inlines, style))
