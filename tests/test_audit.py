"""The residue audit: one fixture case per finding kind, acceptance and staleness."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from pipeline.audit import Acceptance, Finding, audit, audit_blocks, read_accepted, review
from pipeline.errors import HandbookError
from pipeline.readers.markdown import read_markdown, read_section
from tests.fixture_cases import Case, read_cases
from tests.layout import BOOK
from tests.strategies import handbooks

CASES = read_cases("audit.txt")


def test_every_kind_has_cases() -> None:
    from pipeline.audit import KINDS

    found = {line.split(":")[0] for case in CASES for line in case.expected}
    assert found == set(KINDS)


@pytest.mark.parametrize("case", CASES, ids=[case.title for case in CASES])
def test_fixture_case(case: Case) -> None:
    question = read_section(f"# S\n\n## Q {{#q}}\n\n{case.input}\n", "s").questions[0]
    findings = audit_blocks("q", question.answer)
    assert [f"{f.kind}: {f.text}" for f in findings] == case.expected


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
