"""Snapshot → canonical Markdown: read, repair, identify, correct, validate, write.

This is the library behind `handbook normalize`. Each step is its own module
over the one document model; this one only strings them together, checks the
result and reports what happened.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from pipeline import katex
from pipeline.audit import AuditReport, audit, read_accepted, review
from pipeline.errata import apply_errata, read_errata
from pipeline.errors import HandbookError
from pipeline.fileio import MAX_SNAPSHOT_BYTES, check_output_dir, read_regular_file, write_atomic
from pipeline.ids import assign_ids, ids_tsv, read_ids
from pipeline.model import CodeBlock, Handbook, Quote, question_formulas
from pipeline.figures import FigureReport, figure_files
from pipeline.model import handbook_images
from pipeline.paths import AUDIT_ACCEPTED_FILE, ERRATA_FILE, FIGURES_DIR, HANDBOOK_DIR, IDS_FILE, MANIFEST_FILE
from pipeline.readers.markdown import FIGURES_FOLDER
from pipeline.readers import reader_for, reader_for_file
from pipeline.readers.markdown import read_files
from pipeline.repair import RepairLog, repair
from pipeline.sanitize import web_url
from pipeline.tex_allowlist import check_formulas
from pipeline.writers.markdown import WRITER, markdown_files, write_files


@dataclass(frozen=True)
class NormalizeReport:
    sections: int
    questions: int
    formulas: int
    code_blocks: int
    errata_applied: int
    repairs: RepairLog
    residue: AuditReport
    figures: FigureReport = FigureReport((), ())

    @property
    def automatic_share(self) -> float:
        total = self.repairs.total + self.errata_applied
        return self.repairs.total / total if total else 1.0

    def summary(self) -> str:
        details = ", ".join(f"{name} {count}" for name, count in self.repairs.counts)
        return (
            f"{self.sections} sections, {self.questions} questions, {self.formulas} formulas, "
            f"{self.code_blocks} code blocks, {self.figures.summary()}\n"
            f"repairs: {self.repairs.total} automatic ({details}), {self.errata_applied} from errata"
            f" ({self.automatic_share:.0%} automatic)\n"
            f"{self.residue.summary()}"
        )


# Written into the Markdown folder: the digest of each input it was made from, so
# a build re-normalizes only after the snapshot or the errata change, never over
# a maintainer's edit of the Markdown itself; and so that an errata file deleted
# since is noticed instead of its corrections silently dropped.
INPUTS_STAMP = ".inputs.sha256"
BOM = "\ufeff"


@dataclass(frozen=True)
class Snapshot:
    path: Path
    reader: str
    source_url: str
    committed: bool = False  # the one the manifest names: this handbook's own snapshot
    sha256: str = ""  # what the manifest recorded at scrape time ("" when unknown); scrape writes it last


def locate_snapshot(snapshot: Path | None, manifest: Path = MANIFEST_FILE) -> Snapshot:
    """The snapshot to read and its reader: given explicitly, or named in the manifest."""
    if snapshot is not None:
        url, committed, sha256 = "", False, ""
        if manifest.exists():
            data = _manifest(manifest)
            if (manifest.parent / data.get("snapshot", "")).resolve() == snapshot.resolve():
                url, committed, sha256 = data.get("source", ""), True, str(data.get("sha256", ""))
        return Snapshot(snapshot, reader_for_file(snapshot.name), _web(url), committed, sha256)
    if not manifest.exists():
        raise HandbookError(f"{manifest} is missing: run `handbook scrape URL|FILE` first")
    data = _manifest(manifest)
    return Snapshot(manifest.parent / data["snapshot"], data["reader"],
                    _web(data.get("source", "")), True, str(data.get("sha256", "")))


def _web(url: object) -> str:
    return url if isinstance(url, str) and web_url(url) else ""


def _manifest(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise HandbookError(f"{path} is not a readable manifest: {error}") from None
    if not isinstance(data, dict) or not {"snapshot", "reader"} <= data.keys():
        raise HandbookError(f"{path} must name the snapshot and its reader")
    return data


def read_snapshot_text(path: Path) -> str:
    """The snapshot as text, refusing what cannot be a handbook page."""
    data = read_regular_file(path, MAX_SNAPSHOT_BYTES, "a snapshot")
    if not data.strip():
        raise HandbookError(f"{path} is empty")
    if b"\x00" in data:
        raise HandbookError(f"{path} is a binary file, not a text or HTML snapshot")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise HandbookError(f"{path} is not UTF-8 text (bad byte at offset {error.start})") from None


def read_snapshot(snapshot: Snapshot) -> Handbook:
    text = read_snapshot_text(snapshot.path)
    if snapshot.sha256 and hashlib.sha256(text.encode("utf-8")).hexdigest() != snapshot.sha256:
        raise HandbookError(
            f"{snapshot.path} no longer matches the sha256 its manifest recorded at scrape time "
            "(an interrupted scrape, or an edit or truncation since): restore it, or run `handbook scrape` again"
        )
    return reader_for(snapshot.reader)(text.removeprefix(BOM), snapshot.source_url)


def validate_formulas(handbook: Handbook) -> int:
    """Check every formula with KaTeX; returns how many there are."""
    items = [(tex, display) for _, q in handbook.questions() for tex, display in question_formulas(q)]
    errors = katex.formula_errors(items)
    if errors:
        tex, message = errors[0]
        owner = next(q.id for _, q in handbook.questions() if any(t == tex for t, _ in question_formulas(q)))
        raise HandbookError(
            f"{len(errors)} formula(s) KaTeX refuses, first in question {owner!r}: {message} "
            f"(add a correction to the errata file)"
        )
    return len(items)


def count_code_blocks(handbook: Handbook) -> int:
    def count(blocks: tuple) -> int:
        return sum(1 if isinstance(b, CodeBlock) else count(b.blocks) if isinstance(b, Quote) else 0
                   for b in blocks)
    return sum(count(q.answer) for _, q in handbook.questions())


def inputs_stamp(snapshot: Path, errata_file: Path | None) -> str:
    """The stamp's text: one line per input, its name and sha256 (`-` when it is absent)."""
    lines = []
    for role, path in (("snapshot", snapshot), ("errata", errata_file)):
        present = path is not None and path.exists()
        digest = hashlib.sha256(read_regular_file(path, MAX_SNAPSHOT_BYTES, "an input")).hexdigest() if present else "-"
        lines.append(f"{role} {path.name if path is not None else '-'} {digest}\n")
    return "".join(lines)


def _stamped_errata(out_dir: Path) -> str | None:
    """The errata file name the Markdown in `out_dir` was made with, if any."""
    try:
        lines = (out_dir / INPUTS_STAMP).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    fields = next((line.split() for line in lines if line.startswith("errata ")), [])
    return fields[1] if len(fields) == 3 and fields[2] != "-" else None


def check_errata_present(out_dir: Path, errata_file: Path | None) -> None:
    """A missing errata file is an error when the Markdown was made with one."""
    name = _stamped_errata(out_dir)
    if name is not None and (errata_file is None or not errata_file.exists()):
        raise HandbookError(
            f"{errata_file or name} is missing, but {out_dir}/ was made with {name} "
            f"(see {out_dir / INPUTS_STAMP}): restore it, or leave an empty file to drop every correction"
        )


def is_stale(out_dir: Path = HANDBOOK_DIR, errata_file: Path = ERRATA_FILE) -> bool:
    """Whether the snapshot or errata changed since `out_dir` was normalized."""
    stamp = out_dir / INPUTS_STAMP
    current = inputs_stamp(locate_snapshot(None).path, errata_file)
    return not stamp.exists() or stamp.read_text(encoding="utf-8") != current


def normalize_if_stale(*, force: bool = False) -> NormalizeReport | None:
    """Normalize the default snapshot into source/handbook/ if its inputs changed."""
    if not MANIFEST_FILE.exists() or not is_stale():
        return None
    return normalize(None, HANDBOOK_DIR, ERRATA_FILE, IDS_FILE, force=force)


def book_files(located: Snapshot, errata_file: Path | None, ids_file: Path | None,
               ) -> tuple[Path | None, Path | None]:
    """The errata and ids files a run uses: as given, else this handbook's own for its own snapshot.

    Another handbook's dump gets no errata (ours were written against our
    snapshot) and fresh ids that are written nowhere, unless files are named.
    """
    if located.committed:
        return errata_file or ERRATA_FILE, ids_file or IDS_FILE
    return errata_file, ids_file


def normalize(
    snapshot: Path | None, out_dir: Path, errata_file: Path | None = None,
    ids_file: Path | None = None, *, allow_dropped: bool = False, force: bool = False,
    figures_dir: Path | None = None,
) -> NormalizeReport:
    """Read the snapshot, repair it and replace `out_dir` with canonical Markdown.

    `errata_file` and `ids_file` default to source/'s only when the snapshot is
    the committed one (see `book_files`). A question the ids file knows but the
    snapshot lacks stops the run unless `allow_dropped` (see pipeline.ids).
    `figures_dir` holds the scripts of the figures the handbook shows (default
    source/figures/); their SVGs go to `out_dir/figures/`.
    """
    check_output_dir(out_dir, WRITER, force=force)  # before the work, not only after it
    located = locate_snapshot(snapshot)
    errata_file, ids_file = book_files(located, errata_file, ids_file)
    if located.committed:
        check_errata_present(out_dir, errata_file)
    known = read_ids(ids_file) if ids_file else []  # refuse bad state files before the slow repair
    corrections = read_errata(errata_file) if errata_file else []
    handbook, log = repair(read_snapshot(located))
    handbook, assignments = assign_ids(handbook, known, allow_dropped=allow_dropped)
    handbook, applied = apply_errata(handbook, corrections)
    check_formulas(handbook)
    formulas = validate_formulas(handbook)
    files = markdown_files(handbook)
    if read_files(files) != handbook:
        raise HandbookError("internal error: the canonical Markdown does not read back the same")
    figures = figures_of(handbook, figures_dir or FIGURES_DIR, out_dir)
    files.update({f"{FIGURES_FOLDER}/{name}": data for name, data in figures[0].items()})
    files[INPUTS_STAMP] = inputs_stamp(located.path, errata_file)
    write_files(files, out_dir, force=force)
    if ids_file is not None:
        write_atomic(ids_file, ids_tsv(assignments))
    accepted = read_accepted(AUDIT_ACCEPTED_FILE) if located.committed else []
    return NormalizeReport(
        sections=len(handbook.sections), questions=sum(1 for _ in handbook.questions()),
        formulas=formulas, code_blocks=count_code_blocks(handbook),
        errata_applied=applied, repairs=log, residue=review(audit(handbook), accepted),
        figures=figures[1],
    )


def figures_of(handbook: Handbook, scripts_dir: Path, out_dir: Path) -> tuple[dict[str, bytes], FigureReport]:
    """The SVGs the handbook shows, drawn from their scripts (kept from `out_dir` when up to date)."""
    names = {image.name for image in handbook_images(handbook)}
    if not names:
        return {}, FigureReport((), ())
    return figure_files(scripts_dir, out_dir / FIGURES_FOLDER, names)
