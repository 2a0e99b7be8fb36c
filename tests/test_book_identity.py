"""A book is its folder's name: scraped with `--book other-name` under a title that slugs otherwise,
every place that names the book says `other-name` (folders, site paths, tags, note and deck keys,
self-test grades) and none says the title's slug."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.book import proposed_slug
from pipeline.model import Meta
from pipeline.readers.markdown import read_markdown
from pipeline.writers.anki import ID_NAMESPACE, SERIES_KEY, note_guid, stable_id
from tests.generators.text_dump import write_text_dump
from tests.test_untrusted_inputs import handbook, new_project
from tests.writers.test_text_dump import OWN

FIRST = proposed_slug(OWN.meta.title)  # a small first book, so the other one lives under its slug
NAME = "other-name"
TITLE = "Deep Learning Notes"
TITLE_SLUG = proposed_slug(TITLE)


def collection_rows(package: Path) -> tuple[list[tuple[str, str, str]], set[int]]:
    """(guid, tags, fields) of every note, and every deck id, in an .apkg."""
    with zipfile.ZipFile(package) as archive:
        data = archive.read("collection.anki2")
    database = sqlite3.connect(":memory:")
    try:
        database.deserialize(data)
        notes = database.execute("select guid, tags, flds from notes order by id").fetchall()
        ((decks,),) = database.execute("select decks from col").fetchall()
    finally:
        database.close()
    return notes, {int(deck_id) for deck_id in json.loads(decks)} - {1}  # 1: Anki's Default deck


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = new_project(tmp_path_factory.mktemp("identity") / "project")
    books = project / "source" / "books"
    books.mkdir(parents=True)
    (books / "series.toml").write_text(f'title = "Series"\nbooks = ["{FIRST}", "{NAME}"]\n', encoding="utf-8")
    (project / "first.txt").write_text(write_text_dump(OWN), encoding="utf-8")
    other = replace(OWN, meta=Meta(TITLE, OWN.meta.subtitle, OWN.meta.author))
    (project / "other.txt").write_text(write_text_dump(other), encoding="utf-8")
    handbook(project, "scrape", "first.txt").assert_ok()
    handbook(project, "scrape", "other.txt", "--book", NAME).assert_ok()
    handbook(project, "build").assert_ok()
    return project


def test_the_folder_name_names_the_book_everywhere(project: Path) -> None:
    assert TITLE_SLUG != NAME
    assert sorted(p.name for p in (project / "source" / "books").iterdir()) == [FIRST, NAME, "series.toml"]
    canonical = read_markdown(project / "source" / "books" / NAME / "handbook")
    assert canonical.meta.title == TITLE

    # deck folders, in decks/ and in the site
    decks = project / "decks" / NAME
    files = sorted(p.name for p in decks.glob("*.apkg"))
    assert files == sorted([f"{NAME}.apkg", *(f"{s.slug}.apkg" for s in canonical.sections)])
    assert sorted(p.name for p in (project / "site" / "decks" / NAME).glob("*.apkg")) == files

    # tags, note GUIDs and deck ids
    notes, deck_ids = collection_rows(decks / f"{NAME}.apkg")
    sections = {q.id: s for s, q in canonical.questions()}
    assert len(notes) == len(sections)
    for guid, tags, fields in notes:
        qid = fields.split("\x1f")[-1]
        assert tags.split() == [f"{ID_NAMESPACE}::{NAME}::{sections[qid].slug}"]
        assert guid == note_guid(next(q for _, q in canonical.questions() if q.id == qid), (NAME,))
    assert deck_ids == {
        stable_id(ID_NAMESPACE, SERIES_KEY),
        stable_id(ID_NAMESPACE, NAME),
        *(stable_id(ID_NAMESPACE, NAME, s.slug) for s in canonical.sections),
    }

    # site paths and the self-test's key for the book's grades
    site = project / "site"
    page = (site / NAME / f"01-{canonical.sections[0].slug}" / "index.html").read_text(encoding="utf-8")
    assert f'data-study-book="{NAME}"' in page
    assert f"decks/{NAME}/{canonical.sections[0].slug}.apkg" in page
    home = (site / "index.html").read_text(encoding="utf-8")
    assert f'href="{NAME}/"' in home and f"decks/{NAME}/{NAME}.apkg" in home

    # and the title's slug nowhere
    assert not (site / TITLE_SLUG).exists() and not (project / "decks" / TITLE_SLUG).exists()
    for path in site.rglob("*.html"):
        assert TITLE_SLUG not in path.read_text(encoding="utf-8"), path
    assert all(TITLE_SLUG not in tags for _, tags, _ in notes)


def test_check_reads_the_book_by_its_folder_name(project: Path) -> None:
    result = handbook(project, "check")
    result.assert_ok()
    assert f"deck {NAME}/{NAME}.apkg [{NAME}]" in result.stdout
    assert TITLE_SLUG not in result.stdout
