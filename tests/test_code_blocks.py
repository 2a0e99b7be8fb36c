"""Every Python code block in the handbook compiles; those that need only the standard library run.

A block that claims to be Python must be Python: pseudocode is tagged `text`
(see the errata). Running is done in a fresh interpreter with a timeout, so a
block can neither hang the suite nor touch its state.
"""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from pipeline.model import CodeBlock, Handbook, Quote
from tests.layout import BOOK

RUN_TIMEOUT = 60  # seconds; the slowest block (the π estimate, 10⁶ points) takes about one


def _code_blocks(blocks: tuple) -> list[CodeBlock]:
    found = []
    for block in blocks:
        if isinstance(block, CodeBlock):
            found.append(block)
        elif isinstance(block, Quote):
            found.extend(_code_blocks(block.blocks))
    return found


def python_blocks(handbook: Handbook) -> list[tuple[str, str]]:
    """(where, code) of every block tagged Python, the introduction and references included."""
    places = [("index", handbook.intro + handbook.references)]
    places += [(q.id, q.answer) for _, q in handbook.questions()]
    return [
        (f"{where}#{n}", block.code)
        for where, blocks in places
        for n, block in enumerate(b for b in _code_blocks(blocks) if b.language in ("python", "py"))
    ]


def standard_library_only(code: str) -> bool:
    """Whether every import in the code is a standard-library module."""
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""] if node.level == 0 else ["."]
        else:
            continue
        if any(name.split(".")[0] not in sys.stdlib_module_names for name in names):
            return False
    return True


def _blocks() -> list[tuple[str, str]]:
    from pipeline.readers.markdown import read_markdown

    return python_blocks(read_markdown(BOOK.handbook_dir))


BLOCKS = _blocks()


def test_the_handbook_has_python_blocks() -> None:
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize(("where", "code"), BLOCKS, ids=[w for w, _ in BLOCKS])
def test_python_block_compiles(where: str, code: str) -> None:
    compile(code, where, "exec")


@pytest.mark.parametrize(
    ("where", "code"),
    [(w, c) for w, c in BLOCKS if standard_library_only(c)],
    ids=[w for w, c in BLOCKS if standard_library_only(c)],
)
def test_standard_library_block_runs(where: str, code: str, tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "-I", "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
    )
    assert result.returncode == 0, f"{where}:\n{result.stderr}"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("import random\nimport os.path\nfrom collections import Counter", True),
        ("import keras.backend as K", False),
        ("from keras.layers import Input", False),
        ("def f():\n    return 1", True),
    ],
)
def test_standard_library_only(code: str, expected: bool) -> None:
    assert standard_library_only(code) is expected
