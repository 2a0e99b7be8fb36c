"""Hostile TeX never reaches a page or a card: the allow-list, and real Anki rendering the cards."""

from __future__ import annotations

from pathlib import Path

import pytest
from anki.collection import Collection
from anki.import_export_pb2 import ImportAnkiPackageOptions, ImportAnkiPackageRequest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import pipeline.anki
import pipeline.readers.markdown
from pipeline.anki import export_anki
from pipeline.book import markdown_book
from pipeline.errors import HandbookError
from pipeline.model import Handbook, question_formulas
from pipeline.tex_allowlist import check_card_html, formula_problem
from pipeline.writers.markdown import write_markdown
from tests.builders import handbook, math, para, question, section
from tests.layout import ROOT
from tests.test_bad_inputs import HOSTILE_TEX

ALLOWED = [
    r"\frac{1}{2}",
    r"\mathbb{E}_{x \sim p}\left[\log q(x)\right]",
    r"a \\ b",
    r"\\href",
    r"\href{https://example.com/a_b?c=d\#e}{x}",
    r"\href{HTTP://example.com}{x}",
    r"\url{https://example.com}",
    r"\href{mailto:someone@example.com}{mail}",
    r"\hrefx",
    r"\classic",
]
REFUSED = [
    *HOSTILE_TEX.values(),
    r"\href{https://example.com}{\style{color:red}{x}}",  # inside an allowed link
    r"\href{#top}{x}",
    r"\href{ https://example.com}{x}",
    r"\href{java	script:alert(1)}{x}",
    r"\href javascript:alert(1)",
    r"\href{javascript:x",
    r"\href{{javascript:alert(1)}}{x}",
    r"\url{https://example.com/%}\href{javascript:alert(1)}{x}",  # % is no comment inside a URL
    r"\bbox[border:1px solid red]{x}",
    r"\mmlToken{mi}[href='javascript:alert(1)']{x}",
]


@pytest.mark.parametrize("tex", ALLOWED)
def test_ordinary_math_and_web_links_pass(tex: str) -> None:
    assert formula_problem(tex) is None


@pytest.mark.parametrize("tex", REFUSED)
def test_hostile_commands_are_refused(tex: str) -> None:
    assert formula_problem(tex)


@settings(max_examples=200, deadline=None)
@given(before=st.text(max_size=20), target=st.text(max_size=20), after=st.text(max_size=20))
def test_no_link_passes_unless_it_is_web_or_mail(before: str, target: str, after: str) -> None:
    assume("\\" not in before)  # a backslash before could make `\\href`, a line break and letters
    assume(not target.lower().startswith(("http:", "https:", "mailto:")))
    assert formula_problem(f"{before}\\href{{{target}}}{{x}}{after}")


def test_every_formula_of_the_handbook_passes(canonical: Handbook) -> None:
    problems = [
        tex for _, q in canonical.questions() for tex, _ in question_formulas(q) if formula_problem(tex)
    ]
    assert problems == []


def test_the_site_keeps_katex_untrusted() -> None:
    script = (ROOT / "pipeline" / "site_assets" / "handbook.js").read_text(encoding="utf-8")
    assert "trust: false" in script and "trust: true" not in script


# --- the decks, through a real Anki collection ---------------------------------


def handbook_with(tex: str) -> Handbook:
    return handbook(
        section("links", "Links", question("q-link", "Where does it point?", para("See ", math(tex), "."))),
        title="Links",
    )


def rendered_cards(tmp_path: Path, package: Path) -> list[str]:
    """Every card's question and answer HTML as Anki renders them."""
    folder = tmp_path / "profile"
    folder.mkdir()
    col = Collection(str(folder / "collection.anki2"))
    try:
        request = ImportAnkiPackageRequest(package_path=str(package), options=ImportAnkiPackageOptions())
        col.import_anki_package(request)
        cards = [col.get_card(cid) for cid in col.find_cards("")]
        assert cards
        return [html for card in cards for html in (card.question(), card.answer())]
    finally:
        col.close()


def test_a_web_link_in_tex_reaches_anki_and_nothing_else(tmp_path: Path) -> None:
    source = tmp_path / "handbook"
    write_markdown(handbook_with(r"\href{https://example.com}{x}"), source)
    export_anki(markdown_book(source), tmp_path / "decks", None, timestamp=1_700_000_000, site_url="")
    # The whole book's deck: its one section, named like the book, is links.section.apkg.
    cards = rendered_cards(tmp_path, tmp_path / "decks" / "links" / "links.apkg")
    for html in cards:
        assert "javascript:" not in html.lower()
        check_card_html(html, "the rendered card")
    assert any(r"\href{https://example.com}{x}" in html for html in cards)


@pytest.mark.parametrize("name", list(HOSTILE_TEX))
def test_hostile_tex_makes_no_card(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "handbook"
    write_markdown(handbook_with(HOSTILE_TEX[name]), source)
    decks = tmp_path / "decks"
    with pytest.raises(HandbookError, match=r"^question 'q-link' has a formula that cannot be published"):
        export_anki(markdown_book(source), decks, None, timestamp=1_700_000_000, site_url="")
    # Second line: had the model check been skipped, the finished card is refused.
    monkeypatch.setattr(pipeline.readers.markdown, "check_formulas", lambda handbook: None)
    with pytest.raises(HandbookError, match=r"^question 'q-link': the card has a formula"):
        export_anki(markdown_book(source), decks, None, timestamp=1_700_000_000, site_url="")
    assert not decks.exists()
    # And the check sees what Anki itself renders, were both lines skipped.
    monkeypatch.setattr(pipeline.anki, "check_card_html", lambda field, where: None)
    export_anki(markdown_book(source), decks, None, timestamp=1_700_000_000, site_url="")
    answers = [html for html in rendered_cards(tmp_path, decks / "links" / "links.apkg") if "See" in html]
    with pytest.raises(HandbookError, match="cannot be published"):
        check_card_html(answers[0], "the rendered card")
