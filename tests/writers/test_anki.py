"""The Anki writer on its own: ids, fields, note type, reproducible packages."""

from __future__ import annotations

import html
import io
import json
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.formats import canonical_field
from pipeline.model import (
    Code,
    CodeBlock,
    DisplayMath,
    Handbook,
    Link,
    Meta,
    Paragraph,
    Text,
)
from pipeline.readers.html_fragment import fragment_blocks
from pipeline.writers.anki import (
    CARD_CSS,
    FIELDS,
    NoteDates,
    apkg_bytes,
    deck_name,
    note_guid,
    note_model,
    parent_decks,
    question_url,
    section_decks,
    stable_id,
)
from pipeline.writers.anki_html import anki_field, has_top_level_break, mathjax_display
from pipeline.writers.html import arithmatex_display
from tests import builders as build
from tests.builders import para

TEX = r"\mathbf{{W}}^{T} :: \left\{ x \right\}}} < 1"
SERIES = "The Series"
SLUG = "my-handbook-notes"  # the book's folder name


def handbook(answer: tuple = (para("An answer."),)) -> Handbook:
    return build.handbook(
        build.section(
            "first", "First Things", build.question("q-one", ["What is ", build.math(TEX), "?"], *answer)
        ),
        build.section("second", "Second", build.question("q-two", "Second?", para("Yes."))),
        title="My Handbook: Notes",
        author="Ada",
    )


def decks_of(book: Handbook, slug: str = SLUG, **options) -> list:
    """Every section's deck, in the series SERIES."""
    return section_decks(book, slug, book.sections, series=SERIES, **options)


def book_package(book: Handbook, slug: str = SLUG, **options) -> list:
    """The decks of the whole book's package: the series', the book's, the sections'."""
    return [*parent_decks(book, slug, SERIES), *decks_of(book, slug, site_url="", **options)]


def dated(time: Callable[[str, str], int]) -> NoteDates:
    """Notes dated by `time(key, digest)`, the note type under the state file's key."""
    return NoteDates(time, "@note-type")


def fields_of(book: Handbook, site_url: str = "") -> list[list[str]]:
    decks = decks_of(book, site_url=site_url)
    return [note.fields for deck in decks for note in deck.notes]


def test_ids_are_stable_distinct_and_in_range() -> None:
    ids = {stable_id("handbook"), stable_id("handbook", "a"), stable_id("handbook", "b")}
    assert len(ids) == 3
    assert all((1 << 30) <= value < (1 << 31) for value in ids)
    # the same in every process and release: learners' collections hold these ids
    assert (stable_id("handbook"), stable_id("handbook", "a")) == (1597449908, 2110612085)


def test_ids_do_not_depend_on_the_text() -> None:
    one = handbook()
    edited = handbook((Paragraph((Text("A different answer."),)),))
    guids = [note_guid(q) for _, q in one.questions()]
    assert guids == [note_guid(q) for _, q in edited.questions()]
    first = book_package(one)
    second = book_package(edited)
    assert [d.deck_id for d in first] == [d.deck_id for d in second]
    assert note_model().model_id == note_model(CARD_CSS + "x{}").model_id


def test_a_new_books_notes_and_decks_are_keyed_by_its_slug() -> None:
    """Two books never share a note or deck; the first book keeps its keys from before books."""
    from dataclasses import replace

    from pipeline.model import Meta
    from pipeline.writers.anki import book_key

    one = handbook()
    first = replace(one, meta=Meta("Deep Learning Concepts every practicioner should know"))
    first_slug = "deep-learning-concepts"
    assert book_key(first_slug) == () and book_key(SLUG) == ("my-handbook-notes",)
    question = next(q for _, q in one.questions())
    assert (
        note_guid(question, book_key(SLUG))
        != note_guid(question, book_key(first_slug))
        == note_guid(question)
    )
    ids = {d.deck_id for h, s in ((one, SLUG), (first, first_slug)) for d in book_package(h, s)}
    assert len(ids) == 1 + 2 * (1 + len(one.sections))  # one series deck, shared
    assert [d.deck_id for d in book_package(first, first_slug)] == [  # the first book's ids from before books
        stable_id("handbook", "::series"),
        stable_id("handbook"),
        stable_id("handbook", "first"),
        stable_id("handbook", "second"),
    ]


def test_note_type_has_our_fields_and_night_mode_css() -> None:
    model = note_model()
    assert [field["name"] for field in model.fields] == list(FIELDS)
    assert ".nightMode" in model.css and ".night_mode" in model.css


def test_deck_names_nest_sections_under_the_book_under_the_series() -> None:
    book = handbook()
    assert deck_name(book, book.sections[0], SERIES) == "The Series::My Handbook: Notes::01 First Things"
    combined = book_package(book)
    assert [d.name for d in combined] == [
        "The Series",
        "The Series::My Handbook: Notes",
        "The Series::My Handbook: Notes::01 First Things",
        "The Series::My Handbook: Notes::02 Second",
    ]
    assert [len(d.notes) for d in combined] == [0, 0, 1, 1]
    odd = build.handbook(build.section("s", "c :: d"), title="A::B")
    assert deck_name(odd, odd.sections[0], "S::<T>") == "S:‹T›::A:B::01 C : D"


def test_section_decks_are_numbered_in_book_order_and_cased_alike() -> None:
    """Anki lists (and gathers new cards from) subdecks by name: the number keeps the book's order."""
    titles = [f"section {n} of the book" for n in range(1, 12)]
    book = build.handbook(*(build.section(f"s{n}", t) for n, t in enumerate(titles)), title="B")
    names = [deck_name(book, s, "S").rsplit("::", 1)[1] for s in book.sections]
    assert names == sorted(names) and names[0] == "01 Section 1 of the Book" and names[10].startswith("11 ")


@pytest.mark.parametrize(
    ("title", "cased"),
    [
        ("Optimization procedures", "Optimization Procedures"),
        ("Machine Learning in General", "Machine Learning in General"),
        ("the state of the art", "The State of the Art"),
        ("t-SNE and word2vec vs. PCA", "t-SNE and Word2vec vs. PCA"),
        ("1D convolutions: why?", "1D Convolutions: Why?"),
    ],
)
def test_title_case_capitalises_words_but_small_ones_and_keeps_what_has_capitals(
    title: str, cased: str
) -> None:
    from pipeline.writers.anki import title_case

    assert title_case(title) == cased


def test_question_url_points_at_the_anchor_on_the_site() -> None:
    book = handbook()
    section = book.sections[1]
    question = section.questions[0]
    assert question_url(book, section, question, "https://x.org/hb/") == "https://x.org/hb/02-second/#q-two"
    assert question_url(book, section, question, "") == "02-second/#q-two"


def test_fields_keep_the_tex_and_hide_template_pairs() -> None:
    question_field, answer, section, source, qid = fields_of(handbook(), "https://x.org")[0]
    for value in (question_field, answer, section, source, qid):
        assert "{{" not in value and "}}" not in value and "::" not in value
    assert html.unescape(question_field).count(TEX) == 1
    assert r"\(" in question_field
    assert section == "First Things" and qid == "q-one"
    assert 'href="https://x.org/01-first/#q-one"' in source
    assert ">This question on the website</a>" in source


def test_anki_field_escapes_every_pair_in_long_runs() -> None:
    for text in ("{{{", "}}}}", ":::", "{{}}::", "a{b}c:d"):
        escaped = anki_field(text)
        assert html.unescape(escaped) == text
        assert "{{" not in escaped and "}}" not in escaped and "::" not in escaped


def test_code_is_highlighted_with_classes_styled_by_the_note_type() -> None:
    book = handbook((CodeBlock("def f(x): return {'a': 1}", "python"), Paragraph((Code("a::b"),))))
    answer = fields_of(book)[0][1]
    assert 'class="highlight language-python"' in answer and '<span class="k">def</span>' in answer
    assert "style=" not in answer
    css = note_model().css
    light = re.search(r"^\.highlight \{ background: (#\w+)", css, re.M)
    night = re.search(r"^\.nightMode \.highlight , \.night_mode \.highlight \{ background: (#\w+)", css, re.M)
    assert light and night and light.group(1).lower() != night.group(1).lower()
    assert ".nightMode .highlight .k" in css and ".night_mode .highlight .k" in css


@pytest.mark.parametrize(
    ("tex", "multiline"),
    [
        (r"a = b \\ c = d", True),
        (r"\frac{a}{b}\\ = c", True),
        (r"\begin{aligned} a &= b \\ c &= d \end{aligned}", False),
        (r"\begin{bmatrix} 1 \\ 2 \end{bmatrix} \\ x", True),
        (r"\left\{ \begin{matrix} a \\ b \end{matrix} \right.", False),
        (r"\text{a \\ b}", False),
        (r"\{ x \\ y", True),
        (r"a \backslash b", False),
    ],
)
def test_only_top_level_line_breaks_are_wrapped_for_mathjax(tex: str, multiline: bool) -> None:
    assert has_top_level_break(tex) is multiline
    answer = fields_of(handbook((DisplayMath(tex),)))[0][1]
    assert ("\\begin{gathered}" in answer) is multiline
    assert fragment_blocks(canonical_field(answer)) == (DisplayMath(tex),)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="ab{}\\&=:<> ", max_size=30))
def test_canonical_field_undoes_the_wrapping_of_any_tex(tex: str) -> None:
    assert canonical_field(mathjax_display(tex)) == arithmatex_display(tex)


def test_tags_are_a_tree_under_the_handbook() -> None:
    book = handbook()
    decks = decks_of(book, site_url="")
    assert [note.tags for deck in decks for note in deck.notes] == [
        ["handbook::my-handbook-notes::first"],
        ["handbook::my-handbook-notes::second"],
    ]


def test_back_links_the_site_when_known_and_the_original_post() -> None:
    book = replace(handbook(), meta=Meta("T", source_url='https://example.org/post?a=1&b="x"'))
    source = fields_of(book, "https://x.org/hb/")[0][3]
    links = [(a["href"], a.get_text()) for a in BeautifulSoup(source, "html.parser").find_all("a")]
    assert links == [
        ("https://x.org/hb/01-first/#q-one", "This question on the website"),
        ('https://example.org/post?a=1&b="x"', "The original post"),
    ]
    assert "&amp;b=&quot;x&quot;" in source
    relative_only = fields_of(book, "")[0][3]
    assert "01-first" not in relative_only and "The original post" in relative_only
    for url in ("javascript:alert(1)", "mailto:a@b.c", "/local", "data:text/html,x"):
        hostile = replace(handbook(), meta=Meta("T", source_url=url))
        assert "<a" not in fields_of(hostile, "")[0][3]


def test_each_note_carries_its_own_time_and_fixed_ids() -> None:
    book = handbook()
    times = {"q-one": 1_700_000_100, "q-two": 1_700_000_200, "@note-type": 1_700_000_050}
    seen: dict[str, str] = {}

    def date(key: str, content: str) -> int:
        seen[key] = content
        return times[key]

    package = apkg_bytes(book_package(book, dates=dated(date)))
    rows = _collection_rows(package, "select id, mod, flds from notes order by id")
    assert [(mod, flds.split("\x1f")[-1]) for _, mod, flds in rows] == [
        (1_700_000_100, "q-one"),
        (1_700_000_200, "q-two"),
    ]
    ((models,),) = _collection_rows(package, "select models from col")
    assert [model["mod"] for model in json.loads(models).values()] == [1_700_000_050]
    later = {**times, "q-two": 1_800_000_000}
    again = apkg_bytes(decks_of(book, site_url="", dates=dated(lambda k, c: later[k])))
    assert _collection_rows(again, "select id from notes order by id") == [(i,) for i, _, _ in rows]
    assert set(seen) == set(times)


def test_the_site_address_does_not_change_a_digest() -> None:
    book = handbook()
    digests = []
    for url in ("", "https://x.org/", "https://y.org/hb/"):
        found: dict[str, str] = {}
        decks_of(book, site_url=url, dates=dated(lambda k, c, found=found: found.setdefault(k, c) and 0))
        digests.append(found)
    assert digests[0] == digests[1] == digests[2]
    edited = handbook((Paragraph((Text("Changed."),)),))
    found = {}
    decks_of(edited, site_url="", dates=dated(lambda k, c: found.setdefault(k, c) and 0))
    assert found["q-one"] != digests[0]["q-one"] and found["q-two"] == digests[0]["q-two"]
    assert found["@note-type"] == digests[0]["@note-type"]


def test_dangerous_markup_never_reaches_a_field() -> None:
    book = handbook(
        (
            Paragraph((Link((Text("click"),), "javascript:alert(1)"), Text(" <script>x</script>"))),
            DisplayMath("</div><script>alert(1)</script>"),
        )
    )
    answer = fields_of(book)[0][1]
    assert "javascript:" not in answer and "<script" not in answer and "<a" not in answer


def test_packages_are_reproducible_and_carry_the_timestamp() -> None:
    book = handbook()
    decks = lambda: book_package(book)  # noqa: E731
    first, second = apkg_bytes(decks(), 1_700_000_000), apkg_bytes(decks(), 1_700_000_000)
    assert first == second
    later = apkg_bytes(decks(), 1_700_000_001)
    assert later != first
    rows = _collection_rows(later, "select mod from notes union select mod from cards")
    assert rows == [(1_700_000_001,)]


def _collection_rows(package: bytes, query: str) -> list[tuple]:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        assert sorted(archive.namelist()) == ["collection.anki2", "media"]
        data = archive.read("collection.anki2")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.anki2"
        path.write_bytes(data)
        connection = sqlite3.connect(path)
        try:
            return connection.execute(query).fetchall()
        finally:
            connection.close()


@pytest.mark.parametrize("timestamp", [0, 1_000_000_000])
def test_zip_dates_come_from_the_timestamp(timestamp: int) -> None:
    book = handbook()
    package = apkg_bytes(section_decks(book, SLUG, book.sections[:1], series=SERIES, site_url=""), timestamp)
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        years = {info.date_time[0] for info in archive.infolist()}
    assert years == ({1980} if timestamp == 0 else {2001})
