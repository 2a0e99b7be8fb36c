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
import random
import re
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.audit import audit_blocks
from pipeline.ids import assign_ids
from pipeline.model import Block, ListBlock, Math, Paragraph, Question, Text
from pipeline.readers.text_dump import read_text_dump
from pipeline.repair import repair
from tests.cli_runs import run_handbook
from tests.generators.corpus_markdown import write_corpus_markdown
from tests.generators.math_catalogue import CONSTRUCTS, random_handbook
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


# --- any handbook of this shape, damaged by the maintainers' make_dump.py -------------------

MAKE_DUMP = corpus_script("make_dump")


def as_a_dump_keeps_it(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """The blocks as a dump made by make_dump.py can carry them: it prints every list item at
    one indentation, so a list nested in an item of a list of its own kind runs on in that
    list (one of the other kind still shows, by its other marker)."""

    def flat(block: Block) -> Block:
        if not isinstance(block, ListBlock):
            return block
        items: list[tuple[Block, ...]] = []
        for item in block.items:
            same = [b for b in item[1:] if isinstance(b, ListBlock) and b.ordered == block.ordered]
            items.append(tuple(flat(b) for b in item if not any(b is s for s in same)))
            items += [inner for nested in same for inner in flat(nested).items]  # type: ignore[union-attr]
        return replace(block, items=tuple(items))

    return tuple(map(flat, blocks))


def _tex_words_in_id(question: Question) -> set[str]:
    """Names of TeX commands in a question's id that its prose does not use."""
    commands = {
        name.lower() for i in question.title if isinstance(i, Math) for name in TEX_NAME.findall(i.tex)
    }
    prose = {
        w.lower() for i in question.title if isinstance(i, Text) for w in re.findall(r"[A-Za-z]+", i.text)
    }
    return (commands - prose) & set(question.id.split("-"))


TEX_NAME = re.compile(r"\\([A-Za-z]{2,})")
# make_dump.py splits a table's rows at every `|`, so no formula holding one may stand in a cell.
PIPELESS = tuple(kind for kind in CONSTRUCTS if kind != "abs")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_a_dump_made_by_make_dump_comes_back_whole_or_reported(seed: int) -> None:
    """Generated handbooks holding the seven classes of damage (tables under headers of words,
    symbols lost beside thin spaces, scripts of lost symbols, code in any language, formulas
    joined by hyphens, nested lists, titles with formulas) through the maintainers' damage:
    every question comes back whole, or the residue audit names it; no id is made of TeX."""
    truth = random_handbook(random.Random(seed), questions=3, blocks=4, kinds=PIPELESS)
    with tempfile.TemporaryDirectory() as folder:
        source, dump = Path(folder) / "truth.md", Path(folder) / "dump.txt"
        source.write_text(write_corpus_markdown(truth), encoding="utf-8")
        MAKE_DUMP.main(str(source), str(dump), str(Path(folder) / "gold.json"))
        repaired, _ = repair(read_text_dump(dump.read_text(encoding="utf-8")))
    identified, _ = assign_ids(repaired, [])
    for (_, want), (_, got) in zip(truth.questions(), identified.questions(), strict=True):
        whole = (got.title, got.answer) == (want.title, as_a_dump_keeps_it(want.answer))
        findings = audit_blocks(got.id, (Paragraph(got.title), *got.answer))
        assert whole or findings, f"{got.id} came back damaged and the audit is silent"
        assert not _tex_words_in_id(got), got.id
