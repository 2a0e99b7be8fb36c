"""`export_anki` and the `export-anki` command: files, errors, the modification time."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

import pipeline.anki
from pipeline.anki import build_time, export_anki
from pipeline.book import markdown_book
from pipeline.cli import main
from pipeline.errors import HandbookError
from pipeline.fileio import MARKER, marker_text
from pipeline.site_config import configured_site_url
from pipeline.source_time import git_clean, git_commit_time
from pipeline.writers.site import deck_files
from tests.anki_export.anki_fixtures import RICH, SOURCE_TIME, rich_handbook, set_mtime, write_source
from tests.builders import handbook, para, question, section


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return write_source(rich_handbook(), tmp_path / "handbook")


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_full_export_writes_the_books_folder_every_section_and_the_whole_book(
    source: Path, tmp_path: Path
) -> None:
    out = tmp_path / "decks"
    report = export_anki(markdown_book(source), out, None)
    assert listing(out) == [
        MARKER,
        RICH,
        f"{RICH}/{MARKER}",
        f"{RICH}/basics.apkg",
        f"{RICH}/structure.apkg",
        f"{RICH}/{RICH}.apkg",
    ]
    assert report.out_dir == out / RICH
    assert report.decks == (("basics.apkg", 2), ("structure.apkg", 1), (f"{RICH}.apkg", 3))
    assert "3 notes" in report.summary() and "file modification times" in report.summary()


def test_a_full_export_replaces_its_books_folder_only(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    export_anki(markdown_book(source), out, None)
    (out / RICH / "stale.apkg").write_bytes(b"a section that is gone")
    (out / "other-book").mkdir()
    (out / "other-book" / "other-book.apkg").write_bytes(b"kept")
    export_anki(markdown_book(source), out, None)
    assert "stale.apkg" not in listing(out / RICH) and (out / "other-book" / "other-book.apkg").exists()


def test_the_decks_of_before_book_folders_are_retired(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    out.mkdir()
    (out / MARKER).write_text(marker_text(pipeline.anki.WRITER))  # decks/ as exports wrote it before
    for name in ("handbook.apkg", "basics.apkg"):
        (out / name).write_bytes(b"old")
    export_anki(markdown_book(source), out, ["basics"])  # a section adds its file, removes nothing
    assert (out / "handbook.apkg").exists()
    export_anki(markdown_book(source), out, None)
    assert sorted(p.name for p in out.iterdir()) == [MARKER, RICH]


def test_section_export_writes_only_that_deck(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    export_anki(markdown_book(source), out, ["structure"])
    assert listing(out) == [MARKER, RICH, f"{RICH}/{MARKER}", f"{RICH}/structure.apkg"]
    (out / RICH / "other.apkg").write_bytes(b"kept")
    export_anki(markdown_book(source), out, ["basics"])
    assert listing(out / RICH) == [MARKER, "basics.apkg", "other.apkg", "structure.apkg"]


def test_a_section_named_like_its_book_keeps_the_whole_books_file(tmp_path: Path) -> None:
    named = handbook(
        section(RICH, "Test Handbook", question("q", "Q?", para("A."))),
        section("more", "More", question("r", "R?", para("B."))),
        title="Test Handbook",
    )
    report = export_anki(markdown_book(write_source(named, tmp_path / "handbook")), tmp_path / "decks", None)
    assert report.decks == ((f"{RICH}.section.apkg", 1), ("more.apkg", 1), (f"{RICH}.apkg", 2))
    assert deck_files(named, RICH) == [
        ("All sections", f"{RICH}/{RICH}.apkg"),
        ("Test Handbook", f"{RICH}/{RICH}.section.apkg"),
        ("More", f"{RICH}/more.apkg"),
    ]


def test_folders_of_someone_elses_files_are_refused(source: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "thesis.txt").write_text("mine")
    with pytest.raises(
        HandbookError, match=r"notes is not empty and was not written by handbook \(it holds thesis"
    ):
        export_anki(markdown_book(source), notes, None)
    decks = tmp_path / "decks"
    (decks / RICH).mkdir(parents=True)
    (decks / MARKER).write_text(marker_text(pipeline.anki.WRITER))
    (decks / RICH / "mine.txt").write_text("mine")
    for sections in (None, ["basics"]):
        with pytest.raises(HandbookError, match=f"{RICH} is not empty and was not written by handbook"):
            export_anki(markdown_book(source), decks, sections)
    assert listing(tmp_path / "notes") == ["thesis.txt"] and listing(decks) == [
        MARKER,
        RICH,
        f"{RICH}/mine.txt",
    ]


def test_unknown_section_lists_the_valid_ones(source: Path, tmp_path: Path) -> None:
    with pytest.raises(HandbookError, match="unknown section 'nope'; choose from: basics, structure"):
        export_anki(markdown_book(source), tmp_path / "decks", ["basics", "nope"])
    assert not (tmp_path / "decks").exists()


def test_cli_exports_a_section_and_reports_unknown_slugs(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    runner = CliRunner()
    done = runner.invoke(
        main, ["export-anki", "--handbook", str(source), "--section", "basics", "--out", str(out)]
    )
    assert done.exit_code == 0, done.output
    assert (out / RICH / "basics.apkg").exists()
    failed = runner.invoke(
        main, ["export-anki", "--handbook", str(source), "--section", "x", "--out", str(out)]
    )
    assert failed.exit_code == 1
    assert failed.output == "Error: unknown section 'x'; choose from: basics, structure\n"


def test_exporting_twice_gives_identical_bytes(source: Path, tmp_path: Path) -> None:
    export_anki(markdown_book(source), tmp_path / "a", None)
    export_anki(markdown_book(source), tmp_path / "b", None)
    for path in (tmp_path / "a" / RICH).iterdir():
        assert path.read_bytes() == (tmp_path / "b" / RICH / path.name).read_bytes(), path.name


def test_time_is_the_newest_source_file_outside_git(source: Path) -> None:
    assert build_time(source) == (SOURCE_TIME, "file modification times")
    os.utime(next(source.glob("01-*.md")), (SOURCE_TIME + 5, SOURCE_TIME + 5))
    assert build_time(source)[0] == SOURCE_TIME + 5


def test_source_date_epoch_wins(source: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1234567890")
    assert build_time(source) == (1234567890, "SOURCE_DATE_EPOCH")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(HandbookError, match="SOURCE_DATE_EPOCH"):
        build_time(source)


def _git(repo: Path, *args: str, date: int = SOURCE_TIME) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "GIT_AUTHOR_DATE": f"@{date} +0000",
        "GIT_COMMITTER_DATE": f"@{date} +0000",
    }
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def test_card_modules_count_like_the_markdown(source: Path, tmp_path: Path, monkeypatch) -> None:
    styling = tmp_path / "styling.py"
    styling.write_text("CSS = 'changed'\n", encoding="utf-8")
    os.utime(styling, (SOURCE_TIME + 100, SOURCE_TIME + 100))
    fake = type(os)("styling")
    fake.__file__ = str(styling)
    monkeypatch.setattr(pipeline.anki, "CARD_MODULES", pipeline.anki.CARD_MODULES + (fake,))
    assert build_time(source)[0] == SOURCE_TIME + 100


def test_git_decides_only_for_clean_tracked_files(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    tracked = repo / "a.md"
    tracked.write_text("a\n", encoding="utf-8")
    _git(repo, "init", "-q")
    _git(repo, "add", "a.md")
    _git(repo, "commit", "-q", "-m", "a", date=1_600_000_000)
    os.utime(tracked, (SOURCE_TIME, SOURCE_TIME))  # a fresh clone's mtime: ignored
    assert git_commit_time([tracked]) == 1_600_000_000 and git_clean([tracked])
    untracked = repo / "b.md"
    untracked.write_text("b\n", encoding="utf-8")
    assert not git_clean([tracked, untracked])
    untracked.unlink()
    tracked.write_text("a, edited\n", encoding="utf-8")
    assert not git_clean([tracked])
    assert git_commit_time([tmp_path / "elsewhere.md"]) is None


def test_build_time_in_a_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline.anki, "CARD_MODULES", ())  # only the repository's files count
    monkeypatch.setattr(pipeline.anki, "CARD_FILES", ())
    repo = write_source(rich_handbook(), tmp_path / "repo")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "handbook", date=1_600_000_000)
    assert build_time(repo) == (1_600_000_000, "the last git commit")
    edited = next(repo.glob("01-*.md"))
    edited.write_text(edited.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    os.utime(edited, (1_600_000_500, 1_600_000_500))
    assert build_time(repo) == (SOURCE_TIME, "file modification times")  # other files' mtimes
    set_mtime(repo, 1_500_000_000)  # edits dated before the commit never go back in time
    assert build_time(repo) == (1_600_000_000, "file modification times")


def test_site_url_comes_from_mkdocs_yml(tmp_path: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    assert configured_site_url(config) == ""
    config.write_text("site_name: x\n# site_url: https://no.example/\n", encoding="utf-8")
    assert configured_site_url(config) == ""
    config.write_text('site_name: x\nsite_url: "https://me.github.io/hb/"\n', encoding="utf-8")
    assert configured_site_url(config) == "https://me.github.io/hb/"


def test_cli_prints_a_short_summary_and_one_line_per_deck(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    args = ["export-anki", "--handbook", str(source), "--out", str(out)]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    state = source.parent / "question-state.tsv"
    assert first.output == (
        f"Wrote 3 decks, 3 notes, to {out}/{RICH}/\n"
        f"Notes: 3 changed since {state}, dated 2033-05-18 03:33:20 UTC "
        "(from file modification times); 0 unchanged keep their time; "
        "the note type (templates, CSS) changed\n"
        "  basics.apkg            2 notes\n"
        "  structure.apkg         1 notes\n"
        "  test-handbook.apkg     3 notes\n"
    )
    again = CliRunner().invoke(main, args)
    assert again.output.splitlines()[1] == f"Notes: no note changed since {state}: every note keeps its time"


def test_a_section_export_dates_its_changed_notes_and_keeps_the_other_rows(
    source: Path, tmp_path: Path
) -> None:
    state = source.parent / "question-state.tsv"
    export_anki(markdown_book(source), tmp_path / "decks", None, timestamp=SOURCE_TIME)
    before = state.read_text(encoding="utf-8")
    path = next(source.glob("*-structure.md"))
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    report = export_anki(markdown_book(source), tmp_path / "decks", ["structure"], timestamp=SOURCE_TIME + 9)
    assert report.changed == ("q-structure",)
    rows = [line.split("\t") for line in state.read_text(encoding="utf-8").splitlines()]
    old = [line.split("\t") for line in before.splitlines()]
    assert [row[0] for row in rows] == [row[0] for row in old]
    assert [row for row in rows if row not in old] == [
        ["q-structure", rows[-1][1], str(SOURCE_TIME + 9)],
    ]
