"""Model → the website's pages, as HTML that MkDocs Material wraps in its theme.

A section page is its questions, each a collapsible `<details class="question">`
(closed, as on the original page) whose id is the question id, so
`page/#<id>` links to one question and opens it. The title stays visible in the
`<summary>`, formulas included, as the page's second-level heading (so a screen
reader can go from question to question, and an answer's `###` comes third); the
answer sits in `<div class="answer">`. The
question's permalink follows the `<details>`, beside it in one `question-block`
and shown beside the title: a link inside the summary would be a control nested
in another, which a screen reader announces as a button holding a link.

Material's search indexes a page by its headings, and a heading nested in a
`<summary>` would end its section before the answer. So each page also has a
flat rendering for the search index only: one `<h2 id>` per question followed by
its answer. The hook feeds that one to the search plugin, the other to readers.

Math is marked the arithmatex way (SITE_STYLE); the page's script renders it
with KaTeX. Everything from the handbook passes through the sanitizing HTML
writer; only the markup around it is written here.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from pipeline.formats import FIGURES_FOLDER, REFERENCES_HEADING, book_deck_file, section_deck_file
from pipeline.leads import Split, automatic_lead, split_answer
from pipeline.model import Handbook, Meta, Question, Section, question_formulas
from pipeline.writers.html import SITE_STYLE, HtmlStyle, blocks_html, title_html
from pipeline.writers.meta_html import meta_html
from pipeline.writers.study import home_progress, section_progress, section_toolbar


@dataclass(frozen=True)
class TocEntry:
    """One line of the page's table of contents: an anchor and its HTML label."""

    id: str
    title_html: str


@dataclass(frozen=True)
class SitePage:
    """A page: its plain title, its HTML for readers and for the search index, its contents."""

    title: str
    anchor: str  # the id of the page's <h1>
    html: str
    search_html: str
    toc: tuple[TocEntry, ...]
    tools: str = ""  # study tools under the title, for readers only (writers/study.py)


def _heading(page: SitePage) -> str:
    return f'<h1 id="{html.escape(page.anchor)}">{html.escape(page.title)}</h1>\n'


def reader_html(page: SitePage) -> str:
    """The page as readers see it."""
    return _heading(page) + page.tools + page.html


def search_html(page: SitePage) -> str:
    """The page as the search index reads it."""
    return _heading(page) + page.search_html


@dataclass(frozen=True)
class Download:
    """A deck on the home page: its label and its href (relative to the home page)."""

    label: str
    href: str


# --- section pages -----------------------------------------------------------


def question_html(question: Question, style: HtmlStyle = SITE_STYLE, lead: int = 0) -> str:
    """One question as a closed `<details>`, its permalink after it. `lead`: how many pieces of
    the answer (blocks, a list's items one by one) the self-test shows first, as the cards do
    (pipeline.leads); 0 when the lead is the whole answer."""
    qid = html.escape(question.id)
    lead_attribute = f' data-lead="{lead}"' if lead else ""
    return (
        f'<div class="question-block">\n<details class="question" id="{qid}">\n'
        f'<summary><h2 class="question-title">{title_html(question.title, SITE_STYLE)}</h2></summary>\n'
        f'<div class="answer"{lead_attribute}>\n{blocks_html(question.answer, style)}\n</div>\n'
        f'</details>\n<a class="headerlink" href="#{qid}" title="Link to this question" '
        f'aria-label="Link to this question">¶</a>\n</div>'
    )


def question_search_html(question: Question, style: HtmlStyle | None = None) -> str:
    """One question as a heading and its answer, the shape search indexes."""
    qid = html.escape(question.id)
    return (
        f'<h2 id="{qid}">{title_html(question.title, SEARCH_STYLE)}</h2>\n'
        f"{blocks_html(question.answer, style or SEARCH_STYLE)}"
    )


def section_page(
    section: Section,
    deck_href: str = "",
    figures_href: str = f"{FIGURES_FOLDER}/",
    study_book: str = "",
    splits: Mapping[str, Split] | None = None,
) -> SitePage:
    """A section's page; `figures_href` is the figures' folder relative to the page; `study_book`
    the slug of a later book of the site, under which the self-test keeps its grades; `splits`
    where each answer's lead ends (by question id, pipeline.leads; default: the rule's)."""

    def figure_url(name: str) -> str:
        return f"{figures_href}{name}.svg"

    style, search = replace(SITE_STYLE, image_url=figure_url), replace(SEARCH_STYLE, image_url=figure_url)
    return SitePage(
        title=section.title,
        anchor=f"section-{section.slug}",
        html="\n".join(question_html(q, style, _lead_pieces(q, splits)) for q in section.questions),
        search_html="\n".join(question_search_html(q, search) for q in section.questions),
        toc=tuple(TocEntry(q.id, title_html(q.title, SITE_STYLE)) for q in section.questions),
        tools=section_toolbar(section, deck_href, study_book),
    )


def _lead_pieces(question: Question, splits: Mapping[str, Split] | None) -> int:
    split = (splits or {}).get(question.id) or split_answer(question.answer, automatic_lead(question.answer))
    return split.pieces if split.rest else 0


# --- search ------------------------------------------------------------------
# The search index gets formulas as readable text (`∇θ f`, not `\(\nabla_\theta f\)`):
# search previews show the index's text as is, and no script renders math there.

_TEX_SYMBOLS = {
    "sum": "∑",
    "prod": "∏",
    "int": "∫",
    "partial": "∂",
    "nabla": "∇",
    "infty": "∞",
    "cdot": "·",
    "cdots": "⋯",
    "ldots": "…",
    "dots": "…",
    "times": "×",
    "pm": "±",
    "leq": "≤",
    "le": "≤",
    "geq": "≥",
    "ge": "≥",
    "neq": "≠",
    "ne": "≠",
    "approx": "≈",
    "sim": "∼",
    "propto": "∝",
    "in": "∈",
    "subset": "⊂",
    "forall": "∀",
    "exists": "∃",
    "to": "→",
    "rightarrow": "→",
    "leftarrow": "←",
    "Rightarrow": "⇒",
    "mapsto": "↦",
    "sqrt": "√",
    "odot": "⊙",
    "otimes": "⊗",
    "oplus": "⊕",
    "circ": "∘",
    "ell": "ℓ",
    "mid": "|",
    "vert": "|",
    "lVert": "‖",
    "rVert": "‖",
    "Vert": "‖",
    "langle": "⟨",
    "rangle": "⟩",
    "|": "‖",
    "lbrace": "{",
    "rbrace": "}",
    "{": "{",
    "}": "}",
    "%": "%",
    "$": "$",
    "&": "&",
    "_": "_",
    "#": "#",
}
_TEX_COMMAND = re.compile(r"\\([A-Za-z]+|.)")
_GREEK = {
    "varepsilon": "epsilon",
    "vartheta": "theta",
    "varphi": "phi",
    "varsigma": "sigma",
    "varrho": "rho",
    "varpi": "pi",
    "lambda": "lamda",
}  # Unicode spells lambda "lamda"


def _tex_command_text(name: str) -> str:
    if name in _TEX_SYMBOLS:
        return _TEX_SYMBOLS[name]
    letter = _GREEK.get(name.lower(), name.lower())
    case = "CAPITAL" if name[:1].isupper() else "SMALL"
    try:
        return unicodedata.lookup(f"GREEK {case} LETTER {letter.upper()}")
    except KeyError:
        pass
    if name in {"log", "exp", "min", "max", "arg", "sin", "cos", "tanh", "det", "lim", "sup", "inf"}:
        return f" {name} "
    return " " if len(name) == 1 else ""  # spacing (`\,`) and markup (`\mathbf`, `\frac`)


def tex_text(tex: str) -> str:
    """A formula as plain text a reader can scan: symbols as Unicode, markup dropped."""
    text = _TEX_COMMAND.sub(lambda m: _tex_command_text(m.group(1)), tex.replace("}{", "} / {"))
    text = re.sub(r"[{}]", "", text.replace("&", " ").replace("~", " "))
    return re.sub(r"\s+", " ", text).strip()


SEARCH_STYLE = HtmlStyle(
    inline_math=lambda tex: html.escape(tex_text(tex), quote=False),
    display_math=lambda tex: f"<p>{html.escape(tex_text(tex), quote=False)}</p>",
    code_block=lambda code, language: f"<pre><code>{html.escape(code, quote=False)}</code></pre>",
)


# --- home page ---------------------------------------------------------------


def deck_files(handbook: Handbook, book: str) -> list[tuple[str, str]]:
    """(label, path in decks/) of every deck `handbook export-anki` writes for the book `book`
    (its slug): `<book>/<book>.apkg` for the whole book, `<book>/<section>.apkg` per section."""
    return [("All sections", f"{book}/{book_deck_file(book)}")] + [
        (section.title, f"{book}/{section_deck_file(section, book)}") for section in handbook.sections
    ]


def formula_count(handbook: Handbook) -> int:
    return sum(len(question_formulas(q)) for _, q in handbook.questions())


def _credit(handbook: Handbook) -> str:
    meta = meta_html(handbook.meta)
    author = meta.author or "its author"
    if meta.source_href is None:
        return f'<p class="credit">Written by {author}.</p>'
    return (
        f'<p class="credit">Written by <strong>{author}</strong> and first published as '
        f'<a href="{meta.source_href}">{meta.title}</a>. This site is a repaired copy of that post: '
        f"open a question to see its answer.</p>"
    )


def _counts(handbook: Handbook) -> str:
    questions = sum(1 for _ in handbook.questions())
    return (
        f'<p class="counts">{questions} questions in {len(handbook.sections)} sections, '
        f"with {formula_count(handbook)} formulas.</p>"
    )


def _section_list(handbook: Handbook, section_hrefs: dict[str, str], study_book: str) -> str:
    items = "".join(
        f'<li><a href="{html.escape(section_hrefs[s.slug])}">{html.escape(s.title)}</a> '
        f"({len(s.questions)} questions){section_progress(s, study_book)}</li>"
        for s in handbook.sections
    )
    return f'<h2 id="sections">Sections</h2>\n<ol class="sections">{items}</ol>'


def _deck_list(downloads: Sequence[Download], renames: Sequence[tuple[str, str]] = ()) -> str:
    items = "".join(
        f'<li><a href="{html.escape(d.href)}" download>{html.escape(d.label)}</a></li>' for d in downloads
    )
    return (
        '<h2 id="anki-decks">Anki decks</h2>\n'
        "<p>Study the questions as flash cards: import a deck into Anki. "
        "Importing an updated deck updates your cards and keeps their review history.</p>\n"
        f'<ul class="decks">{items}</ul>' + (_rename_note(renames) if renames else "")
    )


def _rename_note(renames: Sequence[tuple[str, str]]) -> str:
    """What a learner who imported the decks before the series level does once (docs/anki.md)."""
    steps = "".join(
        f"<li><code>{html.escape(old)}</code> to <code>{html.escape(new)}</code></li>" for old, new in renames
    )
    return (
        '<div class="deck-rename"><p>Imported these decks before they were filed under the series? '
        "In Anki, rename your decks once, in this order (deck list: the gear next to a deck, then "
        f"Rename), then import: the update lands in your decks and keeps your reviews.</p><ol>{steps}</ol></div>"
    )


@dataclass(frozen=True)
class BookLink:
    """A book of the series on the site's home page: its handbook, and hrefs to its home and whole-book deck."""

    handbook: Handbook
    href: str
    deck_href: str


def _book_list(books: Sequence[BookLink]) -> str:
    items = []
    for book in books:
        meta = meta_html(book.handbook.meta)
        about = (f": <em>{meta.subtitle}</em>" if meta.subtitle else "") + (
            f", by {meta.author}" if meta.author else ""
        )
        questions = sum(1 for _ in book.handbook.questions())
        items.append(
            f'<li><a class="book" href="{html.escape(book.href)}">{meta.title}</a>{about}. '
            f'<span class="book-count">{questions} questions</span> · '
            f'<a class="book-deck" href="{html.escape(book.deck_href)}" download>Anki deck of the whole book</a></li>'
        )
    return f'<h2 id="books">Books in this series</h2>\n<ul class="books">{"".join(items)}</ul>'


def home_page(
    handbook: Handbook,
    section_hrefs: dict[str, str],
    downloads: Sequence[Download],
    books: Sequence[BookLink] = (),
    deck_renames: Sequence[tuple[str, str]] = (),
    study_book: str = "",
) -> SitePage:
    """Title, subtitle, intro, credit, counts, the series' books (a site of several), links to
    sections and decks (with the one-time renames for decks imported before the series level,
    as (old, new) deck names), references."""
    parts = []
    if handbook.meta.subtitle:
        parts.append(f'<p class="subtitle"><em>{meta_html(handbook.meta).subtitle}</em></p>')
    parts += [
        blocks_html(handbook.intro, SITE_STYLE),
        _credit(handbook),
        _counts(handbook),
        home_progress(handbook, study_book),
    ]
    toc = []
    if books:
        parts.append(_book_list(books))
        toc.append(TocEntry("books", "Books in this series"))
    parts += [_section_list(handbook, section_hrefs, study_book), _deck_list(downloads, deck_renames)]
    toc += [TocEntry("sections", "Sections"), TocEntry("anki-decks", "Anki decks")]
    if handbook.references:
        parts.append(
            f'<h2 id="references">{REFERENCES_HEADING}</h2>\n{blocks_html(handbook.references, SITE_STYLE)}'
        )
        toc.append(TocEntry("references", REFERENCES_HEADING))
    body = "\n".join(parts)
    return SitePage(handbook.meta.title, "handbook", html=body, search_html=body, toc=tuple(toc))


# --- footer ------------------------------------------------------------------


def footer_html(meta: Meta) -> str:
    """Every page's footer: who wrote it, where the original is, and what this copy is.

    All we can state honestly: the text is the author's (and stays theirs); this
    is an unofficial study copy, and the original post is the reference.
    """
    escaped = meta_html(meta)
    author = escaped.author or "its author"
    title = escaped.title
    original = f'<a href="{escaped.source_href}">{title}</a>' if escaped.source_href else f"“{title}”"
    return (
        f'<span class="handbook-credit">Questions and answers © {author}, from the original post '
        f"{original}. This site is an unofficial study copy of it; the original is the "
        f"reference.</span>"
    )
