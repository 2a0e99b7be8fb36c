"""The commands README.md and docs/ show work as written on a fresh clone.

Running them all would mean building and testing inside the tests, so each
command line of their shell blocks is checked instead: the program exists on a
fresh clone after set-up (a bin/ script, a .venv program, or one of the few
system tools the README assumes), and every `handbook` call parses with the real
Click CLI (command, options, arguments).
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.layout import ROOT
from tests.shell_lines import handbook_error, is_executable, shell_lines, simple_commands

DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SYSTEM_TOOLS = {"python3", "git", "npm", "apt-get"}  # what the README asks a machine to have
# Not bare `handbook`: a fresh clone has no such entry on PATH.
HANDBOOK = ("bin/handbook", ".venv/bin/handbook")
INLINE_CODE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")


def console_scripts() -> set[str]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return set(pyproject["project"]["scripts"])


def program_error(program: str) -> str | None:
    """Why `program` would not be found when typed in a fresh clone's root after set-up."""
    if program in SYSTEM_TOOLS:
        return None
    if program.startswith("bin/"):
        return None if is_executable(ROOT / program) else f"{program} is not an executable in bin/"
    if program.startswith(".venv/bin/"):
        name = program.removeprefix(".venv/bin/")
        if name in console_scripts() or is_executable(ROOT / program):
            return None
        return f"{program} is not installed by bin/setup"
    if program in console_scripts():
        return f"`{program}` is not on PATH in a fresh clone: write bin/{program}"
    return f"{program} is neither a bin/ script, a .venv program nor one of {sorted(SYSTEM_TOOLS)}"


def command_errors(line: str) -> list[str]:
    errors = []
    for words in simple_commands(line):
        while words and re.fullmatch(r"\w+=.*", words[0]):
            words = words[1:]  # VAR=value before the program
        if not words:
            continue
        if error := program_error(words[0]):
            errors.append(error)
        elif words[0] in HANDBOOK and (error := handbook_error(words[1:])):
            errors.append(f"{' '.join(words)}: {error}")
    return errors


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_shell_blocks_use_commands_a_fresh_clone_has(document: Path) -> None:
    lines = shell_lines(document.read_text(encoding="utf-8"))
    errors = {line: command_errors(line) for line in lines}
    assert not {line: found for line, found in errors.items() if found}


def test_readme_names_handbook_commands_as_they_run() -> None:
    """Inline `bin/handbook CMD …` in the README name real commands, and none is bare `handbook CMD`."""
    spans = INLINE_CODE.findall((ROOT / "README.md").read_text(encoding="utf-8"))
    calls = [span.split() for span in spans if span.split()[0] in HANDBOOK or span.startswith("handbook ")]
    assert len(calls) >= 6
    for words in calls:
        assert words[0] != "handbook", f"`{' '.join(words)}` does not run in a fresh clone"
        if len(words) > 1 and not words[1].startswith("-"):
            assert handbook_error([words[1], "--help"]) is None, words


def test_checks_catch_what_a_fresh_clone_lacks() -> None:
    assert command_errors("bin/build && bin/handbook check  # done") == []
    assert command_errors("X=1 .venv/bin/pytest -q | git apply") == []
    assert command_errors("handbook build") == [
        "`handbook` is not on PATH in a fresh clone: write bin/handbook"
    ]
    assert command_errors("bin/handbook deploy") == ["bin/handbook deploy: No such command 'deploy'."]
    assert command_errors("mkdocs serve")[0].startswith("mkdocs is neither")
    blocks = "```console\n$ git status\nOn branch main\n```\n```text\nbin/x\n```\n"
    assert shell_lines(blocks) == ["git status"]


def test_bin_handbook_runs_the_command() -> None:
    result = subprocess.run(
        [ROOT / "bin" / "handbook", "--version"], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("handbook, version ")
