"""`handbook check`: the ledger that proves no question was lost or changed.

Every stage is read back into the model on its own terms: the snapshot through
its reader, the repairs, the id assignments and the errata; the canonical
Markdown; the built site's HTML; every exported deck (each note's lead and
folded rest joined again; its part notes, one per sub-heading of a long answer,
as rows of their own). Each question must be
present exactly once at every stage, with the same title and answer (text,
formulas, code, figures), and each figure's SVG once, the same bytes, in the
Markdown's folder, the site and every deck that shows it; on the site each question
also has one permalink beside it. Every formula must also pass KaTeX; every page of the site
must show the handbook's titles in its <title>, header, heading and navigation
as text (metadata is untrusted: markup there means it was injected); and every
finding of the residue audit (pipeline/audit.py) must be accepted in
the book's audit-accepted.toml, each acceptance still matching a finding.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline import inputs, katex
from pipeline.book import Book
from pipeline.errors import HandbookError
from pipeline.formats import FIGURES_FOLDER, book_deck_file, section_deck_file, section_page
from pipeline.leads import handbook_splits
from pipeline.model import Handbook, Question, images, question_formulas
from pipeline.parts import answer_parts, is_part
from pipeline.readers.site_pages import PageChrome, SitePage, read_site_pages
from pipeline.site_layout import SiteBook, SiteLayout, books_layout, read_handbook


@dataclass(frozen=True)
class StageResult:
    name: str
    questions: int
    equal: int
    first_problem: str = ""
    images: int | None = None  # figures shown at this stage (None: a stage without them)


@dataclass(frozen=True)
class CheckReport:
    stages: tuple[StageResult, ...]

    @property
    def ok(self) -> bool:
        return all(not s.first_problem for s in self.stages)

    def table(self) -> str:
        width = max(len(s.name) for s in self.stages)
        rows = [f"{'stage':<{width}} {'questions':>9} {'equal':>6} {'images':>6}  first problem"]
        rows += [
            f"{s.name:<{width}} {s.questions:>9} {s.equal:>6} {'' if s.images is None else s.images:>6}"
            f"  {s.first_problem or 'none'}"
            for s in self.stages
        ]
        return "\n".join(rows)

    def failure(self) -> str:
        first = next(s for s in self.stages if s.first_problem)
        return f"{first.name}: {first.first_problem}"


def compare(name: str, expected: list[Question], found: list[Question]) -> StageResult:
    """Each expected question once in `found`, equal in title and answer."""
    counts = Counter(q.id for q in found)
    by_id = {q.id: q for q in found}
    problems = []
    equal = 0
    for question in expected:
        got = by_id.get(question.id)
        if counts[question.id] != 1:
            problems.append(f"question {question.id!r} appears {counts[question.id]} times")
        elif got is not None and got.title != question.title:
            problems.append(f"question {question.id!r} has a different title")
        elif got is not None and got.answer != question.answer:
            problems.append(f"question {question.id!r} has a different answer")
        else:
            equal += 1
    known = {q.id for q in expected}
    extra = [q.id for q in found if q.id not in known]
    if extra:
        problems.append(f"question {extra[0]!r} is not in the canonical Markdown")
    shown = sum(1 for q in found for _ in images(q.answer))
    return StageResult(name, len(found), equal, problems[0] if problems else "", shown)


def _figures(questions: list[Question]) -> list[str]:
    return [image.name for q in questions for image in images(q.answer)]


def _figure_files_problem(where: str, files: list[tuple[str, bytes]], expected: list[str], svgs: Path) -> str:
    """Each figure the stage's questions show is there once, as the same SVG the Markdown holds."""
    counts = Counter(name.split(".", 1)[0] for name, _ in files)
    for name in dict.fromkeys(expected):
        if counts[name] != 1:
            return f"{where} holds figure {name!r} {counts[name]} times"
        data = next(d for n, d in files if n.split(".", 1)[0] == name)
        if data != inputs.read_bytes(svgs / f"{name}.svg", inputs.FIGURE):
            return f"{where} holds a figure {name!r} that differs from the Markdown's"
    extra = sorted(set(counts) - set(expected))
    return f"{where} holds figure {extra[0]!r}, which no question shows" if extra else ""


def _svg_files(folder: Path) -> list[tuple[str, bytes]]:
    return [(p.name, inputs.read_bytes(p, inputs.FIGURE)) for p in sorted(folder.glob("*.svg"))]


def _permalinks_problem(expected: list[Question], pages: dict[str, SitePage]) -> str:
    """Each question has one permalink on the site, beside it."""
    counts = Counter(anchor for page in pages.values() for anchor in page.permalinks)
    for question in expected:
        if counts[question.id] != 1:
            found = f"{counts[question.id]} permalinks" if counts[question.id] else "no permalink"
            return f"question {question.id!r} has {found}"
    return ""


def _with_problem(result: StageResult, *problems: str) -> StageResult:
    """The result, with the first of `problems` unless it has one of its own."""
    problem = next((p for p in problems if p), "")
    return result if result.first_problem or not problem else replace(result, first_problem=problem)


def _snapshot_questions(book: Book) -> list[Question]:
    from pipeline.book import canonical_handbook

    return [q for _, q in canonical_handbook(book)[0].questions()]


def _formula_stage(canonical: Handbook) -> StageResult:
    questions = [q for _, q in canonical.questions()]
    failing = [q.id for q in questions if katex.formula_errors(question_formulas(q))]
    problem = f"question {failing[0]!r} has a formula KaTeX refuses" if failing else ""
    return StageResult("formulas (KaTeX)", len(questions), len(questions) - len(failing), problem)


def _deck_stages(
    canonical: Handbook, book: str, decks_dir: Path, svgs: Path, leads_file: Path
) -> list[StageResult]:
    """Every deck in the book's folder (`<decks>/<book>/`): the whole book's holds every question,
    a section's the questions of its section; each deck's part notes are rows of their own. Each
    note's lead and rest must be its whole answer (read back in two parts), and the lead the one
    the rule or `leads_file` chooses."""
    from pipeline.readers.anki_package import read_apkg, read_apkg_media

    book_decks = decks_dir / book
    decks = sorted(book_decks.glob("*.apkg"))
    if not decks:
        raise HandbookError(f"no decks in {book_decks}: run `handbook export-anki` first")
    wanted = {book_deck_file(book): [q for _, q in canonical.questions()]}
    wanted |= {section_deck_file(s, book): list(s.questions) for s in canonical.sections}
    splits = handbook_splits(canonical, leads_file)
    stages = []
    for deck in decks:
        name, questions = f"deck {book}/{deck.name}", wanted.get(deck.name)
        if questions is None:
            stages.append(StageResult(name, 0, 0, f"{deck} is neither the book's deck nor a section's"))
            continue
        notes = read_apkg(deck)
        found = [note.question for note in notes if not is_part(note.question.id)]
        parts = [note.question for note in notes if is_part(note.question.id)]
        moved = next((n.question.id for n in notes if splits.get(n.question.id, n.split) != n.split), None)
        stages.append(
            _with_problem(
                _with_problem(
                    compare(name, questions, found),
                    _figure_files_problem(
                        f"{deck.name}'s media", read_apkg_media(deck), _figures(questions), svgs
                    ),
                ),
                f"note {moved!r} shows a different lead than its rule or leads.toml choose" if moved else "",
            )
        )
        expected_parts = [part for question in questions for part in answer_parts(question)]
        if expected_parts or parts:
            stages.append(replace(compare(f"{name}: part notes", expected_parts, parts), images=None))
    return stages


def _residue_stage(canonical: Handbook, accepted_file: Path) -> StageResult:
    """The residue audit: every finding accepted in the reviewed list, every acceptance still used."""
    from pipeline.audit import audit, read_accepted, review

    report = review(audit(canonical), read_accepted(accepted_file))
    places = {q.id for _, q in canonical.questions()} | {"index"}
    damaged = {f.question for f in report.unaccepted}
    return StageResult("residue audit", len(places), len(places - damaged), report.first_problem())


def _norm(text: str) -> str:
    return " ".join(text.split())


HOME = "Home"  # MkDocs' own title for the home page, which the hooks keep (no "X - X" tab)


def expected_chrome(
    canonical: Handbook,
    site_name: str = "",
    books: Sequence[str] = (),
) -> dict[str, tuple[str, PageChrome]]:
    """Page folder (in the book's folder of the site) → (its title, what the theme must show around it).

    A site of one book is named after the handbook's title (`site_name`, mkdocs.yml's, when it
    has none); its home page's tab title is the site's name alone, "Home" in the navigation.
    A site of several books (`books`: their titles, in order) is named `site_name`, the series'
    title; its navigation and tabs list the books, and each book's home shows its title.
    """
    title = _norm(canonical.meta.title)
    sections = tuple(_norm(s.title) for s in canonical.sections)
    if books:
        site, nav, tabs = site_name, tuple(_norm(b) for b in books), tuple(_norm(b) for b in books)
        home = PageChrome(f"{title} - {site}", (site, title), title, nav, tabs, ())
    else:
        site, nav, tabs = title or site_name, (HOME, *sections), ()
        home = PageChrome(site, (site, HOME), title, nav, tabs, ())
    chrome = {"": (title, home)}
    for number, section in enumerate(canonical.sections, start=1):
        name = _norm(section.title)
        chrome[section_page(number, section)] = (
            name,
            PageChrome(f"{name} - {site}", (site, name), name, nav, tabs, ()),
        )
    return chrome


def _chrome_stage(
    name: str,
    canonical: Handbook,
    pages: dict[str, SitePage],
    site_name: str | None,
    books: Sequence[str],
) -> StageResult:
    """The titles in each page's <title>, header, heading, navigation and tabs, read as text.

    A title that reached the theme unescaped shows here: its markup becomes an
    element (read back as a foreign tag) instead of text. `pages` are the book's, read from its
    folder in the site; `site_name` None: the site's own (mkdocs.yml's when the title is empty).
    """
    found = {name: page.chrome for name, page in pages.items()}
    home = found.get("")
    if site_name is None:
        site_name = home.header[0] if home and home.header else ""
    expected = expected_chrome(canonical, site_name, books)
    problems = []
    for page, (_title, wanted) in expected.items():
        got = found.get(page)
        where = f"page {page or 'index'!r}"
        if got is None:
            problems.append(f"{where} is missing from the site")
        elif got.foreign_tags:
            problems.append(
                f"{where} has markup in its titles or navigation: <{'>, <'.join(got.foreign_tags)}>"
            )
        elif got != wanted:
            field = next(
                f
                for f in ("title", "header", "heading", "nav", "tabs")
                if getattr(got, f) != getattr(wanted, f)
            )
            problems.append(f"{where} shows a different {field} than the handbook's titles")
    return StageResult(name, len(found), len(expected) - len(problems), problems[0] if problems else "")


def site_stages(layout: SiteLayout, book: SiteBook, site_dir: Path) -> list[StageResult]:
    """The built site, for one of its books: its pages hold its questions and figures, and show its
    titles (and the series' books) as text. `book_stages` names them with the book's slug."""

    canonical = read_handbook(book.handbook_dir)
    expected = [q for _, q in canonical.questions()]
    svgs = book.handbook_dir / FIGURES_FOLDER
    book_dir = site_dir / book.prefix
    pages = read_site_pages(book_dir)
    site_figures = _svg_files(book_dir / FIGURES_FOLDER)
    books = [read_handbook(b.handbook_dir).meta.title for b in layout.books] if layout.several else []
    return [
        _with_problem(
            compare("site pages", expected, [q for page in pages.values() for q in page.questions]),
            _permalinks_problem(expected, pages),
            _figure_files_problem(f"{book_dir / FIGURES_FOLDER}/", site_figures, _figures(expected), svgs),
        ),
        _chrome_stage(
            "site titles and navigation (pages)",
            canonical,
            pages,
            layout.title if layout.several else None,
            books,
        ),
    ]


def check(
    book: Book,
    site_dir: Path,
    decks_dir: Path,
    *,
    more_books: Sequence[Book] = (),
    series_title: str | None = None,
) -> CheckReport:
    """Every stage read back and compared, for `book` and each of `more_books` (in the order
    build_site was given them); stage names carry the book's slug when there are several."""
    layout = books_layout(book, more_books, series_title)
    return CheckReport(
        tuple(stage for book in layout.books for stage in book_stages(layout, book, site_dir, decks_dir))
    )


def book_stages(
    layout: SiteLayout, site_book: SiteBook, site_dir: Path, decks_dir: Path
) -> list[StageResult]:
    """One book at every stage; the snapshot too when the book has one."""
    book, handbook_dir = site_book.book, site_book.handbook_dir
    canonical = read_handbook(handbook_dir)
    expected = [q for _, q in canonical.questions()]
    svgs = handbook_dir / FIGURES_FOLDER
    shown = _figures(expected)
    markdown_files = _svg_files(svgs)
    stages = [
        _with_problem(
            StageResult("canonical Markdown", len(expected), len(expected), "", len(shown)),
            _figure_files_problem(f"{svgs}/", markdown_files, shown, svgs),
        )
    ]
    if book.manifest_file.exists():
        stages.insert(0, compare("snapshot + repairs + errata", expected, _snapshot_questions(book)))
    stages.append(_formula_stage(canonical))
    stages += site_stages(layout, site_book, site_dir)
    stages += _deck_stages(canonical, book.slug, decks_dir, svgs, book.leads_file)
    stages.append(_residue_stage(canonical, book.audit_file))
    if not layout.several:
        return stages
    return [replace(s, name=f"{s.name} [{site_book.slug}]") for s in stages]
