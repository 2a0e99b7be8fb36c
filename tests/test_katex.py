"""KaTeX itself (throwOnError) accepts every formula of the canonical handbook."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline import katex
from pipeline.errors import HandbookError
from pipeline.model import question_formulas


def test_every_formula_parses(canonical) -> None:
    items = [(tex, display) for _, q in canonical.questions() for tex, display in question_formulas(q)]
    assert len(items) > 250
    assert katex.formula_errors(items) == []


def test_invalid_tex_is_reported() -> None:
    assert katex.formula_errors([(r"\right \begin{Bmatrix} 0 \end{matrix}", True)])
    assert katex.formula_errors([(r"\frac{1}{2}", False)]) == []


def test_mathml_text_matches_the_damage_table() -> None:
    texts = [r.text for r in katex.mathml_texts([("k-1", False), (r"m \rightarrow \infty", False)])]
    assert texts == ["k\u22121", "m\u2192\u221e"]


# --- a Node that stalls or dies --------------------------------------------------


def fake_node(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "node"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return script


def test_a_stalled_worker_is_restarted_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = tmp_path / "started-once"
    node = fake_node(
        tmp_path,
        f'if [ ! -e {first} ]; then touch {first}; exec sleep 600; fi\nexec {shutil.which("node")} "$@"',
    )
    monkeypatch.setenv("HANDBOOK_NODE", str(node))
    monkeypatch.setenv("HANDBOOK_KATEX_TIMEOUT", "2")
    worker = katex.NodeWorker(katex.BRIDGE)
    try:
        assert worker.run([("k-1", False)]) == [{"text": "k\u22121"}]
    finally:
        worker.close()


@pytest.mark.parametrize(
    "body, timeout, reason",
    [
        ("exec sleep 600", "0.1", "no answer within 0.1 s"),  # it never answers: any wait shows it
        ("exit 3", "0.5", "it stopped unexpectedly"),  # these answer at once: the wait is only a bound
        ("read line; echo not-json", "0.5", "its answer was not JSON"),
    ],
)
def test_a_second_failure_is_one_line_naming_node(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    body: str,
    timeout: str,
    reason: str,
) -> None:
    node = fake_node(tmp_path, body)
    monkeypatch.setenv("HANDBOOK_NODE", str(node))
    monkeypatch.setenv("HANDBOOK_KATEX_TIMEOUT", timeout)
    worker = katex.NodeWorker(katex.BRIDGE)
    with pytest.raises(HandbookError) as caught:
        worker.run([("x", False)])
    message = str(caught.value)
    assert message.startswith(
        f"Node ({node}) failed to answer KaTeX twice ({reason}; after a restart, {reason})"
    )
    assert "\n" not in message
    worker.close()
