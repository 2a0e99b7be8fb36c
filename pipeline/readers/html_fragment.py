"""HTML → model, for fragments: the one converter every HTML reader shares.

It reads what our own writers emit (arithmatex math, Pygments code) and what a
browser or a blog engine shows (KaTeX markup, `pre > code`, Prism classes), and
keeps only the content: text, formulas, code, lists, tables, quotes and safe
links. Everything else is dropped on the way in, so script text or a
`javascript:` URL can never reach the model.

Rules worth knowing:

- Formulas: a `.katex` element gives `Math` from its
  `annotation[encoding="application/x-tex"]` (a `.katex-error` from its text);
  `.katex-display`, `div.arithmatex` (holding `\\[tex\\]` or KaTeX markup) and
  `.math-display` are display math, which becomes a `DisplayMath` block when it
  stands alone in its paragraph and `Math` otherwise. `span.arithmatex` and
  `.math-inline` hold `\\(tex\\)` (or `$tex$`) or KaTeX markup.
- Headings: `h1`–`h6` inside a fragment are sub-headings (`Heading`, level 3
  to 6: the section and question levels above belong to the page).
- Code blocks: `<pre>`; the language comes from a `language-x`, `lang-x` or
  `highlight-x` class or a `data-language` attribute on the pre, its `code`
  child, or the two elements around it (the site's and the cards' `language-x`).
  The code is the pre's text minus one final newline.
- Whitespace: a run of spaces that holds a line break is source formatting and
  becomes one space (like a browser); block edges are trimmed; other spaces,
  tabs and non-breaking spaces are kept as they are. Text inside formulas and
  code is never touched.
- Nesting: inline content is walked with an explicit stack, so any depth is
  fine; block containers nested deeper than `MAX_BLOCK_DEPTH` are read as one
  paragraph of their content.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import unquote

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString, PageElement, PreformattedString
from markdown_it.common.normalize_url import normalizeLink

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
    merge_text,
    subheading_level,
)
from pipeline.sanitize import safe_url

# --- vocabulary --------------------------------------------------------------

# Never content: their text is dropped with them.
DROPPED_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "iframe",
        "frame",
        "frameset",
        "template",
        "object",
        "embed",
        "applet",
        "svg",
        "canvas",
        "audio",
        "video",
        "head",
        "title",
        "meta",
        "link",
        "base",
        "button",
        "form",
        "input",
        "select",
        "textarea",
        "option",
        "dialog",
    }
)
# Hold blocks: their children are read as blocks.
CONTAINER_TAGS = frozenset(
    {
        "html",
        "body",
        "div",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "aside",
        "nav",
        "figure",
        "details",
        "center",
        "address",
        "hgroup",
        "fieldset",
        "dl",
    }
)
# Sub-headings inside an answer (levels 1 and 2 are read as the deepest model level allows).
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Hold one paragraph of inlines.
PARAGRAPH_TAGS = HEADING_TAGS | frozenset(
    {
        "p",
        "dt",
        "dd",
        "figcaption",
        "summary",
        "caption",
        "legend",
        "li",
        "tr",
        "td",
        "th",
        "thead",
        "tbody",
        "tfoot",
    }
)
LIST_TAGS = frozenset({"ul", "ol"})
# Start a new line in running text: inside a list item or a cell they become a space.
BLOCK_TAGS = CONTAINER_TAGS | PARAGRAPH_TAGS | LIST_TAGS | {"table", "blockquote", "pre", "hr", "br"}
TEX_ENCODING = "application/x-tex"
LANGUAGE_CLASS = re.compile(r"^(?:language|lang|highlight(?:-source)?)-(.+)$")
LANGUAGE_ATTRIBUTES = ("data-language", "data-lang")
NO_LANGUAGE = frozenset({"", "none", "plain", "nohighlight"})
LINE_NUMBER_CLASSES = frozenset({"linenos", "lineno", "linenodiv"})
MAX_BLOCK_DEPTH = 64

# Whitespace as HTML means it (not Unicode's: a non-breaking space is text).
_FORMATTING_SPACE = re.compile(r"[ \t\n\r\f]*[\n\r\f][ \t\n\r\f]*")
_HTML_SPACE = " \t\n\r\f"
_BREAK = "\n"  # stands for a line break until whitespace is settled


@dataclass(frozen=True)
class _Display:
    """A display formula met in running text; a block if it stands alone."""

    tex: str


_Item = Inline | _Display

# --- entry points ------------------------------------------------------------


def parse_html(html: str) -> BeautifulSoup:
    """A forgiving parse (Python's html.parser: no C dependency, no recursion).

    Beautiful Soup would squash every whitespace-only string to one space or
    newline; preserving whitespace from the document root down keeps a tab or
    two spaces between two formulas, and this module applies the browser's
    rules itself.
    """
    keep = {"pre", "textarea", BeautifulSoup.ROOT_TAG_NAME}
    return BeautifulSoup(html, "html.parser", preserve_whitespace_tags=keep)


def fragment_blocks(html: str) -> tuple[Block, ...]:
    """The blocks an HTML fragment holds."""
    return blocks_of(parse_html(html).contents)


def fragment_inlines(html: str) -> tuple[Inline, ...]:
    """The inlines an HTML fragment holds, as one line (blocks run together)."""
    return inlines_of(parse_html(html).contents)


def blocks_of(nodes: Iterable[PageElement], depth: int = 0) -> tuple[Block, ...]:
    """Sibling nodes (say, a tag's `.contents`) as blocks."""
    blocks: list[Block] = []
    run: list[PageElement] = []
    for node in list(nodes):
        if isinstance(node, Tag) and is_dropped(node):
            continue
        if isinstance(node, Tag) and _is_block(node):
            blocks.extend(_paragraphs(run))
            run = []
            blocks.extend(element_blocks(node, depth))
        else:
            run.append(node)
    blocks.extend(_paragraphs(run))
    return tuple(blocks)


def inlines_of(nodes: Iterable[PageElement]) -> tuple[Inline, ...]:
    """Sibling nodes as one trimmed line of inlines."""
    return tuple(_as_inline(i) for i in _trim(_inline_items(nodes)))


def element_inlines(tag: Tag) -> tuple[Inline, ...]:
    """One element's content as a trimmed line of inlines (a title, a cell)."""
    return inlines_of(tag.contents)


def element_blocks(tag: Tag, depth: int = 0) -> tuple[Block, ...]:
    """One element as the blocks it stands for (none if it is dropped)."""
    name = tag.name
    if is_dropped(tag) or name == "br":
        return ()
    if _math_of(tag) is not None:
        return _paragraphs([tag])
    if name == "pre":
        return (code_block(tag),)
    if name == "table":
        return _table_blocks(tag)
    if name in HEADING_TAGS:
        return _heading_blocks(tag)
    if depth >= MAX_BLOCK_DEPTH:
        return _paragraphs([tag])
    if name in LIST_TAGS:
        return (list_block(tag, depth),)
    if name == "blockquote":
        return (Quote(blocks_of(tag.contents, depth + 1)),)
    if name == "figure" and FIGURE_CLASS in _classes(tag) and tag.find("img") is not None:
        return (figure_block(tag),)
    if name in CONTAINER_TAGS:
        return blocks_of(tag.contents, depth + 1)
    return _paragraphs([tag])


# --- blocks ------------------------------------------------------------------


def _is_block(tag: Tag) -> bool:
    if _math_of(tag) is not None:
        return tag.name == "div"
    return tag.name in BLOCK_TAGS


def _paragraphs(nodes: list[PageElement]) -> tuple[Block, ...]:
    """Running content as a paragraph, or a display formula standing alone."""
    items = _trim(_inline_items(nodes))
    if not items:
        return ()
    if len(items) == 1 and isinstance(items[0], _Display):
        return (DisplayMath(items[0].tex),)
    return (Paragraph(tuple(_as_inline(i) for i in items)),)


def _heading_blocks(tag: Tag) -> tuple[Block, ...]:
    """A heading element as a sub-heading (h1 and h2 become the shallowest sub-heading level)."""
    inlines = inlines_of(tag.contents)
    return (Heading(subheading_level(int(tag.name[1])), inlines),) if inlines else ()


def figure_block(figure: Tag) -> Image:
    """One of our figures; its file, wherever the page or card keeps it, named as in the Markdown.

    The site links `…/figures/<name>.svg`, a deck `<name>.<digest>.svg`: a figure's
    name holds no dot, so it is the file name up to the first one.
    """
    img = figure.find("img")
    src = str(img.get("src") or "") if isinstance(img, Tag) else ""
    name = unquote(src.rsplit("/", 1)[-1]).split(".", 1)[0]
    alt = img.get("alt") if isinstance(img, Tag) else ""
    caption = figure.find("figcaption")
    text = _one_line(_text(caption, line_break=" ")).strip(_HTML_SPACE) if isinstance(caption, Tag) else ""
    return Image(alt if isinstance(alt, str) else "", f"{FIGURES_FOLDER}/{name}.svg", text)


def code_block(pre: Tag) -> CodeBlock:
    """A `<pre>` as code; its language from the markup around it."""
    return CodeBlock(_pre_text(pre), code_language(pre))


def code_language(pre: Tag) -> str:
    code = pre.find("code", recursive=False)
    candidates = [pre, code, pre.parent, pre.parent.parent if pre.parent else None]
    for tag in candidates:
        if isinstance(tag, Tag):
            language = _language_mark(tag)
            if language is not None:
                return language
    return "text"


def _language_mark(tag: Tag) -> str | None:
    for attribute in LANGUAGE_ATTRIBUTES:
        value = tag.get(attribute)
        if isinstance(value, str) and value.strip():
            return _language_name(value.strip())
    for css_class in _classes(tag):
        match = LANGUAGE_CLASS.match(css_class)
        if match:
            return _language_name(unquote(match.group(1)))
    return None


def _language_name(name: str) -> str:
    return "text" if name.lower() in NO_LANGUAGE else name


def _pre_text(pre: Tag) -> str:
    text = _text(pre, line_break="\n")
    first = pre.contents[0] if pre.contents else None
    if isinstance(first, NavigableString) and str(first).startswith("\n"):
        text = text[1:]  # HTML ignores a newline right after <pre>
    return text.removesuffix("\n")


def list_block(tag: Tag, depth: int = 0) -> ListBlock:
    """A list; each item's blocks: its line, and a list nested in it."""
    items = []
    for child in tag.children:
        if isinstance(child, Tag) and not is_dropped(child):
            items.append(blocks_of(child.contents if child.name == "li" else [child], depth + 1))
        elif is_text(child) and str(child).strip(_HTML_SPACE):
            items.append(blocks_of([child], depth + 1))
    if tag.name == "ol":
        return ListBlock(tuple(items), True, _start(tag.get("start")))
    return ListBlock(tuple(items))


def _start(value: object) -> int:
    text = value.strip() if isinstance(value, str) else ""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else 1


def _table_blocks(tag: Tag) -> tuple[Block, ...]:
    if "highlighttable" in _classes(tag):  # Pygments with line numbers
        cell = tag.find("td", class_="code")
        pre = cell.find("pre") if isinstance(cell, Tag) else None
        if isinstance(pre, Tag):
            return (code_block(pre),)
    table = table_block(tag)
    return (table,) if table.header else ()


def table_block(tag: Tag) -> Table:
    """Rows of a table (its own, not nested tables'); the first row is the header."""
    rows: list[tuple[tuple[Inline, ...], ...]] = []
    for row in _rows(tag):
        cells = [c for c in row.children if isinstance(c, Tag) and c.name in ("th", "td")]
        rows.append(tuple(inlines_of(c.contents) for c in cells))
    rows = [r for r in rows if r]
    if not rows:
        return Table((), ())
    header = rows[0]
    width = len(header)
    body = tuple((r + ((),) * width)[:width] for r in rows[1:])
    return Table(header, body)


def _rows(table: Tag) -> Iterator[Tag]:
    for child in table.children:
        if isinstance(child, Tag):
            if child.name == "tr":
                yield child
            elif child.name in ("thead", "tbody", "tfoot"):
                yield from (r for r in child.children if isinstance(r, Tag) and r.name == "tr")


# --- inlines -----------------------------------------------------------------


@dataclass
class _Frame:
    """One open element while walking inline content."""

    children: Iterator[PageElement]
    items: list[_Item]
    url: str | None = None  # set for a link: its items become the link's children
    block: bool = False  # a block element: a line break on each side
    in_link: bool = False  # links do not nest: an inner link is read as its text


def _inline_items(nodes: Iterable[PageElement]) -> list[_Item]:
    """Inline content in document order, walked without recursion."""
    top: list[_Item] = []
    stack = [_Frame(iter(list(nodes)), top)]
    while stack:
        frame = stack[-1]
        node = next(frame.children, None)
        if node is None:
            stack.pop()
            _close(frame, stack[-1].items if stack else top)
            continue
        if is_text(node):
            frame.items.append(Text(str(node)))
        elif isinstance(node, Tag):
            opened = _inline_element(node, frame.items, frame.in_link)
            if opened is not None:
                stack.append(opened)
    return _tidy(top)


def _close(frame: _Frame, parent: list[_Item]) -> None:
    if frame.url is not None:
        children = _tidy(frame.items)
        if children:
            parent.append(Link(tuple(_as_inline(i) for i in children), frame.url))
    elif frame.block:
        frame.items.append(Text(_BREAK))


def _inline_element(tag: Tag, items: list[_Item], in_link: bool) -> _Frame | None:
    """Append what `tag` stands for to `items`; or return a frame to walk into it."""
    name = tag.name
    if is_dropped(tag):
        return None
    math = _math_of(tag)
    if math is not None:
        tex, display = math
        if tex.strip():  # a formula without TeX (a bare <math> of markup) holds nothing to keep
            items.append(_Display(tex) if display else Math(tex))
    elif name == "br":
        items.append(Text(_BREAK))
    elif name == "code":
        items.append(Code(_one_line(_text(tag, line_break=" "))))
    elif name == "pre":  # a code block inside a list item or a cell
        items.extend([Text(_BREAK), Code(_one_line(_pre_text(tag))), Text(_BREAK)])
    elif name == "img":
        alt = tag.get("alt")
        if isinstance(alt, str):
            items.append(Text(alt))
    else:
        href = tag.get("href")
        url = safe_url(href) if name == "a" and not in_link and isinstance(href, str) else None
        if url is not None:  # in the form canonical Markdown reads it back in (percent-encoded)
            return _Frame(iter(list(tag.children)), [], url=normalizeLink(url), in_link=True)
        block = name in BLOCK_TAGS
        if block:
            items.append(Text(_BREAK))
        return _Frame(iter(list(tag.children)), items, block=block, in_link=in_link)
    return None


def _tidy(items: list[_Item]) -> list[_Item]:
    """Adjacent text merged, formatting whitespace collapsed, no empty text."""
    merged: list[_Item] = merge_text(items)
    tidy: list[_Item] = []
    for item in merged:
        if isinstance(item, Text):
            item = Text(_FORMATTING_SPACE.sub(" ", item.text))
            if not item.text:
                continue
        tidy.append(item)
    return tidy


def _trim(items: list[_Item]) -> list[_Item]:
    """No HTML whitespace at the edges of a block's line."""
    items = list(items)
    if items and isinstance(items[0], Text):
        items[0] = Text(items[0].text.lstrip(_HTML_SPACE))
    if items and isinstance(items[-1], Text):
        items[-1] = Text(items[-1].text.rstrip(_HTML_SPACE))
    return [i for i in items if not (isinstance(i, Text) and not i.text)]


def _as_inline(item: _Item) -> Inline:
    return Math(item.tex) if isinstance(item, _Display) else item


# --- formulas ----------------------------------------------------------------


def _math_of(tag: Tag) -> tuple[str, bool] | None:
    """(tex, display) if `tag` is a formula in KaTeX or arithmatex markup."""
    classes = _classes(tag)
    if "katex-display" in classes:
        return _katex_tex(tag), True
    if "katex" in classes or "katex-error" in classes:
        return _katex_tex(tag), False
    if "arithmatex" in classes or "math-display" in classes or "math-inline" in classes:
        display = (
            "math-display" in classes
            or (tag.name == "div" and "math-inline" not in classes)
            or tag.find(class_="katex-display") is not None
        )
        return _katex_tex(tag), display
    if tag.name == "math":
        return _katex_tex(tag), tag.get("display") == "block"
    return None


def _katex_tex(tag: Tag) -> str:
    """The TeX in KaTeX's annotation, a failed formula's source, or the delimited text."""
    annotation = tag.find("annotation", attrs={"encoding": TEX_ENCODING})
    if isinstance(annotation, Tag):
        return _text(annotation, line_break="\n")
    error = tag if "katex-error" in _classes(tag) else tag.find(class_="katex-error")
    if isinstance(error, Tag):
        return _text(error, line_break="\n")
    return _strip_delimiters(_text(tag, line_break="\n"))


def _strip_delimiters(text: str) -> str:
    body = text.strip(_HTML_SPACE)
    for opening, closing in (("\\(", "\\)"), ("\\[", "\\]"), ("$$", "$$"), ("$", "$")):
        fits = len(body) >= len(opening) + len(closing)
        if fits and body.startswith(opening) and body.endswith(closing):
            return body[len(opening) : len(body) - len(closing)]
    return body


# --- small helpers -----------------------------------------------------------


def _classes(tag: Tag) -> list[str]:
    value = tag.get("class")
    if isinstance(value, str):
        return value.split()
    return list(value or [])


def is_dropped(tag: Tag) -> bool:
    """Never content: scripts, styles, frames, forms, line numbers."""
    return tag.name in DROPPED_TAGS or bool(LINE_NUMBER_CLASSES.intersection(_classes(tag)))


def _one_line(text: str) -> str:
    """Inline code keeps its spaces; a line break in it is shown as a space."""
    return re.sub(r"\r\n|[\n\r]", " ", text)


def is_text(node: object) -> bool:
    """Real text, not a comment, doctype, CDATA or processing instruction."""
    return isinstance(node, NavigableString) and not isinstance(node, PreformattedString)


def _text(tag: Tag, line_break: str) -> str:
    """The text under `tag` (dropped elements skipped), walked without recursion."""
    parts: list[str] = []
    stack: list[Iterator[PageElement]] = [iter(list(tag.children))]
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
        elif is_text(node):
            parts.append(str(node))
        elif isinstance(node, Tag) and not is_dropped(node):
            if node.name == "br":
                parts.append(line_break)
            else:
                stack.append(iter(list(node.children)))
    return "".join(parts)
