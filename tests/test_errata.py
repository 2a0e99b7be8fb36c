"""Errata entries apply exactly once, fail loudly when stale, and never apply twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errata import Correction, apply_errata, read_errata
from pipeline.errors import HandbookError
from pipeline.model import Handbook, question_formulas
from tests import builders as build


def handbook(*paragraphs: str) -> Handbook:
    return build.handbook(
        build.section("s", "S", build.question("q", "Q?", *map(build.para, paragraphs))), title="t"
    )


def answer(book: Handbook) -> list[str]:
    return [b.inlines[0].text for b in book.sections[0].questions[0].answer]  # type: ignore[union-attr]


def test_a_correction_applies_once() -> None:
    fixed, changed = apply_errata(handbook("a typo here"), [Correction("q", "typo", "typo", "word")])
    assert answer(fixed) == ["a word here"] and changed == 1


def test_an_insertion_is_not_applied_twice() -> None:
    insert = Correction("q", "missing line", "First.\n", "First.\n\nSecond.\n")
    once, changed = apply_errata(handbook("First."), [insert])
    assert answer(once) == ["First.", "Second."] and changed == 1
    twice, changed = apply_errata(once, [insert])
    assert answer(twice) == ["First.", "Second."] and changed == 0


@pytest.mark.parametrize(
    "find, message",
    [
        ("absent", "no longer matches"),
        ("xyz", "matches 2 times"),
    ],
)
def test_a_stale_or_ambiguous_entry_is_named(find: str, message: str) -> None:
    with pytest.raises(HandbookError, match=rf"errata entry #1 \(q: why\) {message}"):
        apply_errata(handbook("xyz and xyz"), [Correction("q", "why", find, "x")])


def test_an_unknown_question_is_named() -> None:
    with pytest.raises(HandbookError, match="names a question id that does not exist"):
        apply_errata(handbook("x"), [Correction("nope", "why", "x", "y")])


def test_the_mae_formula_does_not_square_the_absolute_difference(canonical: Handbook) -> None:
    """The author's slip, corrected by the errata: MAE averages |y - y^p|, not its square."""
    formulas = [tex for _, q in canonical.questions() for tex, _ in question_formulas(q)]
    mae = [tex for tex in formulas if r"\text{MAE}" in tex]
    assert mae and all("|^2" not in tex.replace(" ", "") for tex in mae), mae


def test_a_note_ends_the_corrected_answer_once() -> None:
    # The note quotes what `find` matches: applying the entry again must change nothing.
    slip = Correction("q", "author's error: sign", "a - b", "a + b", note="the page wrote a - b.")
    fixed, changed = apply_errata(handbook("So a - b.", "Next."), [slip])
    assert answer(fixed) == ["So a + b.", "Next.", "Corrected from the original: the page wrote a - b."]
    again, changed = apply_errata(fixed, [slip])
    assert answer(again) == answer(fixed) and changed == 0


def test_a_note_must_be_one_line(tmp_path: Path) -> None:
    errata = tmp_path / "errata.toml"
    errata.write_text(
        '[[correction]]\nquestion = "q"\nreason = "r"\nfind = "a"\nreplace = "b"\nnote = """one\ntwo"""\n',
        encoding="utf-8",
    )
    with pytest.raises(HandbookError, match="entry #1 has a note that is not one line"):
        read_errata(errata)
