"""Canonical Markdown → model: the reader every later stage starts from.

markdown-it-py parses (CommonMark, GFM tables, dollar math); this module maps
its token stream onto the model, one small function per token type. Raw HTML
is never interpreted: markdown-it runs with `html` off, so `<script>` typed
into an answer stays text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin

from pipeline import inputs
from pipeline.errors import HandbookError
from pipeline.fileio import MARKER
from pipeline.formats import (
    BOM,
    FIGURE_STAMP,
    FIGURES_FOLDER,
    INDEX_FILE,
    INPUTS_STAMP,
    REFERENCES_HEADING,
    SECTION_FILE,
)
from pipeline.model import (
    FIGURE_SRC,
    Block,
    Code,
    CodeBlock,
    DisplayMath,
    Handbook,
    Heading,
    Image,
    Inline,
    Link,
    ListBlock,
    Math,
    Meta,
    Paragraph,
    Question,
    Quote,
    Section,
    Table,
    Text,
    handbook_images,
    plain_text,
    subheading_level,
)
from pipeline.sanitize import web_url
from pipeline.tex_allowlist import check_formulas

HEADING_ID = re.compile(r"\s*\{#([A-Za-z0-9_-]+)\}\s*$")
FRONT_MATTER_KEYS = ("title", "subtitle", "author", "source_url")
# Written into the folder beside the pages, never pages themselves: normalize's
# digest of its inputs (normalize.INPUTS_STAMP) and the owner marker (fileio).
STATE_FILES = frozenset({INPUTS_STAMP, MARKER})


def _parser() -> MarkdownIt:
    return (
        MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
        .use(dollarmath_plugin, allow_space=True, allow_digits=True, double_inline=False)
        .enable("table")
    )


PARSER = _parser()

# --- inlines ---------------------------------------------------------------


def _merge_text(inlines: list[Inline]) -> tuple[Inline, ...]:
    merged: list[Inline] = []
    for inline in inlines:
        if isinstance(inline, Text) and merged and isinstance(merged[-1], Text):
            merged[-1] = Text(merged[-1].text + inline.text)
        elif not (isinstance(inline, Text) and not inline.text):
            merged.append(inline)
    return tuple(merged)


def _inlines(children: list[Token]) -> tuple[Inline, ...]:
    stack: list[tuple[str, list[Inline]]] = [("", [])]
    for token in children:
        kind = token.type
        if kind == "link_open":
            stack.append((str(token.attrGet("href") or ""), []))
        elif kind == "link_close" and len(stack) > 1:
            url, inner = stack.pop()
            stack[-1][1].append(Link(_merge_text(inner), url))
        elif kind == "math_inline":
            stack[-1][1].append(Math(token.content))
        elif kind == "code_inline":
            stack[-1][1].append(Code(token.content))
        elif kind in ("softbreak", "hardbreak"):
            stack[-1][1].append(Text(" "))
        elif kind == "image":
            stack[-1][1].append(Text(token.content))
        elif kind in ("text", "html_inline"):
            stack[-1][1].append(Text(token.content))
    while len(stack) > 1:  # an unclosed link keeps its text
        _, inner = stack.pop()
        stack[-1][1].extend(inner)
    return _merge_text(stack[0][1])


# --- blocks ----------------------------------------------------------------


class _Tokens:
    """A cursor over a block token stream."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.position = 0

    def peek(self) -> Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def next(self) -> Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def until(self, closing: str) -> list[Token]:
        """The tokens up to (and consuming) the matching closing token."""
        opening = self.tokens[self.position - 1].type
        depth, start = 1, self.position
        while depth:
            token = self.next()
            depth += (token.type == opening) - (token.type == closing)
        return self.tokens[start : self.position - 1]


def _inline_of(tokens: list[Token]) -> tuple[Inline, ...]:
    parts: list[Inline] = []
    for token in tokens:
        if token.type == "inline":
            if parts:
                parts.append(Text(" "))
            parts.extend(_inlines(token.children or []))
    return _merge_text(parts)


def _list_items(tokens: list[Token], indent: int) -> tuple[tuple[Block, ...], ...]:
    """Each item's blocks; they are indented by its marker's width (`- `, `10. `)."""
    cursor, items = _Tokens(tokens), []
    while cursor.peek() is not None:
        token = cursor.next()
        if token.type == "list_item_open":
            width = len(token.info) + len(token.markup) + 1
            items.append(tuple(_blocks(cursor.until("list_item_close"), indent + width)))
    return tuple(items)


def _display_tex(content: str, indent: int) -> str:
    """A `$$` block's TeX, without the indentation of the list items it sits in
    (the math plugin keeps it)."""
    lines = content.split("\n")
    return "\n".join(line[indent:] if line[:indent].isspace() else line for line in lines).strip("\n")


def _table(tokens: list[Token]) -> Table:
    rows: list[tuple[tuple[Inline, ...], ...]] = []
    cursor = _Tokens(tokens)
    while cursor.peek() is not None:
        if cursor.next().type == "tr_open":
            cells, row = _Tokens(cursor.until("tr_close")), []
            while cells.peek() is not None:
                token = cells.next()
                if token.type in ("th_open", "td_open"):
                    row.append(_inline_of(cells.until(token.type.replace("open", "close"))))
            rows.append(tuple(row))
    return Table(rows[0], tuple(rows[1:])) if rows else Table((), ())


def _image(tokens: list[Token]) -> Image | None:
    """A paragraph that is one image and nothing else, as a figure."""
    children = tokens[0].children or [] if len(tokens) == 1 and tokens[0].type == "inline" else []
    if len(children) != 1 or children[0].type != "image":
        return None
    image = children[0]
    src = str(image.attrGet("src") or "")
    if not FIGURE_SRC.match(src):
        raise HandbookError(
            f"image {src!r}: a figure must be figures/<name>.svg, drawn by the book's figures/<name>.py"
        )
    alt = plain_text(_inlines(image.children or []))
    return Image(alt, src, str(image.attrGet("title") or ""))


def _block(token: Token, cursor: _Tokens, indent: int) -> Block | None:
    kind = token.type
    if kind == "paragraph_open":
        inner = cursor.until("paragraph_close")
        return _image(inner) or Paragraph(_inline_of(inner))
    if kind == "heading_open":  # h1 and h2 were split off: this is a sub-heading
        return Heading(subheading_level(int(token.tag[1:])), _inline_of(cursor.until("heading_close")))
    if kind == "math_block":
        return DisplayMath(_display_tex(token.content, indent))
    if kind in ("fence", "code_block"):
        return CodeBlock(token.content.removesuffix("\n"), token.info.strip() or "text")
    if kind == "bullet_list_open":
        return ListBlock(_list_items(cursor.until("bullet_list_close"), indent))
    if kind == "ordered_list_open":
        start = int(token.attrGet("start") or 1)
        return ListBlock(_list_items(cursor.until("ordered_list_close"), indent), True, start)
    if kind == "table_open":
        return _table(cursor.until("table_close"))
    if kind == "blockquote_open":
        return Quote(tuple(_blocks(cursor.until("blockquote_close"), indent)))
    if kind == "html_block":
        return Paragraph((Text(token.content.strip()),))
    return None


def _blocks(tokens: list[Token], indent: int = 0) -> Iterator[Block]:
    cursor = _Tokens(tokens)
    while cursor.peek() is not None:
        block = _block(cursor.next(), cursor, indent)
        if block is not None:
            yield block


# --- files -----------------------------------------------------------------


def _split_headings(tokens: list[Token], level: str) -> Iterator[tuple[Token | None, list[Token]]]:
    """(heading inline token or None, body tokens) for each heading of `level`."""
    heading: Token | None = None
    body: list[Token] = []
    position = 0
    while position < len(tokens):
        token = tokens[position]
        if token.type == "heading_open" and token.tag == level:
            yield heading, body
            heading, body = tokens[position + 1], []
            position += 3
            continue
        body.append(token)
        position += 1
    yield heading, body


def _question(heading: Token, body: list[Token], where: str) -> Question:
    title = list(_inlines(heading.children or []))
    last = title[-1] if title else None
    match = HEADING_ID.search(last.text) if isinstance(last, Text) else None
    if match is None or not isinstance(last, Text):
        raise HandbookError(f"{where}: question heading {heading.content!r} has no {{#id}}")
    rest = last.text[: match.start()]
    title[-1:] = [Text(rest)] if rest else []
    return Question(match.group(1), _merge_text(title), tuple(_blocks(body)))


def read_section(text: str, slug: str, where: str = "<section>") -> Section:
    tokens = PARSER.parse(text)
    if not tokens or tokens[0].type != "heading_open" or tokens[0].tag != "h1":
        raise HandbookError(f"{where}: a section file must start with `# Title`")
    title = "".join(i.text for i in _inlines(tokens[1].children or []) if isinstance(i, Text))
    parts = list(_split_headings(tokens[3:], "h2"))[1:]
    return Section(slug, title, tuple(_question(h, body, where) for h, body in parts if h))


def _front_matter(text: str, where: str) -> tuple[dict[str, str], str]:
    match = re.match(r"^---\n(.*?)\n---\n", text, re.S)
    if not match:
        raise HandbookError(f"{where}: missing the `---` front matter (title, author, source_url)")
    fields = {}
    for line in match.group(1).splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key not in FRONT_MATTER_KEYS:
            raise HandbookError(
                f"{where}: unknown front matter key {key!r} (known: {', '.join(FRONT_MATTER_KEYS)})"
            )
        try:
            fields[key] = json.loads(value.strip())
        except json.JSONDecodeError:
            raise HandbookError(f"{where}: front matter line {line!r} needs a quoted value") from None
        if not isinstance(fields[key], str) or not inputs.is_text(fields[key]):
            raise HandbookError(f"{where}: front matter {key!r} must be a quoted string of text")
    return fields, text[match.end() :]


def read_index(text: str, where: str = INDEX_FILE) -> tuple[Meta, tuple[Block, ...], tuple[Block, ...]]:
    fields, body = _front_matter(text.removeprefix(BOM), where)
    source_url = fields.get("source_url", "")
    if source_url and web_url(source_url) is None:
        raise HandbookError(f"{where}: source_url {source_url!r} is not an http(s) address")
    meta = Meta(
        title=fields.get("title", ""),
        subtitle=fields.get("subtitle", ""),
        author=fields.get("author", ""),
        source_url=source_url,
    )
    parts = list(_split_headings(PARSER.parse(body), "h2"))
    intro = tuple(_blocks(parts[0][1]))
    references = next(
        (tuple(_blocks(b)) for h, b in parts[1:] if h is not None and h.content == REFERENCES_HEADING),
        (),
    )
    return meta, intro, references


def read_files(files: dict[str, str], where: str = "") -> Handbook:
    """Read canonical Markdown given as file name → content (index.md plus NN-slug.md)."""
    if INDEX_FILE not in files:
        raise HandbookError(f"{where}{INDEX_FILE} is missing: run `handbook normalize` to recreate it")
    meta, intro, references = read_index(files[INDEX_FILE], where + INDEX_FILE)
    names = _section_names(files, where)
    sections = tuple(
        read_section(files[name].removeprefix(BOM), _section_slug(name), where + name) for name in names
    )
    _check_unique_ids(sections, names, where)
    handbook = Handbook(meta, intro, sections, references)
    check_formulas(handbook)  # the site and the decks read the handbook through here
    return handbook


def _section_names(files: dict[str, str], where: str) -> list[str]:
    """The section files in order; numbered 01, 02, … as the writer numbers them."""
    names = sorted((n for n in files if SECTION_FILE.match(n)), key=lambda n: (int(n.split("-")[0]), n))
    if not names:
        raise HandbookError(f"{where or 'the handbook'} has no section files (NN-slug.md)")
    for number, name in enumerate(names, start=1):
        slug = _section_slug(name)
        if name != f"{number:02d}-{slug}.md":
            raise HandbookError(
                f"{where}{name}: section files must be numbered 01, 02, … in order "
                f"(expected {number:02d}-{slug}.md here)"
            )
    return names


def _section_slug(name: str) -> str:
    """The slug of a section file's name (one `_section_names` found)."""
    match = SECTION_FILE.match(name)
    assert match is not None
    return match.group(2)


def _check_unique_ids(sections: tuple[Section, ...], names: list[str], where: str) -> None:
    """One id, one question: ids are HTML ids on the site and note identities in Anki."""
    seen: dict[str, tuple[str, Question]] = {}
    for name, section in zip(names, sections, strict=True):
        for question in section.questions:
            if question.id.startswith("__") or question.id == f"section-{section.slug}":
                raise HandbookError(
                    f"{where}{name}: question id {question.id!r} is taken by the page itself "
                    "(its heading, or the theme's `__` ids): choose another"
                )
            if question.id in seen:
                first_name, first = seen[question.id]
                raise HandbookError(
                    f"{where}{name}: question id {question.id!r} is used twice: "
                    f"{plain_text(first.title)!r} ({first_name}) and {plain_text(question.title)!r} ({name})"
                )
            seen[question.id] = (name, question)


def read_markdown(directory: Path, *, figures: bool = True) -> Handbook:
    """Read a folder of canonical Markdown (index.md plus NN-slug.md files).

    Only what the Markdown writer (and normalize) put there may be in it: any
    other file would be published by MkDocs as it is, so it is an error. Each
    figure shown must be in `figures/` (unless `figures` is false: the build
    reads the pages before it draws them).
    """
    if not directory.is_dir():
        raise HandbookError(f"no canonical Markdown in {directory}: run `handbook normalize` first")
    files = {}
    for path in sorted(directory.iterdir()):
        if path.name in STATE_FILES:
            continue
        if path.name == FIGURES_FOLDER and path.is_dir() and not path.is_symlink():
            continue
        if not (path.name == INDEX_FILE or SECTION_FILE.match(path.name)):
            raise HandbookError(
                f"{path} is not a handbook page (index.md or NN-slug.md): "
                "move it out of the folder, the site would publish it"
            )
        if path.is_symlink() or not path.is_file():
            raise HandbookError(f"{path} is not a regular file")
        files[path.name] = _read(path)
    handbook = read_files(files, f"{directory}/")
    if figures:
        _check_figures(directory / FIGURES_FOLDER, {image.name for image in handbook_images(handbook)})
    return handbook


def _check_figures(folder: Path, shown: set[str]) -> None:
    """Every figure the pages show is there; nothing else is (MkDocs would publish it)."""
    present = set()
    for path in sorted(folder.iterdir()) if folder.is_dir() else ():
        if path.name == FIGURE_STAMP:
            continue
        if not path.name.endswith(".svg") or path.is_symlink() or not path.is_file():
            raise HandbookError(
                f"{path} is not a figure (figures/<name>.svg): move it out of the folder, the site would publish it"
            )
        present.add(path.name.removesuffix(".svg"))
    missing = sorted(shown - present)
    if missing:
        raise HandbookError(
            f"{folder}/{missing[0]}.svg is missing: its script figures/{missing[0]}.py in the book's folder draws it "
            "(run `handbook build`)"
        )


def _read(path: Path) -> str:
    return inputs.read_text(path, inputs.MARKDOWN)
