"""The corpus of handbooks written apart from the pipeline, through both routes a new user takes.

tests/fixtures/corpus/ holds four handbooks (truth, the dump made from it with the
seed's damage, the gold a perfect repair recovers) and the maintainers' generator and
scorer, copied verbatim so CI does not depend on ../shared. Each handbook goes through
`handbook normalize DUMP --out DIR --errata EMPTY --ids NEW` and through its saved page
(`make_html.py`, `handbook scrape`, `normalize`), and `score.py` scores the Markdown; the
scores and residue counts must be those in scores.txt.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.cli_runs import run_handbook
from tests.layout import ROOT

CORPUS = ROOT / "tests" / "fixtures" / "corpus"


def corpus_script(name: str) -> ModuleType:
    """One of the corpus's scripts, imported from its file."""
    spec = importlib.util.spec_from_file_location(f"corpus_{name}", CORPUS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCORER = corpus_script("score")


def expected_scores() -> dict[tuple[str, str], str]:
    """(route, handbook) → `score line | residue N`, from scores.txt."""
    found = {}
    for line in (CORPUS / "scores.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition(": ")
            route, handbook = key.split()
            found[route, handbook] = value
    return found


EXPECTED = expected_scores()


def score(gold: Path, markdown_dir: Path) -> str:
    """score.py's last line, without its `score: ` prefix."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        SCORER.main(str(gold), str(markdown_dir))
    return printed.getvalue().splitlines()[-1].removeprefix("score: ")


def residue(output: str) -> int:
    line = next(line for line in output.splitlines() if line.startswith("residue audit: "))
    return int(line.split()[2])


def saved_page(name: str, folder: Path) -> Path:
    """The handbook rendered the way the original post was (KaTeX HTML+MathML, answers in <details>)."""
    page = folder / f"{name}.html"
    subprocess.run(
        [sys.executable, str(CORPUS / "make_html.py"), str(CORPUS / f"{name}.md"), str(page)],
        cwd=ROOT,
        check=True,
    )
    return page


@pytest.mark.parametrize(("route", "handbook"), sorted(EXPECTED), ids=[" ".join(k) for k in sorted(EXPECTED)])
def test_corpus_handbook_scores(route: str, handbook: str, tmp_path: Path) -> None:
    name = f"handbook-{handbook}"
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    if route == "dump":
        snapshot = CORPUS / f"{name}.dump.txt"
    else:
        run_handbook(tmp_path, "scrape", str(saved_page(name, tmp_path)), "--out", "raw").assert_ok()
        snapshot = tmp_path / "raw" / "snapshot.html"
    run = run_handbook(
        tmp_path, "normalize", str(snapshot), "--out", "md", "--errata", str(empty), "--ids", "ids.tsv"
    )
    run.assert_ok()
    measured = f"{score(CORPUS / f'{name}.gold.json', tmp_path / 'md')} | residue {residue(run.stdout)}"
    assert measured == EXPECTED[route, handbook]
