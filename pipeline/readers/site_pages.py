"""The built site → questions, to prove each one reached its page intact.

Reads the static HTML MkDocs wrote (before any script runs): every
`details.question` with its id, the title in its summary and the answer below,
through the shared HTML-fragment reader, and the permalinks beside them. And, for
each page, the places where the theme prints the handbook's titles
(`page_chrome`), as text: an element injected through an unescaped title shows there.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from pipeline import inputs
from pipeline.errors import HandbookError
from pipeline.model import Question
from pipeline.readers.html_fragment import element_blocks, element_inlines, parse_html


def page_questions(soup: BeautifulSoup) -> tuple[Question, ...]:
    questions = []
    for details in soup.select("details.question"):
        title = details.select_one("summary .question-title")
        answer = details.select_one("div.answer")
        if title is None or answer is None:
            raise HandbookError(f"question block {details.get('id')!r} lacks its title or answer")
        questions.append(Question(str(details.get("id", "")), element_inlines(title), element_blocks(answer)))
    return tuple(questions)


def page_permalinks(soup: BeautifulSoup) -> tuple[str, ...]:
    """The anchors the questions' permalinks point to (`#<id>`, beside each `details.question`), in page order."""
    return tuple(
        str(link.get("href", "")).removeprefix("#")
        for link in soup.select(".question-block > details.question + a.headerlink")
    )


# --- what the theme shows around each page --------------------------------------

# Tags the theme itself puts inside the elements below; any other one in them
# (an <img>, a <script>) came from a title that was not escaped.
CHROME_TAGS = frozenset({"span", "small", "br", "a", "svg", "path"})
CHROME = {
    "title": "head > title",
    "header": ".md-header__topic .md-ellipsis",
    "heading": "article h1",
    "nav": ", ".join(
        f"nav.md-nav--primary > ul > li > {label} .md-ellipsis" for label in ("a", "label", "div > a")
    ),  # a page, a section, a section with a home
    "tabs": ".md-tabs__link",
}


@dataclass(frozen=True)
class PageChrome:
    """Where the handbook's titles land in a built page, read back as text."""

    title: str  # <title>
    header: tuple[str, ...]  # the header's site name and page title
    heading: str  # the article's <h1>
    nav: tuple[str, ...]  # the top-level navigation's labels (a subtitle after its title)
    tabs: tuple[str, ...]  # the tabs' labels (a site of several books: one per book)
    foreign_tags: tuple[str, ...]  # tags in those places that the theme never writes


def _text(element: Tag) -> str:
    return " ".join(element.get_text(" ").split())


def page_chrome(soup: BeautifulSoup) -> PageChrome:
    found = {key: soup.select(selector) for key, selector in CHROME.items()}
    nav = tuple(dict.fromkeys(_text(e) for e in found["nav"]))  # the current page is listed twice
    return PageChrome(
        title=" ".join(_text(e) for e in found["title"]),
        header=tuple(_text(e) for e in found["header"]),
        heading=" ".join(_text(e) for e in found["heading"][:1]),
        nav=nav,
        tabs=tuple(_text(e) for e in found["tabs"]),
        foreign_tags=tuple(
            sorted(
                {
                    tag.name
                    for elements in found.values()
                    for element in elements
                    for tag in element.find_all(True)
                    if tag.name not in CHROME_TAGS
                }
            )
        ),
    )


# --- a built site -----------------------------------------------------------------


@dataclass(frozen=True)
class SitePage:
    questions: tuple[Question, ...]
    permalinks: tuple[str, ...]  # the question ids the page's permalinks point to
    chrome: PageChrome


def read_site_pages(site_dir: Path) -> dict[str, SitePage]:
    """Page folder name (`NN-slug`; "" for the home page) → its questions and what surrounds
    them, each page parsed once."""
    if not os.path.lexists(site_dir / "index.html"):  # whatever is there, the door says what it is
        raise HandbookError(f"no built site in {site_dir}: run `handbook build-site` first")
    pages = {"": site_dir / "index.html"} | {
        page.parent.name: page for page in sorted(site_dir.glob("[0-9][0-9]*-*/index.html"))
    }
    soups = {name: parse_html(inputs.read_text(page, inputs.SITE_PAGE)) for name, page in pages.items()}
    return {
        name: SitePage(page_questions(soup) if name else (), page_permalinks(soup), page_chrome(soup))
        for name, soup in soups.items()
    }
