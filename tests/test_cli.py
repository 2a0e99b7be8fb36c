"""Every command's help: an example that parses, and the generated reference in docs/."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests import cli_docs
from tests.shell_lines import handbook_error, simple_commands

HELP_CONTEXTS = list(cli_docs.commands())


def examples(help_text: str) -> list[str]:
    """The indented lines under the `Example:` heading of a help text."""
    lines = help_text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip() in ("Example:", "Examples:")]
    found = []
    for start in starts:
        for line in lines[start + 1 :]:
            if not line.strip():
                break
            found.append(line.strip())
    return found


@pytest.mark.parametrize("ctx", HELP_CONTEXTS, ids=lambda ctx: ctx.command_path)
def test_help_has_an_example_of_the_command(ctx: click.Context) -> None:
    found = examples(ctx.get_help())
    assert found, f"`{ctx.command_path} --help` has no Example section"
    calls = [words for line in found for words in simple_commands(line) if words[0] == "handbook"]
    path = ctx.command_path.split()
    assert any(words[: len(path)] == path for words in calls), f"no example runs {path}: {found}"
    for words in calls:
        assert handbook_error(words[1:]) is None, (words, handbook_error(words[1:]))


def test_help_is_what_the_command_prints() -> None:
    for ctx in HELP_CONTEXTS:
        args = ctx.command_path.split()[1:]
        result = CliRunner().invoke(
            main, [*args, "--help"], prog_name="handbook", terminal_width=cli_docs.HELP_WIDTH
        )
        assert result.exit_code == 0
        assert result.output == ctx.get_help() + "\n"


def test_cli_reference_is_current() -> None:
    assert cli_docs.CLI_DOC.read_text(encoding="utf-8") == cli_docs.render(), (
        f"docs/cli.md is stale: regenerate it with `{cli_docs.REGENERATE}`"
    )


def test_handbook_error_names_what_does_not_parse() -> None:
    assert handbook_error(["export-anki", "--section", "autoencoders"]) is None
    assert handbook_error(["--version"]) is None
    assert handbook_error(["check", "--help"]) is None
    assert "No such command" in handbook_error(["deploy"])
    assert "No such option" in handbook_error(["build", "--fast"])
    assert "Missing argument" in handbook_error(["scrape"])
