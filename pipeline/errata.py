"""Hand corrections for damage no algorithm can undo, from one reviewed TOML file.

Each `[[correction]]` names a question id, the exact canonical Markdown it
replaces (`find`), the corrected text (`replace`) and a one-line `reason`. It
is applied to that question's Markdown after the automatic repairs; an entry
that does not match exactly once stops `normalize` with a message naming it,
so a stale correction can never be silently skipped or misapplied.

An entry may also carry a one-line `note` for readers (used for the author's
own slips): the corrected answer then ends with a paragraph "Corrected from the
original: <note>", so nobody comparing it with the published page is puzzled.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import msgspec

from pipeline import inputs
from pipeline.errors import HandbookError
from pipeline.model import Handbook, Question, map_questions
from pipeline.readers.markdown import read_index, read_section
from pipeline.writers.markdown import index_markdown, question_markdown

FIELDS = ("question", "reason", "find", "replace")
NOTE_PREFIX = "Corrected from the original: "
INDEX = "index"  # the `question` of a correction to index.md (introduction, references)


class Correction(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One `[[correction]]` entry, as the file's schema holds it."""

    question: str
    reason: str
    find: str
    replace: str
    note: str = ""  # for readers, under the answer (see NOTE_PREFIX)

    def label(self, number: int) -> str:
        return f"errata entry #{number} ({self.question}: {self.reason})"


class ErrataFile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    correction: list[Correction] = []


def read_errata(path: Path) -> list[Correction]:
    if not inputs.present(path):
        return []
    corrections = []
    for number, entry in enumerate(inputs.read_toml(path, inputs.ERRATA, ErrataFile).correction, start=1):
        missing = [f for f in FIELDS if not getattr(entry, f).strip() and f != "replace"]
        if missing:
            raise HandbookError(f"{path}: errata entry #{number} lacks {', '.join(missing)}")
        if "\n" in entry.note.strip():
            raise HandbookError(f"{path}: errata entry #{number} has a note that is not one line")
        corrections.append(msgspec.structs.replace(entry, note=entry.note.strip()))
    return corrections


def already_applied(text: str, correction: Correction) -> bool:
    """The source already says what the entry would write (say, a page read as HTML).

    Checked before `find`, since an entry that inserts text keeps `find` in `replace`.
    """
    wanted = correction.replace.strip()
    return (
        bool(wanted)
        and text.count(wanted) == 1
        and (correction.find not in text or correction.find in correction.replace)
    )


def corrected_text(text: str, correction: Correction, label: str) -> str:
    if already_applied(text, correction):
        return text
    found = text.count(correction.find)
    if found != 1:
        state = "no longer matches" if found == 0 else f"matches {found} times"
        raise HandbookError(f"{label} {state}: update or remove it in the errata file")
    return text.replace(correction.find, correction.replace)


def apply_correction(question: Question, correction: Correction, label: str) -> Question | None:
    """The corrected question, or None when the correction is already in it."""
    text = question_markdown(question) + "\n"
    note = f"\n{NOTE_PREFIX}{correction.note}\n" if correction.note else ""
    if note and note in text:
        return None  # applied before (a note may quote what `find` matches)
    corrected = corrected_text(text, correction, label)
    if corrected == text:
        return None
    corrected += note
    questions = read_section(f"# errata\n\n{corrected}", "errata", label).questions
    if len(questions) != 1 or questions[0].id != question.id:
        raise HandbookError(f"{label} breaks the question's heading")
    return questions[0]


def _apply_to_index(handbook: Handbook, correction: Correction, label: str) -> Handbook | None:
    text = index_markdown(handbook)
    corrected = corrected_text(text, correction, label)
    if corrected == text:
        return None
    meta, intro, references = read_index(corrected, label)
    return replace(handbook, meta=meta, intro=intro, references=references)


def apply_errata(handbook: Handbook, corrections: list[Correction]) -> tuple[Handbook, int]:
    """Apply every correction in order; returns the handbook and how many changed it.

    An entry whose `find` is gone but whose `replace` text is there once counts as
    already applied (the source was fixed, or is the page's HTML, which never had
    the damage): it changes nothing and is not counted.
    """
    by_id = {q.id: q for _, q in handbook.questions()}
    changed = 0
    for number, correction in enumerate(corrections, start=1):
        label = correction.label(number)
        if correction.question == INDEX:
            corrected_handbook = _apply_to_index(handbook, correction, label)
            if corrected_handbook is not None:
                handbook, changed = corrected_handbook, changed + 1
            continue
        if correction.question not in by_id:
            raise HandbookError(f"{label} names a question id that does not exist")
        corrected = apply_correction(by_id[correction.question], correction, label)
        if corrected is not None:
            by_id[correction.question], changed = corrected, changed + 1
    return map_questions(handbook, lambda _, question: by_id[question.id]), changed
