"""The handbook's web page (HTML, formulas typeset by KaTeX) → model.

The page keeps what the text dump lost: the TeX of every formula (in KaTeX's
annotation), code, lists and tables. Its shape: a title (`h1`) and subtitle,
an introduction, a table of contents, one `h2` per section, each question a
`<details>` whose `<summary>` is the question and whose rest is the answer,
then the references. Content itself is read by `html_fragment`.

Identity: a section's slug is its `h2` id and a question's id its `details`
id when the page has them (as the tests' generator of such pages writes them);
otherwise they stay "" and `normalize` assigns them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Tag
from bs4.element import PageElement

from pipeline.errors import HandbookError
from pipeline.formats import EXPAND_HINT, REFERENCES_HEADINGS, TOC_HEADING, bibtex_author, footer_start
from pipeline.model import (
    Block,
    CodeBlock,
    Handbook,
    Inline,
    Meta,
    Paragraph,
    Question,
    Section,
    Text,
    block_inlines,
    plain_text,
)
from pipeline.readers.html_fragment import (
    blocks_of,
    element_inlines,
    is_dropped,
    is_text,
    parse_html,
)
from pipeline.sanitize import web_url

# Page furniture around the post: never part of the handbook.
FURNITURE_TAGS = frozenset({"nav", "footer", "aside"})
SUBTITLE_CLASSES = frozenset({"subtitle", "subheading", "post-subtitle", "description"})
# Elements that give the page its structure (the walk stops at them).
STRUCTURE_TAGS = ["h1", "h2", "details"]


@dataclass
class _Section:
    slug: str
    title: str
    questions: list[Question] = field(default_factory=list)


@dataclass
class _Page:
    """What the walk over the page has found so far."""

    title: str = ""
    intro: list[Block] = field(default_factory=list)
    sections: list[_Section] = field(default_factory=list)
    references: list[Block] = field(default_factory=list)
    mode: str = "intro"  # intro | toc | section | references


def read_html_page(text: str, source_url: str = "") -> Handbook:
    """Read the handbook page (the original post or our own rendering of it)."""
    soup = parse_html(text)
    root = _post_root(soup)
    title = root.find("h1")
    subtitle_element = _subtitle_element(root, title)
    page = _Page()
    pending: list[PageElement] = []
    for node in _walk(root, _structural(root), title, subtitle_element):
        if isinstance(node, Tag) and node.name in STRUCTURE_TAGS and _is_structure(page, node):
            _flush(page, pending)
            pending = []
            _structure(page, node)
        elif page.mode != "toc":
            pending.append(node)
    _flush(page, pending)
    return _handbook(page, soup, subtitle_element, source_url)


# --- finding the post ----------------------------------------------------------


def _post_root(soup: BeautifulSoup) -> Tag:
    """The article holding the most questions (else main, body, the document)."""
    articles = soup.find_all("article")
    if articles:
        return max(articles, key=lambda a: len(a.find_all("details")))
    for name in ("main", "body"):
        found = soup.find(name)
        if isinstance(found, Tag):
            return found
    return soup


def _structural(root: Tag) -> set[int]:
    """Ids of the elements that hold a heading or a question (found without recursion)."""
    marked: set[int] = set()
    for element in root.find_all(STRUCTURE_TAGS):
        parent = element.parent
        while parent is not None and parent is not root and id(parent) not in marked:
            marked.add(id(parent))
            parent = parent.parent
    return marked


def _subtitle_element(root: Tag, title: Tag | None) -> Tag | None:
    """An element classed as the subtitle, else the first line after the title in its header."""
    by_class = root.find(lambda t: bool(SUBTITLE_CLASSES.intersection(t.get("class") or [])))
    if isinstance(by_class, Tag):
        return by_class
    header = title.find_parent("header") if isinstance(title, Tag) else None
    if isinstance(title, Tag) and isinstance(header, Tag):
        found = title.find_next(["p", "h2", "h3", "h4", "h5", "h6"])
        if isinstance(found, Tag) and header in found.parents:
            return found
    return None


def _walk(
    root: Tag,
    structural: set[int],
    title: Tag | None,
    subtitle: Tag | None,
) -> Iterator[PageElement]:
    """The page's content in order: structure elements and the content between them.

    The title's `<header>` gives only the title (its date and byline are not
    the introduction); page furniture and dropped elements give nothing.
    """
    header = title.find_parent("header") if isinstance(title, Tag) else None
    stack: list[Iterator[PageElement]] = [iter(list(root.children))]
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
        elif isinstance(node, Tag):
            if node is header and title is not None:
                yield title
                continue
            if (
                node is subtitle
                or is_dropped(node)
                or (node.name in FURNITURE_TAGS and id(node) not in structural)
            ):
                continue
            if id(node) in structural and node.name not in STRUCTURE_TAGS:
                stack.append(iter(list(node.children)))
            else:
                yield node
        elif is_text(node):
            yield node


# --- structure -----------------------------------------------------------------


def _is_structure(page: _Page, node: Tag) -> bool:
    """Headings always are; a `<details>` is a question if its summary says something."""
    if node.name != "details":
        return True
    summary = _summary(node)
    if summary is None or page.mode not in ("intro", "section"):
        return False
    return bool(element_inlines(summary))


def _structure(page: _Page, node: Tag) -> None:
    if node.name == "h1" and not page.title:
        page.title = _text(node)
    elif node.name in ("h1", "h2"):
        _heading(page, node)
    else:
        if page.mode == "intro":  # questions before any section heading
            page.sections.append(_Section("", ""))
            page.mode = "section"
        page.sections[-1].questions.append(_question(node))


def _heading(page: _Page, node: Tag) -> None:
    """A section (the post's sections may be `h1` or `h2`), the contents or the references."""
    title = _text(node)
    if title.lower() == TOC_HEADING.lower():
        page.mode = "toc"
    elif title.lower() in (h.lower() for h in REFERENCES_HEADINGS):
        page.mode = "references"
    else:
        slug = node.get("id")
        page.sections.append(_Section(slug if isinstance(slug, str) else "", title))
        page.mode = "section"


def _summary(details: Tag) -> Tag | None:
    summary = details.find("summary", recursive=False)
    return summary if isinstance(summary, Tag) else None


def _question(details: Tag) -> Question:
    summary = _summary(details)
    title = _without_hint(element_inlines(summary)) if summary is not None else ()
    answer = blocks_of([c for c in details.contents if c is not summary])
    if answer and answer[0] == Paragraph((Text(EXPAND_HINT),)):
        answer = answer[1:]
    qid = details.get("id")
    return Question(qid if isinstance(qid, str) else "", title, answer)


def _without_hint(title: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """A question title without the page's "click the triangle" hint."""
    last = title[-1] if title else None
    if isinstance(last, Text) and last.text.endswith(EXPAND_HINT):
        rest = last.text[: -len(EXPAND_HINT)].rstrip()
        return title[:-1] + ((Text(rest),) if rest else ())
    return title


def _flush(page: _Page, nodes: list[PageElement]) -> None:
    """Content between structure elements: intro, references, or the last answer."""
    if not nodes:
        return
    blocks = blocks_of(nodes)
    if page.mode == "intro":
        page.intro.extend(blocks)
    elif page.mode == "references":
        page.references.extend(blocks)
    elif page.mode == "section" and page.sections[-1].questions:
        last = page.sections[-1].questions[-1]
        page.sections[-1].questions[-1] = Question(last.id, last.title, last.answer + blocks)


def _without_footer(blocks: list[Block]) -> tuple[Block, ...]:
    texts = [plain_text(tuple(block_inlines(block))) for block in blocks]
    return tuple(blocks[: footer_start(texts)])


# --- the handbook --------------------------------------------------------------


def _handbook(page: _Page, soup: BeautifulSoup, subtitle: Tag | None, source_url: str) -> Handbook:
    sections = tuple(Section(s.slug, s.title, tuple(s.questions)) for s in page.sections if s.questions)
    if not sections:
        raise HandbookError(
            "the page has no questions (no <details> under a section heading): "
            "is it the handbook page? Save the page again or pass the text dump"
        )
    meta = Meta(
        title=page.title or _document_title(soup),
        subtitle=_text(subtitle) if subtitle is not None else "",
        author=_meta_content(soup, "author")
        or bibtex_author(block.code for block in page.references if isinstance(block, CodeBlock)),
        source_url=source_url or _canonical_url(soup),
    )
    return Handbook(meta, tuple(page.intro), sections, _without_footer(page.references))


def _text(tag: Tag) -> str:
    return plain_text(element_inlines(tag))


def _document_title(soup: BeautifulSoup) -> str:
    title = soup.find("title")
    return title.get_text().strip() if isinstance(title, Tag) else ""


def _meta_content(soup: BeautifulSoup, name: str) -> str:
    meta = soup.find("meta", attrs={"name": name})
    content = meta.get("content") if isinstance(meta, Tag) else None
    return content.strip() if isinstance(content, str) else ""


def _canonical_url(soup: BeautifulSoup) -> str:
    link = soup.find("link", rel="canonical")
    href = link.get("href") if isinstance(link, Tag) else None
    return (web_url(href) or "") if isinstance(href, str) else ""
