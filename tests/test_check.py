"""`handbook check` passes on the committed handbook and names a tampered question."""

from __future__ import annotations

import shutil
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.book import markdown_book
from pipeline.cli import main
from tests.cli_runs import shared_repairs
from tests.layout import BOOK
from tests.website.site_fixtures import BuiltSite


@pytest.fixture(scope="module")
def built(canonical_site: BuiltSite, canonical_decks: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's site and decks, side by side (as links: copy before changing one)."""
    root = tmp_path_factory.mktemp("built")
    (root / "site").symlink_to(canonical_site.site_dir)
    (root / "decks").symlink_to(canonical_decks)
    return root


@pytest.fixture(autouse=True)
def _repairs_shared() -> Iterator[None]:
    """check's snapshot stage repairs the real book once per worker, not once per test (same inputs, same model)."""
    with shared_repairs():
        yield


def run_check(handbook: Path, site: Path, decks: Path):
    return CliRunner().invoke(
        main, ["check", "--handbook", str(handbook), "--site", str(site), "--decks", str(decks)]
    )


def copy(built: Path, tmp_path: Path) -> tuple[Path, Path]:
    shutil.copytree(built / "site", tmp_path / "site")  # the links' targets, copied
    shutil.copytree(built / "decks", tmp_path / "decks")
    return tmp_path / "site", tmp_path / "decks"


def test_check_passes_on_the_committed_handbook(built: Path) -> None:
    result = run_check(BOOK.handbook_dir, built / "site", built / "decks")
    assert result.exit_code == 0, result.output
    assert "snapshot + repairs + errata" in result.output
    assert f"deck {BOOK.slug}/{BOOK.slug}.apkg" in result.output and "problem" in result.output
    assert f"deck {BOOK.slug}/autoencoders.apkg" in result.output


def test_a_deck_no_export_wrote_is_named_and_a_missing_folder_too(built: Path, tmp_path: Path) -> None:
    site, decks = copy(built, tmp_path)
    (decks / BOOK.slug / "autoencoders.apkg").rename(decks / BOOK.slug / "gone-section.apkg")
    result = run_check(BOOK.handbook_dir, site, decks)
    assert result.exit_code == 1
    assert (
        f"Error: deck {BOOK.slug}/gone-section.apkg: {decks / BOOK.slug / 'gone-section.apkg'} is neither "
        "the book's deck nor a section's"
    ) in result.output
    result = run_check(BOOK.handbook_dir, site, tmp_path / "nothing")
    assert result.output == (
        f"Error: no decks in {tmp_path / 'nothing' / BOOK.slug}: run `handbook export-anki` first\n"
    )


def test_a_tampered_formula_in_the_site_is_named(built: Path, tmp_path: Path) -> None:
    site, decks = copy(built, tmp_path)
    page = site / "01-machine-learning-in-general" / "index.html"
    html = page.read_text(encoding="utf-8")
    start = html.index(r"\(\theta\)", html.index('<details class="question"'))
    html = html[:start] + html[start:].replace(r"\(\theta\)", r"\(\vartheta\)", 1)
    page.write_text(html, encoding="utf-8")
    result = run_check(BOOK.handbook_dir, site, decks)
    assert result.exit_code == 1
    assert (
        "Error: site pages: question 'derive-the-normal-equation-for-linear-regression' has a "
        "different answer" in result.output
    )


def test_a_question_without_its_permalink_is_named(built: Path, tmp_path: Path) -> None:
    site, decks = copy(built, tmp_path)
    page = site / "04-autoencoders" / "index.html"
    html = page.read_text(encoding="utf-8")
    link = '<a class="headerlink" href="#what-is-an-autoencoder-what-does-it-auto"'
    page.write_text(html.replace(link, link.replace("headerlink", "unrelated")), encoding="utf-8")
    result = run_check(BOOK.handbook_dir, site, decks)
    assert result.exit_code == 1
    assert (
        "Error: site pages: question 'what-is-an-autoencoder-what-does-it-auto' has no permalink"
        in result.output
    )


def test_a_tampered_deck_field_is_named(built: Path, tmp_path: Path) -> None:
    site, decks = copy(built, tmp_path)
    deck = decks / BOOK.slug / "autoencoders.apkg"
    with zipfile.ZipFile(deck) as package:
        collection = package.read("collection.anki2")
    database = sqlite3.connect(":memory:")
    database.deserialize(collection)
    ((note_id, fields),) = database.execute("select id, flds from notes order by id limit 1").fetchall()
    database.execute("update notes set flds = ? where id = ?", (fields.replace("noise", "nose", 1), note_id))
    database.commit()
    with zipfile.ZipFile(deck, "w") as package:
        package.writestr("collection.anki2", database.serialize())
        package.writestr("media", "{}")
    result = run_check(BOOK.handbook_dir, site, decks)
    assert result.exit_code == 1
    assert (
        f"Error: deck {BOOK.slug}/autoencoders.apkg: question 'what-is-an-autoencoder-what-does-it-auto' "
        "has a different answer" in result.output
    )


def test_a_tampered_markdown_line_is_named(built: Path, tmp_path: Path) -> None:
    handbook = tmp_path / "handbook"
    shutil.copytree(BOOK.handbook_dir, handbook)
    section = handbook / "04-autoencoders.md"
    section.write_text(
        section.read_text(encoding="utf-8").replace(
            "while learning how to ignore noise", "while learning how to ignore signal"
        ),
        encoding="utf-8",
    )
    result = run_check(handbook, built / "site", built / "decks")
    assert result.exit_code == 1
    assert "question 'what-is-an-autoencoder-what-does-it-auto' has a different answer" in result.output


def test_residue_not_accepted_or_accepted_in_vain_fails(built: Path, tmp_path: Path, monkeypatch) -> None:
    import pipeline.book

    accepted = BOOK.audit_file.read_text(encoding="utf-8")
    stale = tmp_path / "stale.toml"
    stale.write_text(
        accepted + '\n[[accepted]]\nquestion = "index"\nkind = "repeated"\n'
        'text = "the the"\nreason = "fixed long ago"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(pipeline.book.Book, "audit_file", property(lambda book: stale))
    result = run_check(BOOK.handbook_dir, built / "site", built / "decks")
    assert result.exit_code == 1
    assert (
        "Error: residue audit: stale acceptance (matches no finding): index: repeated: 'the the'"
        in result.output
    )

    missing = tmp_path / "missing.toml"
    missing.write_text(
        accepted.split("[[accepted]]", 1)[0] + "[[accepted]]" + accepted.split("[[accepted]]", 2)[2],
        encoding="utf-8",
    )  # the first entry removed
    monkeypatch.setattr(pipeline.book.Book, "audit_file", property(lambda book: missing))
    result = run_check(BOOK.handbook_dir, built / "site", built / "decks")
    assert result.exit_code == 1
    assert (
        "Error: residue audit: finding not accepted: what-is-greedy-layer-wise-unsupervised-pretraining-glup"
        in result.output
    )


def test_check_reads_every_book_of_a_site_of_several(built: Path, tmp_path: Path) -> None:
    from pipeline.anki import export_anki
    from pipeline.check import check
    from pipeline.site import build_site
    from tests.website.site_fixtures import SECOND_SLUG, write_second_book

    second = markdown_book(write_second_book(tmp_path / "second" / "handbook"))
    decks = tmp_path / "decks"
    shutil.copytree(built / "decks", decks)
    export_anki(second, decks, None, series="Series")
    build_site(BOOK, tmp_path / "site", more_books=[second], series_title="Series")
    report = check(BOOK, tmp_path / "site", decks, more_books=[second], series_title="Series")
    assert report.ok, report.table()
    for stage in ("site pages", f"deck {SECOND_SLUG}/{SECOND_SLUG}.apkg", "canonical Markdown"):
        assert f"{stage} [{SECOND_SLUG}]" in report.table()
    (tmp_path / "site" / SECOND_SLUG / "01-priors" / "index.html").unlink()
    report = check(BOOK, tmp_path / "site", decks, more_books=[second], series_title="Series")
    assert report.failure() == f"site pages [{SECOND_SLUG}]: question 'what-is-a-prior' appears 0 times"
