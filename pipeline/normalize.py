"""Snapshot → canonical Markdown: read, repair, identify, correct, validate, write.

This is the library behind `handbook normalize`. Each step is its own module
over the one document model; this one only strings them together, checks the
result and reports what happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline import katex
from pipeline.audit import Acceptance, AuditReport, audit, read_accepted, review
from pipeline.book import (
    Book,
    Manifest,
    all_books,
    canonical_handbook,
    corrected_handbook,
    inputs_stamp,
    is_stale,
    read_snapshot_text,
    select_books,
)
from pipeline.errors import ONE_BOOK, OUTPUT_FOLDER, HandbookError
from pipeline.figures import FigureReport, figure_files
from pipeline.fileio import check_output_dir, write_atomic
from pipeline.formats import FIGURES_FOLDER, INPUTS_STAMP
from pipeline.ids import ids_tsv, read_ids
from pipeline.model import CodeBlock, Handbook, all_blocks, handbook_images, question_formulas
from pipeline.readers import reader_for_file
from pipeline.readers.markdown import read_files
from pipeline.repair import RepairLog
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
    return sum(isinstance(b, CodeBlock) for _, q in handbook.questions() for b in all_blocks(q.answer))


def normalize_paths(
    snapshot: Path | None,
    slugs: tuple[str, ...],
    out_dir: Path | None = None,
    errata_file: Path | None = None,
    ids_file: Path | None = None,
    *,
    allow_dropped: bool = False,
    force: bool = False,
) -> list[NormalizeReport]:
    """`handbook normalize`: the named books (every book), or one snapshot file.

    A snapshot that is a book's own is that book; any other is a dump that
    belongs to no book, normalized into `out_dir` with only the files named.
    """
    if snapshot is not None:
        owner = next(
            (
                b
                for b in all_books()
                if b.manifest_file.exists() and b.snapshot_file().resolve() == snapshot.resolve()
            ),
            None,
        )
        if owner is not None:
            return [
                normalize_book(
                    owner, out_dir, errata_file, ids_file, allow_dropped=allow_dropped, force=force
                )
            ]
        if out_dir is None:
            read_snapshot_text(snapshot)  # a snapshot that cannot be one says so first
            raise HandbookError(
                f"{snapshot} is no book's snapshot (`handbook scrape` it to make it a book)",
                remedy=OUTPUT_FOLDER,
            )
        return [normalize(snapshot, out_dir, errata_file, ids_file, allow_dropped=allow_dropped, force=force)]
    books = select_books(slugs)
    if len(books) != 1 and (out_dir or errata_file or ids_file):
        raise HandbookError(
            f"a trial run's output folder, errata and ids files belong to one book, not to {len(books)}",
            remedy=ONE_BOOK,
        )
    return [
        normalize_book(book, out_dir, errata_file, ids_file, allow_dropped=allow_dropped, force=force)
        for book in books
    ]


def normalize_if_stale(book: Book, *, force: bool = False) -> NormalizeReport | None:
    """Normalize the book's snapshot into its Markdown folder if its inputs changed."""
    if not is_stale(book):
        return None
    return normalize_book(book, force=force)


def normalize_book(
    book: Book,
    out_dir: Path | None = None,
    errata_file: Path | None = None,
    ids_file: Path | None = None,
    *,
    allow_dropped: bool = False,
    force: bool = False,
) -> NormalizeReport:
    """The book's snapshot into its Markdown folder, with its errata, ids and accepted residue.

    `out_dir`, `errata_file` and `ids_file` replace the book's own (a trial run).
    """
    out_dir = out_dir or book.handbook_dir
    check_output_dir(out_dir, WRITER, force=force)  # before the work, not only after it
    accepted = read_accepted(book.audit_file)  # every input read before anything is written
    handbook, log, assignments, applied = canonical_handbook(
        book, errata_file=errata_file, ids_file=ids_file, allow_dropped=allow_dropped
    )
    stamp = inputs_stamp(book.snapshot_file(), errata_file or book.errata_file)
    formulas, figures = _write(handbook, out_dir, stamp, book.figures_dir, force=force)
    write_atomic(ids_file or book.ids_file, ids_tsv(assignments))
    return _report(handbook, log, applied, accepted, formulas, figures)


def normalize(
    snapshot: Path,
    out_dir: Path,
    errata_file: Path | None = None,
    ids_file: Path | None = None,
    *,
    allow_dropped: bool = False,
    force: bool = False,
    figures_dir: Path | None = None,
) -> NormalizeReport:
    """Another handbook's dump (no book's) into `out_dir`: only the errata and ids files named are used.

    A question the ids file knows but the snapshot lacks stops the run unless
    `allow_dropped` (see pipeline.ids). `figures_dir` holds the scripts of the
    figures the handbook shows; their SVGs go to `out_dir/figures/`.
    """
    check_output_dir(out_dir, WRITER, force=force)
    known = read_ids(ids_file) if ids_file else []  # refuse bad state files before the slow repair
    manifest = Manifest(snapshot.name, reader_for_file(snapshot.name))
    handbook, log, assignments, applied = corrected_handbook(
        snapshot, manifest, known, errata_file, allow_dropped=allow_dropped
    )
    stamp = inputs_stamp(snapshot, errata_file)
    formulas, figures = _write(handbook, out_dir, stamp, figures_dir, force=force)
    if ids_file is not None:
        write_atomic(ids_file, ids_tsv(assignments))
    return _report(handbook, log, applied, [], formulas, figures)


def _write(
    handbook: Handbook,
    out_dir: Path,
    stamp: str,
    figures_dir: Path | None,
    *,
    force: bool,
) -> tuple[int, FigureReport]:
    """Validate and write the canonical Markdown and its figures; returns how many formulas
    it holds and what was drawn."""
    check_formulas(handbook)
    formulas = validate_formulas(handbook)
    pages = markdown_files(handbook)
    if read_files(pages) != handbook:
        raise HandbookError("internal error: the canonical Markdown does not read back the same")
    figures = figures_of(handbook, figures_dir, out_dir)
    files: dict[str, str | bytes] = dict(pages)
    files.update({f"{FIGURES_FOLDER}/{name}": data for name, data in figures[0].items()})
    files[INPUTS_STAMP] = stamp
    write_files(files, out_dir, force=force)
    return formulas, figures[1]


def _report(
    handbook: Handbook,
    log: RepairLog,
    applied: int,
    accepted: list[Acceptance],
    formulas: int,
    figures: FigureReport,
) -> NormalizeReport:
    return NormalizeReport(
        sections=len(handbook.sections),
        questions=sum(1 for _ in handbook.questions()),
        formulas=formulas,
        code_blocks=count_code_blocks(handbook),
        errata_applied=applied,
        repairs=log,
        residue=review(audit(handbook), accepted),
        figures=figures,
    )


def figures_of(
    handbook: Handbook,
    scripts_dir: Path | None,
    out_dir: Path,
) -> tuple[dict[str, bytes], FigureReport]:
    """The SVGs the handbook shows, drawn from their scripts (kept from `out_dir` when up to date)."""
    names = {image.name for image in handbook_images(handbook)}
    if not names:
        return {}, FigureReport((), ())
    if scripts_dir is None:
        raise HandbookError(f"the handbook shows {len(names)} figure(s) but no figures folder was given")
    return figure_files(scripts_dir, out_dir / FIGURES_FOLDER, names)
