"""Every file the pipeline reads goes through the door (pipeline/inputs.py).

The test walks the package's code and finds every call that reads a file or parses one:
`open`, `os.open`, `Path.open`, `read_text`, `read_bytes`, `json.load(s)`, `tomllib.load(s)`,
yaml's loaders and `sqlite3.connect`. Each must be in pipeline/inputs.py, or be named below
with the reason it reads no file path (or reads bytes the door already read).
"""

from __future__ import annotations

import ast

from tests.layout import ROOT

PACKAGE = ROOT / "pipeline"
DOOR = PACKAGE / "inputs.py"
READERS = {
    "open",
    "read_text",
    "read_bytes",
    "load",
    "loads",
    "safe_load",
    "full_load",
    "unsafe_load",
    "connect",
}
MODULES_OF_LOADERS = {"json", "tomllib", "yaml", "sqlite3", "msgspec", "pickle", "marshal"}

# (module, call): why it is not a file read that should go through the door.
EXCEPTIONS = {
    ("pipeline/katex/__init__.py", "json.loads"): "a line Node wrote on its stdout, not a file",
    ("pipeline/readers/markdown.py", "json.loads"): "a front-matter value of a Markdown file the door read",
    ("pipeline/readers/anki_package.py", "sqlite3.connect"): "an in-memory database over bytes the door read",
    ("pipeline/writers/anki.py", "sqlite3.connect"): "an in-memory database the writer fills",
    ("pipeline/site_config.py", "yaml.load"): "the text of mkdocs.yml, read by the door",
    ("pipeline/site.py", "….read_bytes"): "a page of the site's source folder build-site wrote, compared "
    "with the page it writes now to leave an unchanged one alone (nothing read is interpreted)",
    (
        "pipeline/repair/words.py",
        "json.loads",
    ): "pyspellchecker's word list, a resource of an installed package",
}


def _call_name(node: ast.Call) -> str | None:
    """`open`, `os.open`, `json.loads`, `x.read_text`… for the calls that read; None for others."""
    func = node.func
    if isinstance(func, ast.Name) and func.id == "open":
        return "open"
    if not isinstance(func, ast.Attribute) or func.attr not in READERS:
        return None
    owner = func.value
    if isinstance(owner, ast.Name) and owner.id == "inputs":
        return None  # the door itself (`from pipeline import inputs`)
    if isinstance(owner, ast.Name) and owner.id in MODULES_OF_LOADERS | {"os", "io"}:
        return f"{owner.id}.{func.attr}"
    if func.attr in {"open", "read_text", "read_bytes"}:
        return f"….{func.attr}"  # a Path's (or a file's) own
    return None


def reads_outside_the_door() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == DOOR:
            continue
        module = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and (name := _call_name(node)) is not None:
                if (module, name) not in EXCEPTIONS:
                    found.append(f"{module}:{node.lineno}: {name}")
    return found


def test_every_file_is_read_through_the_door() -> None:
    assert reads_outside_the_door() == []


def test_every_exception_is_still_there() -> None:
    """A named exception whose call went away is removed from the list, not kept as a loophole."""
    present = set()
    for module, name in EXCEPTIONS:
        tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
        present |= {
            (module, name)
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and _call_name(node) == name
        }
    assert present == set(EXCEPTIONS)
