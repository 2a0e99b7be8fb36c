"""The residue audit: one fixture case per finding kind, acceptance and staleness."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from pipeline.audit import Acceptance, Finding, audit, audit_blocks, read_accepted, review
from pipeline.errors import HandbookError
from pipeline.readers.markdown import read_markdown, read_section
from tests.layout import BOOK, ROOT
from tests.writers.test_markdown import handbooks

FIXTURES = ROOT / "tests" / "fixtures" / "audit.txt"


def fixture_cases(path: Path) -> list[tuple[str, str, list[str]]]:
    """(title, answer Markdown, expected `kind: quote` lines) per case."""
    lines = [line for line in path.read_text(encoding="utf-8").split("\n") if not line.startswith("# ")]
    cases, index = [], 0
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        title, index = lines[index], index + 2  # the title, then its `.`
        end = lines.index(".", index)
        answer, index = "\n".join(lines[index:end]), end + 1
        end = lines.index(".", index)
        cases.append((title, answer, [line for line in lines[index:end] if line]))
        index = end + 1
    return cases


CASES = fixture_cases(FIXTURES)


def test_every_kind_has_cases() -> None:
    from pipeline.audit import KINDS

    found = {line.split(":")[0] for _, _, expected in CASES for line in expected}
    assert found == set(KINDS)


@pytest.mark.parametrize(("title", "answer", "expected"), CASES, ids=[c[0] for c in CASES])
def test_fixture_case(title: str, answer: str, expected: list[str]) -> None:
    question = read_section(f"# S\n\n## Q {{#q}}\n\n{answer}\n", "s").questions[0]
    findings = audit_blocks("q", question.answer)
    assert [f"{f.kind}: {f.text}" for f in findings] == expected


def test_the_seeds_findings_are_all_accepted_and_every_acceptance_is_used() -> None:
    report = review(audit(read_markdown(BOOK.handbook_dir)), read_accepted(BOOK.audit_file))
    assert report.ok, report.summary() + "\n" + report.first_problem()
    assert all(a.reason.strip() for a in read_accepted(BOOK.audit_file))


def test_unaccepted_and_stale_are_named() -> None:
    finding = Finding("q", "repeated", "the the")
    stale = Acceptance("q", "repeated", "a a", "gone")
    report = review([finding], [stale])
    assert report.unaccepted == (finding,) and report.stale == (stale,)
    assert report.first_problem() == "finding not accepted: q: repeated: 'the the'"
    assert review([finding], [Acceptance("q", "repeated", "the the", "kept")]).ok
    assert "stale acceptance" in review([], [stale]).first_problem()


def test_an_accepted_entry_needs_a_reason_and_a_known_kind(tmp_path: Path) -> None:
    path = tmp_path / "accepted.toml"
    path.write_text('[[accepted]]\nquestion = "q"\nkind = "repeated"\ntext = "the the"\n')
    with pytest.raises(HandbookError, match="lacks reason"):
        read_accepted(path)
    path.write_text('[[accepted]]\nquestion = "q"\nkind = "typo"\ntext = "x"\nreason = "r"\n')
    with pytest.raises(HandbookError, match="unknown kind"):
        read_accepted(path)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(handbooks())
def test_any_handbook_is_audited_without_error(handbook) -> None:
    findings = audit(handbook)
    places = {q.id for _, q in handbook.questions()} | {"index"}
    assert all(f.question in places and f.kind and f.text for f in findings)
    assert review(findings, []).unaccepted == tuple(findings)
