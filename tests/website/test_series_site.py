"""A site of several books: the real one at the root, a small second one under its slug.

Built once per session (`series_site`): the first book keeps every path it had,
the second lives under `/<slug>/`; the home page lists both, each is a tab, search
covers both, and `check`'s site stages read each book back from its own folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from pipeline.book import markdown_book
from pipeline.check import site_stages
from pipeline.model import Question
from pipeline.readers.markdown import read_markdown
from pipeline.readers.site_pages import read_site_pages
from pipeline.site import write_source
from pipeline.site_layout import books_layout
from pipeline.site_source import read_settings, site_source
from pipeline.writers.markdown import write_markdown
from tests.layout import ROOT
from tests.website.site_fixtures import (
    SECOND_ONLY_WORD,
    SECOND_SLUG,
    SECOND_TITLE,
    SERIES_TITLE,
    BuiltSite,
    SeriesSite,
    sample_handbook,
    write_second_book,
)
from tests.website.test_site_browser import ARTICLE_COUNTS, RENDERED, formulas, search, visit, wait_until_open

FIRST_SLUG = "deep-learning-concepts"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def read_site(site_dir: Path) -> dict[str, tuple[Question, ...]]:
    """Section page folder name (`NN-slug`) → its questions, in page order."""
    return {name: page.questions for name, page in read_site_pages(site_dir).items() if name}


def site_problems(site_dir: Path, handbook_dirs: tuple[Path, ...]) -> list[str]:
    first, *more = map(markdown_book, handbook_dirs)
    layout = books_layout(first, more, SERIES_TITLE)
    return [stage.first_problem for book in layout.books for stage in site_stages(layout, book, site_dir)]


# --- the built files -------------------------------------------------------------


def test_the_first_book_keeps_its_paths_and_the_second_lives_under_its_slug(series_site: SeriesSite) -> None:
    first, second = (read_markdown(folder) for folder in series_site.handbook_dirs)
    site = series_site.site_dir
    at_root = read_site(site)  # every /NN-section/#id published before the series still resolves
    assert {q.id for page in at_root.values() for q in page} == {q.id for _, q in first.questions()}
    assert sorted(read_site(site / SECOND_SLUG)) == ["01-priors", "02-sampling"]
    assert (site / SECOND_SLUG / "figures" / "second-curve.svg").is_file()
    assert not (site / "figures" / "second-curve.svg").exists()
    report = series_site.report
    assert report.questions == 94 + 2 and report.pages == len(first.sections) + 1 + len(second.sections) + 1


def test_the_home_page_lists_every_book_with_its_count_and_deck(series_site: SeriesSite) -> None:
    books = soup(series_site.site_dir / "index.html").select("article ul.books > li")
    assert [li.select_one("a.book").get_text() for li in books][1] == SECOND_TITLE  # text, never markup
    assert [li.select_one("a.book")["href"] for li in books] == ["./", f"{SECOND_SLUG}/"]
    assert ["94 questions", "2 questions"] == [li.select_one(".book-count").get_text() for li in books]
    assert [li.select_one("a.book-deck")["href"] for li in books] == [
        f"decks/{slug}/{slug}.apkg" for slug in (FIRST_SLUG, SECOND_SLUG)
    ]
    assert not [li for li in books if li.find(["img", "b", "i"])]
    assert soup(series_site.site_dir / SECOND_SLUG / "index.html").select_one("ul.books") is None


def test_each_book_is_a_tab_and_the_site_is_named_after_the_series(series_site: SeriesSite) -> None:
    page = soup(series_site.site_dir / SECOND_SLUG / "01-priors" / "index.html")
    assert [a.get_text(strip=True) for a in page.select(".md-tabs__link")] == [
        read_markdown(series_site.handbook_dirs[0]).meta.title,
        SECOND_TITLE,
    ]
    assert page.select_one(".md-tabs__item--active").get_text(strip=True) == SECOND_TITLE
    assert page.title.get_text() == f"Priors and posteriors - {SERIES_TITLE}"
    assert page.select_one(".md-header__topic .md-ellipsis").get_text(strip=True) == SERIES_TITLE


def test_a_second_book_page_links_its_own_deck_figures_and_author(series_site: SeriesSite) -> None:
    page = soup(series_site.site_dir / SECOND_SLUG / "01-priors" / "index.html")
    assert page.select_one("article a.study-deck")["href"] == f"../../decks/{SECOND_SLUG}/priors.apkg"
    assert page.select_one("article img")["src"] == "../figures/second-curve.svg"
    footer = page.select_one("footer .md-copyright")
    assert "Second <i>Author</i>" in footer.get_text() and footer.find("i") is None
    first = soup(series_site.site_dir / "01-machine-learning-in-general" / "index.html")
    assert "McAteer" in first.select_one("footer .md-copyright").get_text()


def test_a_site_of_one_book_has_no_tabs_and_keeps_its_name(canonical_site: BuiltSite) -> None:
    page = soup(canonical_site.site_dir / "index.html")
    assert page.select_one(".md-tabs") is None and page.select_one("ul.books") is None
    assert page.title.get_text() == canonical_site.handbook.meta.title


# --- check ------------------------------------------------------------------------


def test_checks_site_stages_pass_on_both_books_and_name_a_removed_page(
    series_site: SeriesSite, tmp_path: Path
) -> None:
    assert site_problems(series_site.site_dir, series_site.handbook_dirs) == [""] * 4
    site = tmp_path / "site"
    shutil.copytree(series_site.site_dir, site)
    shutil.rmtree(site / SECOND_SLUG / "02-sampling")
    problems = site_problems(site, series_site.handbook_dirs)
    assert problems[:2] == ["", ""]
    assert problems[2:] == [
        "question 'why-sample' appears 0 times",
        "page '02-sampling' is missing from the site",
    ]


# --- the site's source, built by a plain engine ----------------------------------------


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_a_plain_engine_builds_the_sites_source_into_the_same_pages(engine: str, tmp_path: Path) -> None:
    """No handbook code at build time: `mkdocs build` or `zensical build` on the source folder
    alone gives every book's pages, decks and per-book edit links, and writes only into that folder."""
    books = tmp_path / "source" / "books"
    first = books / "part-one" / "handbook"
    write_markdown(sample_handbook(), first)
    second = write_second_book(books / "part-two" / "handbook")
    (tmp_path / "decks" / "part-two").mkdir(parents=True)
    (tmp_path / "decks" / "part-two" / "priors.apkg").write_bytes(b"deck")
    edit = "https://example.org/me/handbook/edit/main/source/books/"
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8") + f"edit_uri: {edit}part-one/handbook/\n"
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    source = tmp_path / "build" / "site-source"
    layout = books_layout(markdown_book(first, books), [markdown_book(second, books)], "A Series")
    write_source(source, site_source(layout, read_settings(tmp_path / "mkdocs.yml")))
    subprocess.run(
        [sys.executable, "-m", engine, "build", "-f", "mkdocs.yml"],
        cwd=source,
        check=True,
        capture_output=True,
        timeout=120,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    site = source / "site"
    assert sorted(read_site(site)) == ["01-first", "02-second"]
    assert sorted(read_site(site / "part-two")) == ["01-priors", "02-sampling"]
    assert (site / "decks" / "part-two" / "priors.apkg").read_bytes() == b"deck"
    home = soup(site / "index.html")
    assert home.select_one(".md-header__topic .md-ellipsis").get_text(strip=True) == "A Series"
    assert [a["href"] for a in home.select("ul.books a.book")] == ["./", "part-two/"]
    later = soup(site / "part-two" / "01-priors" / "index.html")  # "edit" opens the book's own file
    assert later.select_one("a.md-content__button")["href"] == f"{edit}part-two/handbook/01-priors.md"
    assert [a.get_text(strip=True) for a in later.select(".md-tabs__link")] == [
        "Sample handbook",
        SECOND_TITLE,
    ]
    assert "Second <i>Author</i>" in later.select_one("footer .md-copyright").get_text()
    assert not (tmp_path / "site").exists()


# --- in the browser ---------------------------------------------------------------


def test_a_reader_goes_from_the_home_page_to_the_second_book_by_its_tab(
    series_page, series_url, series_site
) -> None:
    second = read_markdown(series_site.handbook_dirs[1])
    visit(series_page, series_url)
    assert series_page.locator("ul.books > li").count() == 2
    series_page.locator(".md-tabs__link", has_text="Second Book").click()
    series_page.wait_for_url(f"{series_url}{SECOND_SLUG}/")
    series_page.locator(".md-sidebar--primary a", has_text="Priors and posteriors").first.click()
    series_page.wait_for_url(f"{series_url}{SECOND_SLUG}/01-priors/")
    series_page.wait_for_function(RENDERED)
    series_page.locator("details.question summary").first.click()
    counts = series_page.evaluate(ARTICLE_COUNTS)
    assert counts["katex"] == len(formulas(second.sections[0])) and counts["errors"] == 0
    figure = series_page.locator("article img").first
    assert figure.evaluate("img => img.complete && img.naturalWidth > 0")


def test_search_finds_a_word_only_the_second_book_holds(series_page, series_url) -> None:
    visit(series_page, series_url)
    search(series_page, SECOND_ONLY_WORD)
    hits = series_page.locator(".md-search-result__item a").evaluate_all("links => links.map(a => a.href)")
    assert hits and all(f"/{SECOND_SLUG}/01-priors/" in hit for hit in hits)


def test_a_first_book_permalink_still_opens_its_question(series_page, series_url, series_site) -> None:
    section = read_markdown(series_site.handbook_dirs[0]).sections[0]
    question = section.questions[-1]
    visit(series_page, f"{series_url}01-{section.slug}/#{question.id}")
    wait_until_open(series_page, question.id)
    assert series_page.locator(f"details#{question.id} .answer").is_visible()


def test_a_second_books_grades_are_its_own(series_page, series_url) -> None:
    """Grades are kept per book: the same question id in another book is another grade."""
    page = series_page
    visit(page, f"{series_url}{SECOND_SLUG}/02-sampling/")
    page.evaluate(
        "() => { localStorage.clear(); localStorage.setItem('handbook-study-v1', "
        "JSON.stringify({'why-sample': 'known'})); }"
    )  # a first-book question of that id
    visit(page, f"{series_url}{SECOND_SLUG}/02-sampling/")
    assert page.locator(".study-bar .study-progress").inner_text() == "0 of 1 known"
    page.locator(".study-bar [data-study=start]").click()
    page.locator(".study-quiz [data-quiz=reveal]").click()
    page.locator(".study-quiz [data-quiz=grade-missed]").click()
    stored = page.evaluate("() => JSON.parse(localStorage.getItem('handbook-study-v1'))")
    assert stored == {"why-sample": "known", f"{SECOND_SLUG}/why-sample": "missed"}
    assert page.locator(".study-bar .study-progress").inner_text() == "0 of 1 known"
