"""Model → canonical Markdown, the reviewed and editable source of truth.

The format is a contract (see README.md, "Canonical Markdown"): one file per
section `NN-<slug>.md` starting with `# Title`, each question a
`## Question {#id}` heading with its answer below (sub-headings `###`),
`$...$` and `$$` math, fenced code with a language, GFM tables, `-` and `1.`
lists, figures `![alt](figures/name.svg "caption")`, and `index.md` holding the handbook's metadata, introduction and
references. Every paragraph
and list item is one line, so the output is the same whatever the input's
line wrapping, and reading it back gives the same model.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import assert_never

from pipeline.fileio import replaced_dir
from pipeline.formats import FIGURES_FOLDER, INDEX_FILE, REFERENCES_HEADING, section_filename
from pipeline.model import (
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
    Paragraph,
    Question,
    Quote,
    Section,
    Table,
    Text,
)

# Characters that would start markup anywhere in a line.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>$&])")
# What would turn the start of a line into a heading, quote, list or code.
_LINE_START_SPECIAL = re.compile(r"^(>|#(?=[#\s]|$)|[-+](?=\s|$)|~~~)")
_ORDERED_MARKER = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")


def escape_text(text: str, *, in_table: bool = False) -> str:
    escaped = _INLINE_SPECIAL.sub(r"\\\1", text)
    return escaped.replace("|", r"\|") if in_table else escaped


def escape_line_start(line: str) -> str:
    """Keep a paragraph's first characters from being read as block markup."""
    line = _LINE_START_SPECIAL.sub(r"\\\1", line)
    return _ORDERED_MARKER.sub(r"\1\\\2", line)


def _code_span(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or text.startswith(" ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _link_target(url: str) -> str:
    if re.search(r"[\s()<>]", url):
        return "<" + url.replace("<", "%3C").replace(">", "%3E") + ">"
    return url


def inline_markdown(inline: Inline, *, in_table: bool = False) -> str:
    match inline:
        case Text():
            return escape_text(inline.text, in_table=in_table)
        case Math():
            tex = inline.tex.replace("|", r"\|") if in_table else inline.tex
            return f"${tex}$"
        case Code():
            return _code_span(inline.text)
        case Link():
            label = inlines_markdown(inline.children, in_table=in_table)
            return f"[{label}]({_link_target(inline.url)})"
        case _:
            assert_never(inline)


def inlines_markdown(inlines: tuple[Inline, ...], *, in_table: bool = False) -> str:
    parts: list[str] = []
    for inline in inlines:
        if isinstance(inline, Link) and parts and parts[-1].endswith("!"):
            parts[-1] = parts[-1][:-1] + "\\!"  # `![...](...)` would be an image
        parts.append(inline_markdown(inline, in_table=in_table))
    line = "".join(parts)
    # A trailing escaped backslash as an entity: dollarmath's escape check wraps
    # around to the end of the line and would take a leading `$` for `\$`.
    return line[:-2] + "&#92;" if line.endswith("\\\\") else line


def _line(inlines: tuple[Inline, ...]) -> str:
    return escape_line_start(inlines_markdown(inlines))


# A run of `#` ending a heading after a space (or alone) would be read as its closing sequence.
_CLOSING_HASHES = re.compile(r"(?:(?<=\s)|^)(#+)$")


def _heading_markdown(block: Heading) -> str:
    text = _CLOSING_HASHES.sub(r"\\\1", inlines_markdown(block.inlines))
    return f"{'#' * block.level} {text}"


def _fence(code: str) -> str:
    longest = max((len(run) for run in re.findall(r"^`{3,}", code, re.M)), default=2)
    return "`" * (longest + 1)


def _list_markdown(block: ListBlock, variant: int) -> str:
    """An item a line; what an item holds after its line is indented under it. The list
    is tight (no blank lines) where every item is its line and lists that may follow a
    line directly (an ordered one must start at 1), else loose."""
    tight = all(map(_tight, block.items))
    items = []
    for number, item in enumerate(block.items, start=block.start):
        if block.ordered:
            marker = f"{number}{')' if variant else '.'}"
        else:
            marker = "*" if variant else "-"
        first, *rest = blocks_markdown(item, "\n" if tight else "\n\n").split("\n")
        indent = " " * (len(marker) + 1)
        items.append(
            "\n".join([f"{marker} {first}".rstrip(), *(indent + line if line else "" for line in rest)])
        )
    return ("\n" if tight else "\n\n").join(items)


def _tight(item: tuple[Block, ...]) -> bool:
    lists = item[1:] if item and isinstance(item[0], Paragraph) else item
    return all(isinstance(b, ListBlock) and (not b.ordered or b.start == 1) for b in lists)


def _table_markdown(block: Table) -> str:
    def row(cells: tuple[tuple[Inline, ...], ...]) -> str:
        return "| " + " | ".join(inlines_markdown(c, in_table=True) for c in cells) + " |"

    rule = "| " + " | ".join("---" for _ in block.header) + " |"
    return "\n".join([row(block.header), rule, *(row(r) for r in block.rows)])


def _image_markdown(block: Image) -> str:
    """`![alt](src "caption")`, a paragraph of its own (the reader's Image block)."""
    caption = block.caption.replace("\\", "\\\\").replace('"', '\\"')
    title = f' "{caption}"' if caption else ""
    return f"![{escape_text(block.alt)}]({_link_target(block.src)}{title})"


def block_markdown(block: Block, variant: int = 0) -> str:
    match block:
        case Paragraph():
            return _line(block.inlines)
        case Heading():
            return _heading_markdown(block)
        case DisplayMath():
            return f"$$\n{block.tex}\n$$"
        case CodeBlock():
            fence = _fence(block.code)
            return f"{fence}{block.language}\n{block.code}\n{fence}"
        case ListBlock():
            return _list_markdown(block, variant)
        case Table():
            return _table_markdown(block)
        case Image():
            return _image_markdown(block)
        case Quote():
            inner = blocks_markdown(block.blocks)
            return "\n".join(f"> {line}" if line else ">" for line in inner.split("\n"))
        case _:
            assert_never(block)


def blocks_markdown(blocks: tuple[Block, ...], separator: str = "\n\n") -> str:
    """Blocks separated by blank lines (a tight list item's: by line breaks); adjacent
    lists of one kind get another marker."""
    parts = []
    previous: Block | None = None
    variant = 0
    for block in blocks:
        same_list = (
            isinstance(block, ListBlock)
            and isinstance(previous, ListBlock)
            and block.ordered == previous.ordered
        )
        variant = 1 - variant if same_list else 0
        parts.append(block_markdown(block, variant))
        previous = block
    return separator.join(parts)


def question_markdown(question: Question) -> str:
    heading = f"## {_line(question.title)} {{#{question.id}}}"
    answer = blocks_markdown(question.answer)
    return f"{heading}\n\n{answer}" if answer else heading


def section_markdown(section: Section) -> str:
    parts = [f"# {escape_line_start(escape_text(section.title))}"]
    parts.extend(question_markdown(q) for q in section.questions)
    return "\n\n".join(parts) + "\n"


def index_markdown(handbook: Handbook) -> str:
    meta = handbook.meta
    fields = {
        "title": meta.title,
        "subtitle": meta.subtitle,
        "author": meta.author,
        "source_url": meta.source_url,
    }
    front = "\n".join(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in fields.items())
    parts = [f"---\n{front}\n---"]
    if handbook.intro:
        parts.append(blocks_markdown(handbook.intro))
    if handbook.references:
        parts.append(f"## {REFERENCES_HEADING}")
        parts.append(blocks_markdown(handbook.references))
    return "\n\n".join(parts) + "\n"


def markdown_files(handbook: Handbook) -> dict[str, str]:
    """File name → content, for the whole handbook."""
    files = {INDEX_FILE: index_markdown(handbook)}
    for number, section in enumerate(handbook.sections, start=1):
        files[section_filename(number, section)] = section_markdown(section)
    return files


WRITER = "handbook normalize"  # names the folder's owner in its marker (pipeline.fileio)


def write_files(
    files: dict[str, str | bytes], directory: Path, *, force: bool = False, own: Path | None = None
) -> None:
    """Replace `directory` with these files (from `markdown_files`, plus `figures/<name>.svg`), all or
    nothing. `own`: the book's Markdown folder, when this is its own normalize (pipeline.fileio)."""
    with replaced_dir(directory, WRITER, force=force, own=own) as staging:
        for name, content in files.items():
            path = staging / name
            path.parent.mkdir(exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8", newline="\n")


def write_markdown(
    handbook: Handbook, directory: Path, *, force: bool = False, figures: dict[str, bytes] | None = None
) -> None:
    """Replace `directory` with the handbook's canonical Markdown (and the SVGs it shows), all or nothing."""
    files: dict[str, str | bytes] = dict(markdown_files(handbook))
    files.update({f"{FIGURES_FOLDER}/{name}": data for name, data in (figures or {}).items()})
    write_files(files, directory, force=force)
