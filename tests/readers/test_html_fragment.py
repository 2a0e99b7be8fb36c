"""HTML fragments → model: our own site markup, KaTeX markup, and hostile input."""

from __future__ import annotations

import html
import re
import sys

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from pipeline.model import (
    Block,
    Code,
    CodeBlock,
    DisplayMath,
    Link,
    ListBlock,
    Math,
    Paragraph,
    Quote,
    Table,
    Text,
    formulas,
)
from pipeline.readers.html_fragment import (
    MAX_BLOCK_DEPTH,
    fragment_blocks,
    fragment_inlines,
)
from pipeline.readers.markdown import read_section
from pipeline.writers.html import SITE_STYLE, blocks_html, pygments_block
from pipeline.writers.markdown import blocks_markdown
from tests.generators.katex_html import render_html
from tests.generators.original_html import katex_blocks_html
from tests.strategies import blocks

# --- generated documents -----------------------------------------------------


def canonical(generated: tuple[Block, ...]) -> tuple[Block, ...]:
    """What the canonical Markdown makes of generated blocks (the models we meet)."""
    text = f"# S\n\n## Q {{#q}}\n\n{blocks_markdown(generated)}\n"
    return read_section(text, "s").questions[0].answer


@st.composite
def documents(draw: st.DrawFn) -> tuple[Block, ...]:
    result = canonical(draw(blocks()))
    assume(result and canonical(result) == result)
    return result


# --- round trips -------------------------------------------------------------


_ARITHMATEX = re.compile(r'<(span|div) class="arithmatex">\\[(\[](.*?)\\[)\]]</\1>', re.S)


def _as_browser_shows(site_html: str) -> str:
    """Site HTML after KaTeX's auto-render has typeset the arithmatex elements."""
    matches = list(_ARITHMATEX.finditer(site_html))
    typeset = iter(render_html([(html.unescape(m.group(2)), m.group(1) == "div") for m in matches]))
    return _ARITHMATEX.sub(
        lambda m: f'<{m.group(1)} class="arithmatex">{next(typeset)}</{m.group(1)}>', site_html
    )


# One generated document, three markups of it (drawing documents is most of the time).
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
@example((Paragraph((Math("x"), Text("\t"), Math("y"), Text("  "), Code("z"))),))
@example((Paragraph((Text("a\u00a0"), Math("x"), Text("\u00a0b &amp; <i>"))),))
def test_every_markup_we_write_reads_back_as_the_same_blocks(generated: tuple[Block, ...]) -> None:
    site_html = blocks_html(generated, SITE_STYLE)
    assert fragment_blocks(site_html) == generated, "the site's markup"
    assert fragment_blocks(katex_blocks_html(generated)) == generated, "KaTeX markup (the original page's)"
    shown = _as_browser_shows(site_html)
    assert "arithmatex" not in shown or "katex" in shown
    assert fragment_blocks(shown) == generated, "the site's markup once KaTeX typeset it in the browser"


def test_katex_refusal_keeps_the_source() -> None:
    blocks_in = (Paragraph((Text("a "), Math(r"\frac{"))), DisplayMath(r"\badmacro{x"))
    html = katex_blocks_html(blocks_in)
    assert "katex-error" in html
    assert fragment_blocks(html) == blocks_in


def test_code_language_marker_survives_inline_styles() -> None:
    html = pygments_block("\n  x = 1\n\n", "python", inline_styles=True)
    assert fragment_blocks(html) == (CodeBlock("\n  x = 1\n\n", "python"),)


# --- other people's markup ---------------------------------------------------


@pytest.mark.parametrize(
    "html, expected",
    [
        ('<pre><code class="language-python">x = 1\n</code></pre>', CodeBlock("x = 1", "python")),
        (
            '<div class="gatsby-highlight" data-language="js"><pre class="language-js"><code>f()</code>'
            "</pre></div>",
            CodeBlock("f()", "js"),
        ),
        (
            '<div class="highlight-bash notranslate"><div class="highlight"><pre><span></span>ls\n'
            "</pre></div></div>",
            CodeBlock("ls", "bash"),
        ),
        ("<pre>\nplain\n</pre>", CodeBlock("plain", "text")),
        ('<pre class="language-none"><code>a<br>b</code></pre>', CodeBlock("a\nb", "text")),
    ],
)
def test_code_blocks_from_other_engines(html: str, expected: Block) -> None:
    assert fragment_blocks(html) == (expected,)


def test_browser_whitespace_rules() -> None:
    html = """
      <p>
        Some   text
        over <em>two</em>
        lines<br>
        and a break.&nbsp;
      </p>
      <ul>
        <li><p>loose</p>
            <p>item</p></li>
        <li>nested <ul><li>list</li></ul></li>
      </ul>
    """
    assert fragment_blocks(html) == (
        Paragraph((Text("Some   text over two lines and a break.\u00a0"),)),
        ListBlock(
            (
                (Paragraph((Text("loose"),)), Paragraph((Text("item"),))),
                (Paragraph((Text("nested"),)), ListBlock(((Paragraph((Text("list"),)),),))),
            )
        ),
    )


def test_display_math_alone_is_a_block_and_inline_otherwise() -> None:
    display = render_html([("x", True)])[0]
    assert fragment_blocks(f"<p>\n{display}\n</p>") == (DisplayMath("x"),)
    assert fragment_blocks(f"<p>see {display}</p>") == (Paragraph((Text("see "), Math("x"))),)
    assert fragment_blocks(f"loose {display} text") == (
        Paragraph((Text("loose "), Math("x"), Text(" text"))),
    )


def test_loose_text_between_blocks_becomes_paragraphs() -> None:
    html = "intro <b>bold</b><p>para</p>tail<blockquote>quoted<p>more</p></blockquote>"
    assert fragment_blocks(html) == (
        Paragraph((Text("intro bold"),)),
        Paragraph((Text("para"),)),
        Paragraph((Text("tail"),)),
        Quote((Paragraph((Text("quoted"),)), Paragraph((Text("more"),)))),
    )


def test_tables_without_thead_and_ragged_rows() -> None:
    html = "<table><tr><td>a</td><td>b</td></tr><tr><td>1</td></tr><tr><td>2</td><td>3</td><td>4</td></tr></table>"
    assert fragment_blocks(html) == (
        Table(((Text("a"),), (Text("b"),)), (((Text("1"),), ()), ((Text("2"),), (Text("3"),)))),
    )


def test_ordered_list_start_and_inlines() -> None:
    assert fragment_blocks('<ol start="7"><li>x</li></ol><ol start="bad"><li>y</li></ol>') == (
        ListBlock(((Paragraph((Text("x"),)),),), True, 7),
        ListBlock(((Paragraph((Text("y"),)),),), True, 1),
    )
    assert fragment_inlines("<p>a</p><p>b <code>c\nd</code></p>") == (Text("a b "), Code("c d"))


# --- hostile input -----------------------------------------------------------


HOSTILE = """
<p onclick="alert(1)">Hi<script>alert('script text')</script>
<img src=x onerror="alert('img')" alt="picture">
<a href="javascript:alert('js')">js link</a> <a href=" JAVASCRIPT:alert(2)">upper</a>
<a href="data:text/html,evil">data</a> <a href="https://ok.example/">ok</a></p>
<style>p { color: red }</style><iframe src="https://evil.example">frame text</iframe>
<noscript>noscript text</noscript><template><p>template text</p></template>
<!-- a comment --><svg><text>svg text</text></svg>
"""


def test_hostile_markup_keeps_only_content() -> None:
    result = fragment_blocks(HOSTILE)
    assert result == (
        Paragraph(
            (
                Text("Hi picture js link upper data "),
                Link((Text("ok"),), "https://ok.example/"),
            )
        ),
    )
    for gone in (
        "script text",
        "alert",
        "javascript",
        "frame text",
        "noscript",
        "template text",
        "comment",
        "svg text",
        "color",
    ):
        assert gone not in repr(result).lower()


def test_deep_nesting_does_not_crash() -> None:
    depth = 20 * sys.getrecursionlimit()  # far past any recursion: the walk must keep its own stack
    divs = "<div>" * depth + "<p>deep <b>text</b></p>" + "</div>" * depth
    assert fragment_blocks(divs) == (Paragraph((Text("deep text"),)),)
    spans = "<p>" + "<span>" * 20_000 + "x" + "</span>" * 20_000 + "</p>"
    assert fragment_blocks(spans) == (Paragraph((Text("x"),)),)
    quotes = "<blockquote>" * 200 + "q"  # unclosed, deeper than the block limit
    result = fragment_blocks(quotes)
    for _ in range(MAX_BLOCK_DEPTH):
        assert isinstance(result[0], Quote)
        result = result[0].blocks
    assert result == (Paragraph((Text("q"),)),)
    links = "<p>" + '<a href="https://x.example/">' * 1000 + "l</p>"
    assert fragment_blocks(links) == (Paragraph((Link((Text("l"),), "https://x.example/"),)),)


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   \n ",
        "<",
        "<p",
        "<p>unclosed <b>bold",
        "</p></div>",
        "<table><tr><td>x",
        "<ul><li>a<li>b",
        '<span class="katex">no annotation',
        '<div class="arithmatex">\\[x',
        "<pre",
        "<math><annotation encoding='application/x-tex'>y",
        "&bogus; &#xFFFFFF; &#0;",
    ],
)
def test_malformed_html_is_read_without_error(html: str) -> None:
    result = fragment_blocks(html)
    assert isinstance(result, tuple)
    assert all(isinstance(t, str) for t, _ in formulas(result))
