"""Test cases kept as data, one file per kind, in markdown-it-py's fixture style:

    a title line
    .
    the input (any number of lines)
    .
    the expected output (any number of lines, none for nothing)
    .

Cases are separated by blank lines; lines starting with `# ` are comments.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

FIXTURES = Path(__file__).resolve().parent / "fixtures"


class Case(NamedTuple):
    title: str
    input: str
    expected: list[str]  # the expected output's lines

    @property
    def id(self) -> str:
        """The case's name in pytest's report: its title, and its input when that is one line."""
        return self.title if "\n" in self.input else f"{self.title}: {self.input}"


def read_cases(name: str) -> list[Case]:
    """Every case of `tests/fixtures/<name>`."""
    lines = [
        line
        for line in (FIXTURES / name).read_text(encoding="utf-8").split("\n")
        if not line.startswith("# ")
    ]
    cases, index = [], 0
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        title, index = lines[index], index + 2  # the title, then its `.`
        end = lines.index(".", index)
        given, index = "\n".join(lines[index:end]), end + 1
        end = lines.index(".", index)
        cases.append(Case(title, given, [line for line in lines[index:end] if line]))
        index = end + 1
    return cases
