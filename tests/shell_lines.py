"""Shell command lines as the docs and `--help` show them, checked against the real CLI."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click

from pipeline.cli import main

OPERATORS = {"&&", "||", "|", ";", "&"}
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
SHELL_LANGUAGES = {"sh", "bash", "shell", "console"}


def shell_lines(markdown: str) -> list[str]:
    """The command lines of a Markdown text's shell blocks (`console` ones: the `$ ` lines)."""
    lines = []
    for language, body in FENCE.findall(markdown):
        if language not in SHELL_LANGUAGES:
            continue
        for line in body.splitlines():
            if language == "console":
                if not line.startswith("$ "):
                    continue  # the command's output
                line = line[2:]
            if line.strip():
                lines.append(line)
    return lines


def simple_commands(line: str) -> list[list[str]]:
    """The words of each simple command in a line (split at `&&`, `|`, `;`), comments dropped."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    commands: list[list[str]] = [[]]
    for token in lexer:
        if token in OPERATORS:
            commands.append([])
        else:
            commands[-1].append(token)
    return [words for words in commands if words]


def handbook_error(args: list[str]) -> str | None:
    """Why Click would reject `handbook ARGS` (unknown command or option, missing
    argument), or None if it parses. Nothing runs."""
    split = next((i for i, arg in enumerate(args) if not arg.startswith("-")), len(args))
    group_args, rest = list(args[:split]), list(args[split:])
    try:
        # resilient: `handbook` alone prints help rather than failing to parse
        ctx = main.make_context("handbook", group_args, resilient_parsing=not group_args)
        command = main.get_command(ctx, rest[0]) if rest else None
        if rest and command is None:
            return f"No such command {rest[0]!r}."
        if command is not None:
            command.make_context(rest[0], rest[1:], parent=ctx)
    except click.exceptions.Exit:
        return None  # --help, --version
    except click.UsageError as error:
        return error.format_message()
    return None


def is_executable(path: Path) -> bool:
    return path.is_file() and path.stat().st_mode & 0o111 != 0
