"""Output folders: only what the pipeline wrote is replaced; published files are 0644, folders 0755."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import pipeline
from pipeline.cli import main
from pipeline.errors import FORCE, HandbookError
from pipeline.fileio import (
    MARKER,
    check_output_dir,
    check_replaceable,
    marker_text,
    replaced_dir,
    write_atomic,
    write_into_dir,
    write_subdir,
)
from tests.layout import ROOT

WRITER = "handbook build-site"


@pytest.fixture
def private_umask() -> Iterator[None]:
    previous = os.umask(0o077)
    yield
    os.umask(previous)


def modes(folder: Path) -> set[str]:
    return {stat.filemode(p.stat().st_mode) for p in [folder, *folder.rglob("*")]}


def fill(staging: Path) -> None:
    (staging / "index.html").write_text("new")
    (staging / "assets").mkdir()
    (staging / "assets" / "site.css").write_text("css")


def test_a_new_folder_is_marked_and_published_with_shared_modes(tmp_path: Path, private_umask: None) -> None:
    target = tmp_path / "site"
    with replaced_dir(target, WRITER) as staging:
        fill(staging)
    assert (target / MARKER).read_text() == marker_text(WRITER)
    assert modes(target) == {"drwxr-xr-x", "-rw-r--r--"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no staging or old folder left


def test_a_marked_folder_is_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "site"
    with replaced_dir(target, WRITER) as staging:
        (staging / "stale.html").write_text("old")
    with replaced_dir(target, WRITER) as staging:
        fill(staging)
    assert sorted(p.name for p in target.iterdir()) == [MARKER, "assets", "index.html"]


def test_an_empty_folder_is_taken(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    with replaced_dir(tmp_path / "site", WRITER) as staging:
        fill(staging)
    assert (tmp_path / "site" / MARKER).exists()


def test_a_folder_of_other_files_is_refused_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "Downloads"
    target.mkdir()
    (target / "thesis.txt").write_text("mine")
    with pytest.raises(
        HandbookError,
        match=r"Downloads is not empty and was not written by handbook "
        r"\(it holds thesis.txt\): choose an empty or new folder$",
    ) as refused:
        with replaced_dir(target, WRITER) as staging:
            pytest.fail("refused before any work")
    assert refused.value.remedy == FORCE  # the CLI names --force
    assert (target / "thesis.txt").read_text() == "mine"
    with replaced_dir(target, WRITER, force=True) as staging:
        fill(staging)
    assert not (target / "thesis.txt").exists()


def test_a_file_is_never_replaced_even_forced(tmp_path: Path) -> None:
    target = tmp_path / "hostname"
    target.write_text("box\n")
    for force in (False, True):
        with pytest.raises(HandbookError, match="hostname is a file, not a folder"):
            check_output_dir(target, WRITER, force=force)
    assert target.read_text() == "box\n"


def test_another_commands_folder_is_refused(tmp_path: Path) -> None:
    with replaced_dir(tmp_path / "decks", "handbook export-anki") as staging:
        (staging / "a.apkg").write_bytes(b"deck")
    with pytest.raises(HandbookError, match="decks holds the output of `handbook export-anki`"):
        check_output_dir(tmp_path / "decks", WRITER)


def test_a_failed_build_leaves_the_folder_as_it_was(tmp_path: Path) -> None:
    target = tmp_path / "site"
    with replaced_dir(target, WRITER) as staging:
        fill(staging)
    with pytest.raises(RuntimeError):
        with replaced_dir(target, WRITER) as staging:
            (staging / "half.html").write_text("half")
            raise RuntimeError("the build broke")
    assert sorted(p.name for p in target.iterdir()) == [MARKER, "assets", "index.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_default_folder_from_before_markers_is_adopted_when_nothing_else_is_in_it(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("old build")
    with pytest.raises(HandbookError, match=r"site is not empty and was not written by handbook"):
        with replaced_dir(site, WRITER) as staging:  # a folder the user named is never adopted
            fill(staging)
    with replaced_dir(site, WRITER, adopt=True) as staging:  # the CLI's default site/
        fill(staging)
    assert (site / "index.html").read_text() == "new" and (site / MARKER).exists()
    (site / MARKER).unlink()
    (site / "thesis.txt").write_text("mine")
    with pytest.raises(HandbookError, match=r"site is not empty .*it holds thesis.txt"):
        with replaced_dir(site, WRITER, adopt=True) as staging:
            fill(staging)
    assert (site / "thesis.txt").read_text() == "mine"


def test_the_cli_adopts_only_its_own_default_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unmarked site/ from before markers is taken over by `build-site`; the same folder
    named with --site is the user's, and is refused."""
    from click.testing import CliRunner

    import pipeline.site
    from pipeline.cli import main

    calls: list[bool] = []
    monkeypatch.setattr(
        pipeline.site, "build_site", lambda *args, adopt, **kwargs: calls.append(adopt) or _Report()
    )
    runner = CliRunner()
    assert runner.invoke(main, ["build-site"]).exit_code == 0
    assert runner.invoke(main, ["build-site", "--site", "site"]).exit_code == 0
    assert calls == [True, False]


class _Report:
    def summary(self) -> str:
        return "built"


def test_adding_files_keeps_the_others_and_marks_only_a_new_folder(
    tmp_path: Path, private_umask: None
) -> None:
    new = tmp_path / "decks"
    write_into_dir(new, {"a.apkg": b"a"}, "handbook export-anki")
    assert (new / MARKER).exists() and modes(new) == {"drwxr-xr-x", "-rw-r--r--"}
    theirs = tmp_path / "Downloads"
    theirs.mkdir()
    (theirs / "thesis.txt").write_text("mine")
    with pytest.raises(HandbookError, match="Downloads is not empty"):
        write_into_dir(theirs, {"a.apkg": b"a"}, "handbook export-anki")
    write_into_dir(theirs, {"a.apkg": b"a"}, "handbook export-anki", force=True)
    assert sorted(p.name for p in theirs.iterdir()) == ["a.apkg", "thesis.txt"]  # unmarked: never swapped


def test_write_atomic_publishes_0644_and_replaces_only_regular_files(
    tmp_path: Path, private_umask: None
) -> None:
    path = tmp_path / "ids.tsv"
    write_atomic(path, "x")
    assert stat.filemode(path.stat().st_mode) == "-rw-r--r--"
    (tmp_path / "folder").mkdir()
    with pytest.raises(HandbookError, match="folder is not a regular file"):
        write_atomic(tmp_path / "folder", "x")


def test_section_export_adds_to_a_forced_folder_and_publishes_0644(
    tmp_path: Path, private_umask: None
) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "thesis.txt").write_text("mine")
    runner = CliRunner()
    refused = runner.invoke(main, ["export-anki", "--section", "autoencoders", "--out", str(notes)])
    assert refused.exit_code == 1 and "--force" in refused.output
    forced = runner.invoke(main, ["export-anki", "--section", "autoencoders", "--out", str(notes), "--force"])
    assert forced.exit_code == 0, forced.output
    assert sorted(p.name for p in notes.iterdir()) == ["deep-learning-concepts", "thesis.txt"]
    deck = notes / "deep-learning-concepts" / "autoencoders.apkg"
    assert stat.filemode(deck.stat().st_mode) == "-rw-r--r--"


def test_a_folder_of_folders_is_made_with_its_first_one_or_not_at_all(
    tmp_path: Path, private_umask: None
) -> None:
    decks = tmp_path / "decks"
    with pytest.raises(HandbookError, match="cannot write"):
        write_subdir(decks, "book", {"missing/a.apkg": b"a"}, "handbook export-anki", replace_all=True)
    assert not decks.exists() and list(tmp_path.iterdir()) == []
    write_subdir(decks, "book", {"a.apkg": b"a"}, "handbook export-anki", replace_all=True)
    assert {str(p.relative_to(decks)) for p in decks.rglob("*")} == {
        MARKER,
        "book",
        f"book/{MARKER}",
        "book/a.apkg",
    }
    assert modes(decks) == {"drwxr-xr-x", "-rw-r--r--"}
    write_subdir(decks, "other", {"b.apkg": b"b"}, "handbook export-anki", replace_all=False)
    write_subdir(decks, "book", {"c.apkg": b"c"}, "handbook export-anki", replace_all=True)
    assert sorted(p.name for p in (decks / "book").iterdir()) == [MARKER, "c.apkg"]
    assert sorted(p.name for p in (decks / "other").iterdir()) == [MARKER, "b.apkg"]


# Folders no output may be, whatever force says, checked on the guard itself: a row that ran a
# command with --force over them would destroy them if the guard ever failed.
NEVER_REPLACED = {
    "the Python environment running handbook": Path(sys.prefix),
    "the Python installation running handbook": Path(sys.base_prefix),
    "handbook's code": Path(pipeline.__file__).parent,
    "the node_modules handbook uses": ROOT / "node_modules",
    "a folder inside the running Python": Path(sys.prefix) / "lib",
    "the root folder": Path("/"),
    "a folder of the system": Path("/usr"),
    "another folder of the system": Path("/etc"),
    "a mount point": Path("/proc"),
}


@pytest.mark.parametrize("name", NEVER_REPLACED)
def test_the_program_and_the_system_are_never_replaced(name: str) -> None:
    with pytest.raises(HandbookError, match="choose a folder of its own for the output"):
        check_replaceable(NEVER_REPLACED[name])


def test_the_guard_knows_every_input_of_a_book() -> None:
    """fileio sits below pipeline.book, so it lists a book's inputs itself: the same names."""
    from pipeline.book import Book
    from pipeline.fileio import BOOK_INPUTS

    parts = {part.name for part in vars(Book).values() if type(part).__name__ == "_Part"}
    assert set(BOOK_INPUTS) == parts | {"handbook"}
