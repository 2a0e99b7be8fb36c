"""Model → site pages: questions are closed blocks with permalinks, search sees them flat."""

from __future__ import annotations

from bs4 import BeautifulSoup

from pipeline.model import (
    Code,
    CodeBlock,
    DisplayMath,
    Handbook,
    Link,
    Math,
    Meta,
    Paragraph,
    Question,
    Section,
    Text,
)
from pipeline.readers.html_fragment import fragment_blocks, fragment_inlines
from pipeline.writers.site import (
    BookLink,
    Download,
    deck_files,
    footer_html,
    formula_count,
    home_page,
    question_html,
    reader_html,
    search_html,
    section_page,
    tex_text,
)

QUESTION = Question(
    "what-is-x",
    (Text("What is "), Math(r"x^2"), Text("?")),
    (
        Paragraph(
            (
                Text("It is "),
                Math(r"\sum_i x_i"),
                Text(", see "),
                Link((Text("this"),), "https://example.org/"),
                Text("."),
            )
        ),
        DisplayMath(r"\frac{a}{b}"),
        CodeBlock("print(1)", "python"),
        Paragraph((Code("a < b"), Text(" and <script>alert(1)</script>"))),
    ),
)
SECTION = Section("basics", "Basics & <More>", (QUESTION, Question("second", (Text("Second"),), ())))
HANDBOOK = Handbook(
    Meta("The Handbook", "A subtitle", "Ada Author", "https://example.org/post"),
    (Paragraph((Text("Intro."),)),),
    (SECTION,),
    (Paragraph((Text("A reference."),)),),
)


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def test_a_question_is_a_closed_block_with_its_id_and_a_permalink_beside_its_summary() -> None:
    details = soup(question_html(QUESTION)).find("details")
    assert details["id"] == "what-is-x" and "question" in details["class"]
    assert not details.has_attr("open")
    summary = details.find("summary")
    assert summary.find(["a", "button", "input", "textarea", "select"]) is None  # nothing focusable in it
    assert (
        summary.find("h2", class_="question-title") is not None
    )  # a heading to go from question to question
    assert summary.find(class_="arithmatex").text == r"\(x^2\)"  # the formula shows when closed
    link = details.find_next_sibling("a")
    assert link["href"] == "#what-is-x" and "headerlink" in link["class"]


def test_a_question_reads_back_as_the_model() -> None:
    details = soup(question_html(QUESTION)).find("details")
    title = details.find(class_="question-title")
    assert fragment_inlines(title.decode_contents()) == QUESTION.title
    assert fragment_blocks(details.find(class_="answer").decode_contents()) == QUESTION.answer


def test_search_rendering_gives_each_question_a_heading_followed_by_its_answer() -> None:
    page = soup(search_html(section_page(SECTION)))
    assert [h["id"] for h in page.find_all("h2")] == ["what-is-x", "second"]
    assert page.find("details") is None
    assert page.find("h2").find_next_sibling().name == "p"


def test_section_page_title_is_escaped_and_contents_list_questions() -> None:
    page = section_page(SECTION)
    h1 = soup(reader_html(page)).find("h1")
    assert h1.text == "Basics & <More>" and h1.find("more") is None
    assert [entry.id for entry in page.toc] == ["what-is-x", "second"]


def test_home_page_credits_the_author_and_links_sections_and_decks() -> None:
    decks = [Download(label, f"decks/{name}") for label, name in deck_files(HANDBOOK, "the-handbook")]
    page = soup(reader_html(home_page(HANDBOOK, {"basics": "01-basics/"}, decks)))
    assert page.find("h1").text == "The Handbook"
    assert page.find("a", href="https://example.org/post") is not None
    assert "Ada Author" in page.text
    assert page.find("a", href="01-basics/").text == "Basics & <More>"
    hrefs = [a["href"] for a in page.select("ul.decks a")]
    assert hrefs == ["decks/the-handbook/the-handbook.apkg", "decks/the-handbook/basics.apkg"]
    assert "2 questions in 1 sections, with 3 formulas" in page.text
    assert formula_count(HANDBOOK) == 3


def test_decks_from_before_the_series_come_with_the_one_time_rename_as_text() -> None:
    plain = soup(reader_html(home_page(HANDBOOK, {"basics": "01-basics/"}, [])))
    assert plain.select(".deck-rename") == []
    renames = [("Old <b>book</b>", "Series::Old <b>book</b>"), ("Series::Old::A", "Series::Old::01 A")]
    note = soup(
        reader_html(home_page(HANDBOOK, {"basics": "01-basics/"}, [], deck_renames=renames))
    ).select_one(".deck-rename")
    assert [code.text for code in note.find_all("code")] == [name for pair in renames for name in pair]
    assert note.find("b") is None


def test_only_a_book_published_before_the_series_needs_the_renames() -> None:
    from pipeline.writers.anki import deck_renames

    real = Handbook(
        Meta("Deep Learning Concepts every practicioner should know"),
        (),
        (Section("ml", "Machine Learning in General", ()), Section("opt", "Optimization procedures", ())),
    )
    book = f"S ‹i›::{real.meta.title}"
    assert deck_renames(real, "deep-learning-concepts", "S <i>") == [
        (real.meta.title, book),
        (f"{book}::Machine Learning in General", f"{book}::01 Machine Learning in General"),
        (f"{book}::Optimization procedures", f"{book}::02 Optimization Procedures"),
    ]
    assert deck_renames(HANDBOOK, "the-handbook", "S") == []


def test_no_script_from_content_reaches_the_html() -> None:
    page = soup(reader_html(section_page(SECTION)))
    assert page.find("script") is None
    assert "<script>alert(1)</script>" in page.text  # shown as text, as the author typed it


def test_unsafe_links_lose_their_target() -> None:
    hostile = Question("x", (Text("x"),), (Paragraph((Link((Text("click"),), "javascript:alert(1)"),)),))
    page = soup(question_html(hostile))
    assert "javascript" not in str(page) and page.find("a", string="click") is None


def test_a_sub_heading_is_an_h3_on_the_site_and_on_the_card() -> None:
    from pipeline.model import Heading
    from pipeline.writers.anki_html import ANKI_STYLE
    from pipeline.writers.html import blocks_html

    answer = (Heading(3, (Text("4. Log-Cosh Loss <b>"),)), Paragraph((Text("Log-cosh is smooth."),)))
    question = Question("q", (Text("Q"),), answer)
    details = soup(question_html(question)).find("details")
    assert details.find("h3").get_text() == "4. Log-Cosh Loss <b>"
    card = soup(blocks_html(answer, ANKI_STYLE))
    assert str(card.find("h3")) == "<h3>4. Log-Cosh Loss &lt;b&gt;</h3>"
    assert fragment_blocks(details.find(class_="answer").decode_contents()) == answer


def test_a_nested_list_is_a_list_in_a_list_item_on_the_site_and_on_the_card() -> None:
    from pipeline.writers.anki_html import ANKI_STYLE
    from pipeline.writers.html import blocks_html
    from tests.builders import bullets, item, ordered

    answer = (bullets(item("Tabular:", ordered("converges,", "needs memory.")), "Deep Q-networks."),)
    question = Question("q", (Text("Q"),), answer)
    details = soup(question_html(question)).find("details")
    nested = details.select("ul > li > ol > li")
    assert [li.get_text() for li in nested] == ["converges,", "needs memory."]
    card = soup(blocks_html(answer, ANKI_STYLE))
    assert [li.get_text() for li in card.select("ul > li > ol > li")] == ["converges,", "needs memory."]
    assert fragment_blocks(details.find(class_="answer").decode_contents()) == answer
    assert fragment_blocks(str(card)) == answer


def test_search_rendering_has_readable_formulas_and_plain_code() -> None:
    page = soup(search_html(section_page(SECTION)))
    text = page.text
    assert "\\(" not in text and "\\frac" not in text and "\\sum" not in text
    assert "∑_i x_i" in text and "a / b" in text
    assert page.find("pre").find("code").text == "print(1)"
    assert page.find(class_="arithmatex") is None


def test_tex_text_spells_symbols_and_drops_markup() -> None:
    assert tex_text(r"\nabla_\theta f(\Theta)") == "∇_θ f(Θ)"
    assert tex_text(r"\frac{\partial L}{\partial w}") == "∂ L / ∂ w"
    assert tex_text(r"\mathbf{x} \leq \lambda \, \varepsilon") == "x ≤ λ ε"
    assert tex_text(r"\log p(x)") == "log p(x)"


def test_code_blocks_on_the_site_are_pre_code_for_materials_copy_button() -> None:
    page = soup(question_html(QUESTION))
    pre = page.select_one("div.highlight > pre")
    assert pre is not None and pre.find("code") is not None
    assert fragment_blocks(page.find(class_="answer").decode_contents()) == QUESTION.answer


def test_section_page_has_its_deck_and_study_tools_for_readers_only() -> None:
    page = section_page(SECTION, "../decks/basics.apkg")
    readers = soup(reader_html(page))
    bar = readers.select_one(".study-bar")
    assert bar["data-study-ids"] == "what-is-x second"
    assert readers.select_one("a.study-deck")["href"] == "../decks/basics.apkg"
    actions = [b["data-study"] for b in bar.find_all("button")]
    assert actions == ["open-all", "close-all", "start", "missed", "reset"]
    assert soup(search_html(page)).select_one(".study-bar") is None


def test_home_page_counts_known_questions_per_section_and_overall() -> None:
    page = soup(reader_html(home_page(HANDBOOK, {"basics": "01-basics/"}, [])))
    assert page.select_one(".study-summary")["data-study-ids"] == "what-is-x second"
    assert page.select_one("ol.sections .study-progress")["data-study-ids"] == "what-is-x second"


def test_footer_credits_the_author_and_links_the_original() -> None:
    footer = soup(footer_html(HANDBOOK.meta))
    assert footer.find("a", href="https://example.org/post").text == "The Handbook"
    assert "© Ada Author" in footer.text and "unofficial study copy" in footer.text


def test_footer_escapes_metadata_and_links_only_web_addresses() -> None:
    for url in ("javascript:alert(1)", "data:text/html,x", "mailto:a@b.c", ""):
        hostile = Meta("<b>T</b>", "", "<script>alert(1)</script>", url)
        footer = soup(footer_html(hostile))
        assert footer.find("a") is None and footer.find("script") is None and footer.find("b") is None
        assert "<script>alert(1)</script>" in footer.text and "<b>T</b>" in footer.text
    quoted = soup(footer_html(Meta("T", "", "A", 'https://example.org/"onmouseover="x')))
    assert quoted.find("a").attrs == {"href": 'https://example.org/"onmouseover="x'}


def test_a_series_home_page_lists_its_books_as_text_with_counts_and_decks() -> None:
    from tests.builders import handbook, question, section

    hostile = handbook(
        section("s", "S", question("q", "Q")),
        title="Two <img src=x onerror=alert(1)>",
        subtitle="<b>sub</b>",
        author="A & B",
    )
    books = [BookLink(HANDBOOK, "./", "decks/one/one.apkg"), BookLink(hostile, "two/", "decks/two/two.apkg")]
    page = soup(reader_html(home_page(HANDBOOK, {"basics": "01-basics/"}, [], books)))
    items = page.select("ul.books > li")
    assert [li.select_one("a.book")["href"] for li in items] == ["./", "two/"]
    assert items[1].get_text() == (
        "Two <img src=x onerror=alert(1)>: <b>sub</b>, by A & B. 1 questions · Anki deck of the whole book"
    )
    assert items[1].find(["img", "b"]) is None
    assert [li.select_one("a.book-deck")["href"] for li in items] == [
        "decks/one/one.apkg",
        "decks/two/two.apkg",
    ]
    assert "books" in [entry.id for entry in home_page(HANDBOOK, {"basics": "x"}, [], books).toc]
    assert soup(reader_html(home_page(HANDBOOK, {"basics": "x"}, []))).select_one("ul.books") is None
