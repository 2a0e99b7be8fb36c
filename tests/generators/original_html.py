"""Model → one HTML page shaped like the original blog post.

Title and subtitle, the introduction, a table of contents, an `<h2>` per
section, each question a `<details>` (the question in `<summary>`, then the
page's "click the triangle" hint and the answer), the references and the
newsletter footer. Every formula is typeset server-side by KaTeX with its
HTML+MathML output, so the TeX stays in the annotation just as on the live
page. Section slugs and question ids ride along as the `h2` and `details` ids,
so readers/html_page.py gives back exactly the handbook written here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from pipeline.formats import EXPAND_HINT, REFERENCES_HEADING, TOC_HEADING
from pipeline.model import Block, Handbook, Inline, Question, Section, question_formulas
from pipeline.writers.html import HtmlStyle, blocks_html, pygments_block, title_html
from tests.generators.katex_html import render_html

KATEX_CSS = "https://cdn.jsdelivr.net/npm/katex@0.19.1/dist/katex.min.css"
FOOTER = "I write about AI, Biotech, and a bunch of other topics. Subscribe to get new posts by email!"

# A formula's place in sanitized HTML until KaTeX's markup (which the sanitizer
# would strip: MathML is not on its allow-list) is put there.
_SLOT = re.compile(r'<span class="katex-slot-(\d+)"></span>')


def _katex_html(render: Callable[[HtmlStyle], str]) -> str:
    """Sanitized HTML from `render`, then every formula typeset by KaTeX."""
    formulas: list[tuple[str, bool]] = []

    def slot(tex: str, display: bool) -> str:
        formulas.append((tex, display))
        marker = f'<span class="katex-slot-{len(formulas) - 1}"></span>'
        return f'<div class="math math-display">{marker}</div>' if display else marker

    style = HtmlStyle(
        inline_math=lambda tex: slot(tex, False),
        display_math=lambda tex: slot(tex, True),
        code_block=lambda code, language: pygments_block(code, language, inline_styles=True),
    )
    fragment = render(style)
    rendered = render_html(formulas)
    return _SLOT.sub(lambda match: rendered[int(match.group(1))], fragment)


def katex_blocks_html(blocks: tuple[Block, ...]) -> str:
    """Blocks as sanitized HTML with formulas typeset by KaTeX (HTML+MathML)."""
    return _katex_html(lambda style: blocks_html(blocks, style))


def katex_inlines_html(inlines: tuple[Inline, ...]) -> str:
    """Inlines (a question title) as sanitized HTML with formulas typeset by KaTeX."""
    return _katex_html(lambda style: title_html(inlines, style))


def _attribute(value: str) -> str:
    return html.escape(value, quote=True)


def _question_html(question: Question) -> str:
    return (
        f'<details id="{_attribute(question.id)}">\n'
        f"<summary>{katex_inlines_html(question.title)}</summary>\n"
        f'<p class="expand-hint">{html.escape(EXPAND_HINT)}</p>\n'
        f"{katex_blocks_html(question.answer)}\n"
        "</details>"
    )


def _section_html(section: Section) -> str:
    heading = f'<h2 id="{_attribute(section.slug)}">{html.escape(section.title)}</h2>'
    return "\n".join([heading, *(_question_html(q) for q in section.questions)])


def _contents_html(handbook: Handbook) -> str:
    items = "".join(
        f'<li><a href="#{_attribute(s.slug)}">{html.escape(s.title)}</a></li>' for s in handbook.sections
    )
    return f'<nav class="toc">\n<h2>{TOC_HEADING}</h2>\n<ul>{items}</ul>\n</nav>'


def _head_html(handbook: Handbook) -> str:
    meta = handbook.meta
    lines = [
        '<meta charset="utf-8">',
        f"<title>{html.escape(meta.title)}</title>",
        f'<link rel="stylesheet" href="{KATEX_CSS}">',
    ]
    if meta.author:
        lines.append(f'<meta name="author" content="{_attribute(meta.author)}">')
    if meta.source_url:
        lines.append(f'<link rel="canonical" href="{_attribute(meta.source_url)}">')
    return "\n".join(lines)


def _header_html(handbook: Handbook) -> str:
    meta = handbook.meta
    subtitle = f'\n<p class="subtitle">{html.escape(meta.subtitle)}</p>' if meta.subtitle else ""
    return f"<header>\n<h1>{html.escape(meta.title)}</h1>{subtitle}\n</header>"


def write_original_html(handbook: Handbook) -> str:
    """The handbook as one self-contained page shaped like the original post."""
    everything = [f for _, q in handbook.questions() for f in question_formulas(q)]
    render_html(everything)  # one batch through KaTeX; later calls hit its cache
    parts = [_header_html(handbook), katex_blocks_html(handbook.intro), _contents_html(handbook)]
    parts.extend(_section_html(section) for section in handbook.sections)
    if handbook.references:
        parts.append(f'<h2 id="references">{html.escape(REFERENCES_HEADING)}</h2>')
        parts.append(katex_blocks_html(handbook.references))
    body = "\n".join(part for part in parts if part)
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n{_head_html(handbook)}\n</head>\n<body>\n'
        f"<article>\n{body}\n</article>\n<footer><p>{html.escape(FOOTER)}</p></footer>\n"
        "</body>\n</html>\n"
    )
