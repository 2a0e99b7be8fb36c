"""The inputs people actually type, one row each: a one-line refusal, and nothing of theirs touched.

Every row runs the `handbook` command in a copy of a checkout (source/, mkdocs.yml, a
built-looking site/ and decks/, and files of the user's own; a throw-away git clone for
the --force rows) and must be refused (tests/cli_rows.py: exit 1, one `Error: …` line,
no traceback, within a bound, not one file changed, appeared or vanished). The rows whose
set-up needs code are here; the rest are data, tests/fixtures/bad_inputs.toml; this one
runner runs both. Rows run in-process (tests/cli_runs.py); a few run the installed
executable (THROUGH_THE_EXECUTABLE).
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli_rows import (
    Row,
    cloned_checkout,
    digests,
    expected,
    plain_checkout,
    row_env,
    run_row,
    table_rows,
)
from tests.layout import BOOK_DIR

HANDBOOK = Path(sys.executable).with_name("handbook")
SECTION = "04-autoencoders.md"
FIRST_AUTOENCODER_QUESTION = "what-is-an-autoencoder-what-does-it-auto"
IS_ROOT = os.geteuid() == 0

# Each hostile TeX command, as it would be typed into an answer.
HOSTILE_TEX = {
    "href-javascript": r"\href{javascript:alert(1)}{x}",
    "href-data": r"\href{data:text/html,<script>alert(1)</script>}{x}",
    "url-javascript": r"\url{javascript:alert(1)}",
    "htmlClass": r"\htmlClass{evil}{x}",
    "htmlId": r"\htmlId{evil}{x}",
    "htmlStyle": r"\htmlStyle{position:fixed}{x}",
    "htmlData": r"\htmlData{foo=bar}{x}",
    "class": r"\class{evil}{x}",
    "cssId": r"\cssId{evil}{x}",
    "style": r"\style{position:fixed}{x}",
    "data": r"\data{foo=bar}{x}",
    "require": r"\require{html}",
    "includegraphics": r"\includegraphics{https://example.com/x.png}",
}


# --- setups --------------------------------------------------------------------


def fifo(name: str) -> Callable[[Path], None]:
    return lambda checkout: os.mkfifo(checkout / name)


def folder(name: str) -> Callable[[Path], None]:
    return lambda checkout: (checkout / name).mkdir()


def oversize(checkout: Path) -> None:
    seed = (checkout / BOOK_DIR / "raw" / "dl-concepts.txt").read_bytes()
    (checkout / "big.txt").write_bytes(seed * 50)  # 5.4 MB: the seed repeated, as in the issue


def read_only_folder(checkout: Path) -> None:
    (checkout / "readonly").mkdir()
    (checkout / "readonly").chmod(0o555)


def hostile_handbook(tex: str) -> Callable[[Path], None]:
    """A copy of the handbook whose first autoencoder answer starts with `$tex$`."""

    def setup(checkout: Path) -> None:
        copy = checkout / "hostile"
        shutil.copytree(checkout / BOOK_DIR / "handbook", copy)
        page = copy / SECTION
        text = page.read_text(encoding="utf-8")
        heading = text.index(f"{{#{FIRST_AUTOENCODER_QUESTION}}}\n")
        cut = text.index("\n", heading) + 1
        page.write_text(text[:cut] + f"\nSee ${tex}$ here.\n" + text[cut:], encoding="utf-8")

    return setup


def hostile_errata(checkout: Path) -> None:
    errata = checkout / BOOK_DIR / "errata.toml"
    errata.write_text(
        errata.read_text(encoding="utf-8")
        + (
            '\n[[correction]]\nquestion = "what-is-cross-entropy-loss"\nfind = "sum the result."\n'
            'replace = "sum the result. $\\\\href{javascript:alert(1)}{x}$"\nreason = "a hostile edit"\n'
        ),
        encoding="utf-8",
    )


def stalled_node(checkout: Path) -> None:
    node = checkout / "fake-node"
    node.write_text("#!/bin/sh\n# a Node that never answers\nexec sleep 600\n")
    node.chmod(0o755)


def snapshot_file(data: bytes) -> Callable[[Path], None]:
    return lambda checkout: (checkout / "snapshot.txt").write_bytes(data)


def truncated(checkout: Path) -> None:
    text = (checkout / BOOK_DIR / "raw" / "dl-concepts.txt").read_text(encoding="utf-8")
    (checkout / "snapshot.txt").write_text(text[: len(text) // 2], encoding="utf-8")


def stale_errata(checkout: Path) -> None:
    errata = checkout / BOOK_DIR / "errata.toml"
    errata.write_text(errata.read_text().replace("sum the result.", "sum the results."), encoding="utf-8")


def interrupted_scrape(checkout: Path) -> None:
    """The new snapshot renamed into place, the crash before the manifest followed."""
    snapshot = checkout / BOOK_DIR / "raw" / "dl-concepts.txt"
    snapshot.chmod(0o644)
    snapshot.write_text(snapshot.read_text(encoding="utf-8").replace("Autoencoders", "Auto-encoders"))


NOT_OURS = "notes is not empty and was not written by handbook (it holds thesis.txt)"
A_FILE = "notes.txt is a file, not a folder"
FAKE_NODE = {
    "HANDBOOK_NODE": "fake-node",
    "HANDBOOK_KATEX_TIMEOUT": "0.2",
}  # it never answers: any wait will do

ROWS: dict[str, Row] = {
    # Output folders that hold something else.
    "export-anki into a folder of other files": Row(("export-anki", "--out", "notes"), NOT_OURS),
    "export-anki --section into a folder of other files": Row(
        ("export-anki", "--section", "autoencoders", "--out", "notes"), NOT_OURS
    ),
    "build-site into a folder of other files": Row(("build-site", "--site", "notes"), NOT_OURS),
    "normalize into a folder of other files": Row(("normalize", "--out", "notes"), NOT_OURS),
    "export-anki --out a file": Row(("export-anki", "--out", "notes.txt"), A_FILE),
    "export-anki --out a file, --force": Row(("export-anki", "--out", "notes.txt", "--force"), A_FILE),
    "export-anki --section --out a file": Row(
        ("export-anki", "--section", "autoencoders", "--out", "notes.txt", "--force"), A_FILE
    ),
    "build-site --site a file": Row(("build-site", "--site", "notes.txt"), A_FILE),
    "normalize --out a file, --force": Row(("normalize", "--out", "notes.txt", "--force"), A_FILE),
    "export-anki into the site": Row(
        ("export-anki", "--out", "site"), "site holds the output of `handbook build-site`"
    ),
    "build-site into the decks": Row(
        ("build-site", "--site", "decks"), "decks holds the output of `handbook export-anki`"
    ),
    "normalize into the site": Row(
        ("normalize", "--out", "site"), "site holds the output of `handbook build-site`"
    ),
    "a file in place of a parent folder": Row(
        ("export-anki", "--out", "notes.txt/decks"), "notes.txt/decks: notes.txt is a file, not a folder"
    ),
    "export-anki under /proc": Row(
        ("export-anki", "--out", "/proc/handbook-decks"),
        "cannot write /proc/handbook-decks: No such file or directory",
    ),
    "build-site under /proc": Row(
        ("build-site", "--site", "/proc/handbook-site"),
        "cannot write /proc/handbook-site: No such file or directory",
    ),
    "export-anki --section under /proc/sys": Row(
        ("export-anki", "--section", "autoencoders", "--out", "/proc/sys/handbook"),
        "cannot write /proc/sys/handbook",
    ),
    "export-anki where even root may not write (/sys)": Row(
        ("export-anki", "--out", "/sys/handbook-decks"),
        "cannot write /sys/handbook-decks: Operation not permitted",
    ),
    "export-anki into a read-only folder (chmod 555)": Row(
        ("export-anki", "--out", "readonly/decks"),
        "cannot write readonly/decks: Permission denied",
        setup=read_only_folder,
        skip_as_root=True,
    ),
    "export-anki onto a full disk": Row(
        ("export-anki", "--out", "new-decks"), "cannot write new-decks: File too large", file_size_limit=4096
    ),
    "normalize --ids a device": Row(
        ("normalize", "--ids", "/dev/full", "--out", "new-handbook"),
        "/dev/full is a device: a question-id file must be a regular file",
    ),
    # Inputs.
    "a FIFO as the snapshot": Row(
        ("normalize", "pipe.txt"),
        "pipe.txt is a named pipe (FIFO): a snapshot must be a regular file",
        setup=fifo("pipe.txt"),
    ),
    "a directory as the snapshot": Row(
        ("normalize", "folder.txt"),
        "folder.txt is a folder: a snapshot must be a regular file",
        setup=folder("folder.txt"),
    ),
    "a device as the snapshot": Row(("normalize", "/dev/zero"), "/dev/zero is a device"),
    "an oversize snapshot": Row(
        ("normalize", "big.txt"), "big.txt is 5.4 MB, over the 5 MB limit", setup=oversize
    ),
    "scrape a FIFO": Row(
        ("scrape", "pipe.txt", "--out", "raw"), "pipe.txt is a named pipe (FIFO)", setup=fifo("pipe.txt")
    ),
    "scrape --out a file": Row(
        ("scrape", str(BOOK_DIR / "raw" / "dl-concepts.txt"), "--out", "notes.txt"),
        "notes.txt is a file, not a folder",
    ),
    "scrape --out under /proc": Row(
        ("scrape", str(BOOK_DIR / "raw" / "dl-concepts.txt"), "--out", "/proc/handbook-raw"),
        "/proc/handbook-raw: No such file or directory",
    ),
    "a FIFO as the errata": Row(
        ("normalize", "--errata", "pipe.toml"),
        "pipe.toml is a named pipe (FIFO): an errata file must be a regular file",
        setup=fifo("pipe.toml"),
    ),
    "a stalled KaTeX (Node never answers)": Row(
        ("normalize", "--out", "new-handbook"),
        "Node (fake-node) failed to answer KaTeX twice (no answer within 0.2 s; after a restart, "
        "no answer within 0.2 s)",
        setup=stalled_node,
        env=FAKE_NODE,
    ),
    "a snapshot the manifest does not describe (interrupted scrape)": Row(
        ("normalize",),
        f"{BOOK_DIR}/raw/dl-concepts.txt no longer matches the sha256 its manifest recorded",
        setup=interrupted_scrape,
    ),
    # Hostile TeX, wherever it could be written.
    "hostile TeX through the errata, in normalize": Row(
        ("normalize",),
        "question 'what-is-cross-entropy-loss' has a formula that cannot be published: "
        "\\href to 'javascript:alert(1)'",
        setup=hostile_errata,
    ),
    **{
        f"hostile TeX {name}, in {command}": Row(
            (command, "--handbook", "hostile"),
            f"question {FIRST_AUTOENCODER_QUESTION!r} has a formula that cannot be published: \\",
            setup=hostile_handbook(tex),
        )
        for name, tex in HOSTILE_TEX.items()
        for command in ("build-site", "export-anki")
    },
    # The earlier matrix of damaged snapshots, now with the whole checkout watched.
    "an empty snapshot": Row(
        ("normalize", "snapshot.txt"), "snapshot.txt is empty", setup=snapshot_file(b"")
    ),
    "a binary snapshot": Row(
        ("normalize", "snapshot.txt"),
        "binary",
        setup=snapshot_file(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20),
    ),
    "a non-UTF-8 snapshot": Row(
        ("normalize", "snapshot.txt"),
        "not UTF-8",
        setup=snapshot_file("Table of Contents\n\ncaf\u00e9\n".encode("latin-1")),
    ),
    "a truncated snapshot": Row(
        ("normalize", "snapshot.txt", "--out", "new-handbook"), "truncated", setup=truncated
    ),
    "a snapshot with no questions": Row(
        ("normalize", "snapshot.txt", "--out", "new-handbook"),
        "no questions",
        setup=snapshot_file(b"Title\n\nSubtitle\n\nTable of Contents\n\nA\n\nA\n\nJust prose.\n"),
    ),
    "a stale errata entry": Row(
        ("normalize",), "errata entry #2 (what-is-cross-entropy-loss", setup=stale_errata
    ),
}


# The table's rows (tests/fixtures/bad_inputs.toml) join the Python ones: one runner for both.
TABLE = table_rows()
ROWS |= TABLE


# --- the checkout --------------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A checkout with its outputs built (as far as these rows can tell) and files of the user's own."""
    return plain_checkout(tmp_path_factory.mktemp("template") / "checkout")


def prepared(name: str, template: Path, tmp_path: Path) -> Path:
    """A copy of the checkout (a git clone for a `clone` row), set up for the row."""
    row = ROWS[name]
    if row.skip_as_root and IS_ROOT:
        pytest.skip("root writes into a chmod 555 folder; the /proc and /sys rows cover it")
    checkout = tmp_path / "checkout"
    if row.clone:
        cloned_checkout(checkout)
    else:
        shutil.copytree(template, checkout, symlinks=True)
    row.setup(checkout)
    return checkout


# Rows run by the installed `handbook` executable, in a process of its own: one per command, to
# prove the console script refuses in one line with exit 1 and no traceback; and the full disk,
# whose RLIMIT_FSIZE only a process of its own can have. Every other row runs in-process.
THROUGH_THE_EXECUTABLE = (
    "scrape --out a file",
    "a directory as the snapshot",
    "build-site into the decks",
    "export-anki onto a full disk",
    "a FIFO as the note-state file, in export-anki",
)


@pytest.mark.parametrize("name", [name for name in ROWS if name not in THROUGH_THE_EXECUTABLE])
def test_bad_input_is_refused_in_one_line_and_touches_nothing(
    name: str, template: Path, tmp_path: Path
) -> None:
    run_row(prepared(name, template, tmp_path), ROWS[name])


def run_executable(checkout: Path, row: Row) -> subprocess.CompletedProcess[str]:
    def limits() -> None:
        if row.file_size_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (row.file_size_limit, row.file_size_limit))

    env = {k: v for k, v in (os.environ | row_env(checkout, row)).items() if v is not None}
    return subprocess.run(
        [str(HANDBOOK), *row.args],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limits,
    )


@pytest.mark.parametrize("name", THROUGH_THE_EXECUTABLE)
def test_the_installed_executable_refuses_in_one_line_and_touches_nothing(
    name: str, template: Path, tmp_path: Path
) -> None:
    row = ROWS[name]
    checkout = prepared(name, template, tmp_path)
    before = digests(checkout)
    result = run_executable(checkout, row)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    assert expected(checkout, row) in result.stderr, result.stderr
    assert digests(checkout) == before


def test_the_executable_rows_cover_every_command_and_every_limit() -> None:
    commands = {ROWS[name].args[0] for name in THROUGH_THE_EXECUTABLE}
    assert commands == {"scrape", "normalize", "build-site", "export-anki"}
    assert {name for name, row in ROWS.items() if row.file_size_limit is not None} <= set(
        THROUGH_THE_EXECUTABLE
    )


def test_the_table_has_a_row_for_every_hostile_command_in_the_site_and_the_decks() -> None:
    for name in HOSTILE_TEX:
        assert {f"hostile TeX {name}, in build-site", f"hostile TeX {name}, in export-anki"} <= ROWS.keys()


def test_every_force_row_runs_in_a_throw_away_clone() -> None:
    assert all(row.clone for row in TABLE.values() if "--force" in row.args)
