"""`handbook normalize`: the committed Markdown is reproduced, bad input is refused cleanly."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.fileio import MARKER
from pipeline.model import Text, block_inlines, flat_inlines, question_formulas
from pipeline.readers.markdown import read_markdown
from tests.layout import BOOK

HANDBOOK = BOOK.handbook_dir
SNAPSHOT = BOOK.raw_dir / "dl-concepts.txt"
SECTIONS = [
    "Machine Learning in General",
    "Optimization procedures",
    "Sequence Modeling",
    "Autoencoders",
    "Representation Learning",
    "Monte Carlo Methods",
    "Adversarial Attacks",
]


def run_normalize(tmp_path: Path, snapshot: Path | None = None, errata: Path | None = None) -> tuple:
    tmp_path.mkdir(parents=True, exist_ok=True)
    out = tmp_path / "handbook"
    ids = tmp_path / "ids.tsv"
    shutil.copy(BOOK.ids_file, ids)
    args = ["normalize", "--out", str(out), "--ids", str(ids), "--errata", str(errata or BOOK.errata_file)]
    if snapshot:
        args.insert(1, str(snapshot))
    result = CliRunner().invoke(main, args)
    return result, out


def files(directory: Path) -> dict[str, bytes]:
    """Every file under `directory` (the figures' SVGs too), by relative path."""
    return {
        str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()
    }


def test_normalize_reproduces_the_committed_markdown(tmp_path: Path, update_golden: bool) -> None:
    result, out = run_normalize(tmp_path)
    assert result.exit_code == 0, result.output
    assert "7 sections, 94 questions" in result.output
    if update_golden:
        shutil.rmtree(HANDBOOK)
        shutil.copytree(out, HANDBOOK)
    assert files(out) == files(HANDBOOK), "run `pytest --update-golden` after reviewing the diff"
    assert "7 figures, 7 drawn" in result.output  # a fresh folder: every SVG drawn from its script
    # Again, over a copy of that output: the Markdown is written anew and must not change
    # (the figures, up to date, are not drawn twice: the comparison above proved them).
    shutil.copytree(out, tmp_path / "second" / "handbook")
    again, out2 = run_normalize(tmp_path / "second")
    assert again.exit_code == 0 and "7 figures, 0 drawn, 7 up to date" in again.output
    assert files(out2) == files(out)


def test_sections_and_questions(canonical) -> None:
    assert [s.title for s in canonical.sections] == SECTIONS
    assert [s.slug for s in canonical.sections][3] == "autoencoders"
    assert sum(1 for _ in canonical.questions()) == 94
    ids = [q.id for _, q in canonical.questions()]
    assert len(set(ids)) == 94


TWICE = re.compile(r"(?<![\w\\’'])([A-Za-z0-9]{1,8})\1(?!\w)")  # `TT`, `1010`, `kk`; not `we’ll`
TEX_COMMAND = re.compile(r"\\[A-Za-z]{2,}")


def prose_texts(question) -> list[str]:
    inlines = list(flat_inlines(question.title))
    for block in question.answer:
        inlines += flat_inlines(tuple(block_inlines(block)))
    return [i.text for i in inlines if isinstance(i, Text)]


def test_no_doubled_math_left(canonical) -> None:
    for _, question in canonical.questions():
        texts = prose_texts(question)
        assert not [t for t in texts if TWICE.search(t)], question.id
        assert not [t for t in texts if TEX_COMMAND.search(t)], question.id
        assert all(tex.strip() for tex, _ in question_formulas(question)), question.id


def test_markdown_round_trip_is_byte_identical(tmp_path: Path, canonical) -> None:
    from pipeline.writers.markdown import write_markdown

    svgs = {p.name: p.read_bytes() for p in (HANDBOOK / "figures").iterdir()}
    write_markdown(canonical, tmp_path / "again", figures=svgs)
    markdown = {
        name: data for name, data in files(HANDBOOK).items() if name not in (MARKER, ".inputs.sha256")
    }
    written = files(tmp_path / "again")
    assert written.pop(MARKER).startswith(b"Written by `handbook normalize`")
    assert written == markdown
    assert read_markdown(tmp_path / "again") == canonical


BAD_INPUTS = {
    "empty": (b"", "is empty"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "binary"),
    "non-utf8": ("Deep Learning\n\nTable of Contents\n\ncaf\u00e9\n".encode("latin-1"), "not UTF-8"),
    "no questions": (b"Title\n\nSubtitle\n\nTable of Contents\n\nA\n\nA\n\nJust prose.\n", "no questions"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_one_line_and_leaves_output(tmp_path: Path, name: str) -> None:
    data, message = BAD_INPUTS[name]
    snapshot = tmp_path / "snapshot.txt"
    snapshot.write_bytes(data)
    assert_refused(tmp_path, snapshot, None, message)


def test_truncated_dump_is_refused(tmp_path: Path) -> None:
    snapshot = tmp_path / "snapshot.txt"
    text = SNAPSHOT.read_text(encoding="utf-8")
    snapshot.write_text(text[: len(text) // 2], encoding="utf-8")
    assert_refused(tmp_path, snapshot, None, "truncated")


def test_stale_errata_entry_is_named(tmp_path: Path) -> None:
    errata = tmp_path / "errata.toml"
    errata.write_text(
        (BOOK.errata_file).read_text().replace("sum the result.", "sum the results."),
        encoding="utf-8",
    )
    assert_refused(tmp_path, None, errata, "errata entry #2 (what-is-cross-entropy-loss")


def assert_refused(tmp_path: Path, snapshot: Path | None, errata: Path | None, message: str) -> None:
    out = tmp_path / "handbook"
    shutil.copytree(HANDBOOK, out)
    before = files(out)
    result, out = run_normalize(tmp_path, snapshot, errata)
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert files(out) == before


def test_normalize_is_due_only_when_snapshot_or_errata_change(tmp_path: Path) -> None:
    from pipeline.book import book_at, is_stale

    assert not is_stale(BOOK)
    copy = tmp_path / BOOK.slug
    shutil.copytree(BOOK.folder, copy)
    assert not is_stale(book_at(copy))
    book_at(copy).errata_file.write_text(BOOK.errata_file.read_text() + "\n# a new comment\n")
    assert is_stale(book_at(copy))


def test_another_dump_leaves_this_handbooks_errata_and_ids_alone(tmp_path: Path) -> None:
    """Normalizing someone else's dump reads no errata and saves no ids unless asked to."""
    from tests.generators.text_dump import write_text_dump
    from tests.writers.test_text_dump import OWN

    dump = tmp_path / "other.txt"
    dump.write_text(write_text_dump(OWN), encoding="utf-8")
    book = {name: (BOOK.folder / name).read_bytes() for name in ("errata.toml", "question-ids.tsv")}
    result = CliRunner().invoke(main, ["normalize", str(dump), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "0 from errata" in result.output and "residue audit: " in result.output
    assert {name: (BOOK.folder / name).read_bytes() for name in book} == book
    assert read_markdown(tmp_path / "out").sections[0].title == "Probability Basics"

    ids = tmp_path / "ids.tsv"  # named explicitly: then it is written
    result = CliRunner().invoke(
        main, ["normalize", str(dump), "--out", str(tmp_path / "out2"), "--ids", str(ids)]
    )
    assert result.exit_code == 0, result.output
    assert "what-is-a-kernel" in ids.read_text(encoding="utf-8")
