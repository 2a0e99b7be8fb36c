"""KaTeX itself (throwOnError) accepts every formula of the canonical handbook."""

from __future__ import annotations

from pipeline import katex
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
