"""Two commands at once on the same output: each ends in success or one line, and the folder
is then one command's complete output, with no staging folder left behind. Two site builds
into one folder (and so one source folder) both succeed.

Real processes (`handbook` as a user runs it), started together in one project.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from pipeline.fileio import MARKER, marker_text
from tests.layout import ROOT
from tests.test_build_interrupted import leftovers

HANDBOOK = Path(sys.executable).with_name("handbook")
ENV = {"SOURCE_DATE_EPOCH": "1700000000"}


def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    shutil.copytree(ROOT / "source", folder / "source")
    shutil.copy(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
    (folder / "pipeline").symlink_to(ROOT / "pipeline")  # mkdocs.yml names the hook by this path
    return folder


def at_once(folder: Path, *commands: tuple[str, ...]) -> list[subprocess.CompletedProcess[str]]:
    """Start every command, then wait for all of them."""
    running = [
        subprocess.Popen(
            [str(HANDBOOK), *command],
            cwd=folder,
            env=os.environ | ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for command in commands
    ]
    done = []
    for process, command in zip(running, commands, strict=True):
        out, err = process.communicate(timeout=300)
        done.append(subprocess.CompletedProcess(command, process.returncode, out, err))
    return done


def assert_success_or_one_line(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    if result.returncode != 0:
        assert result.returncode == 1 and result.stderr.startswith("Error: "), result.stderr
        assert result.stderr.count("\n") == 1, result.stderr


def test_two_commands_at_once_on_one_output_leave_one_complete_output(tmp_path: Path) -> None:
    folder = project(tmp_path)
    same = at_once(folder, ("build-site", "--site", "out"), ("build-site", "--site", "out"))
    for result in same:  # one source folder, written by both at once: each has temporaries of its own
        assert_success_or_one_line(result)
        assert result.returncode == 0, result.stderr
    assert (folder / "out" / MARKER).read_text() == marker_text("handbook build-site")
    assert (folder / "out" / "index.html").is_file()
    assert leftovers(folder) == []

    mixed = at_once(folder, ("export-anki", "--out", "mixed"), ("build-site", "--site", "mixed"))
    for result in mixed:
        assert_success_or_one_line(result)
    writers = {"export-anki": "handbook export-anki", "build-site": "handbook build-site"}
    winners = [writers[result.args[0]] for result in mixed if result.returncode == 0]
    assert len(winners) == 1, [result.stderr for result in mixed]
    assert (folder / "mixed" / MARKER).read_text() == marker_text(winners[0])
    assert leftovers(folder) == []
