"""`handbook check`: the ledger that proves no question was lost or changed.

Every stage is read back into the model on its own terms: the snapshot through
its reader, the repairs, the id assignments and the errata; the canonical
Markdown; the built site's HTML; every exported deck. Each question must be
present exactly once at every stage, with the same title and answer (text,
formulas, code, figures), and each figure's SVG once, the same bytes, in the
Markdown's folder, the site and every deck that shows it. Every formula must also pass KaTeX; every page of the site
must show the handbook's titles in its <title>, header, heading and navigation
as text (metadata is untrusted: markup there means it was injected); and every
finding of the residue audit (pipeline/audit.py) must be accepted in
the book's audit-accepted.toml, each acceptance still matching a finding.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline import katex
from pipeline.errors import HandbookError
from pipeline.book import Book, book_of, slug_of
from pipeline.model import Handbook, Question, images, question_formulas
from pipeline.readers.site_pages import PageChrome, read_site_chrome
from pipeline.formats import book_deck_file, section_deck_file, section_page


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
        if data != (svgs / f"{name}.svg").read_bytes():
            return f"{where} holds a figure {name!r} that differs from the Markdown's"
    extra = sorted(set(counts) - set(expected))
    return f"{where} holds figure {extra[0]!r}, which no question shows" if extra else ""


def _with_problem(result: StageResult, problem: str) -> StageResult:
    return result if result.first_problem or not problem else replace(result, first_problem=problem)


def _snapshot_questions(book: Book) -> list[Question]:
    from pipeline.book import canonical_handbook

    return [q for _, q in canonical_handbook(book)[0].questions()]


def _formula_stage(canonical: Handbook) -> StageResult:
    questions = [q for _, q in canonical.questions()]
    failing = [
        q.id for q in questions
        if katex.formula_errors(question_formulas(q))
    ]
    problem = f"question {failing[0]!r} has a formula KaTeX refuses" if failing else ""
    return StageResult("formulas (KaTeX)", len(questions), len(questions) - len(failing), problem)


def _deck_stages(canonical: Handbook, book_decks: Path, svgs: Path) -> list[StageResult]:
    """Every deck in the book's folder (`<decks>/<book>/`): the whole book's holds every question,
    a section's the questions of its section."""
    from pipeline.readers.anki_package import read_apkg, read_apkg_media

    decks = sorted(book_decks.glob("*.apkg"))
    if not decks:
        raise HandbookError(f"no decks in {book_decks}: run `handbook export-anki` first")
    book = book_decks.name
    wanted = {book_deck_file(book): [q for _, q in canonical.questions()]}
    wanted |= {section_deck_file(s, book): list(s.questions) for s in canonical.sections}
    stages = []
    for deck in decks:
        name, questions = f"deck {book}/{deck.name}", wanted.get(deck.name)
        if questions is None:
            stages.append(StageResult(name, 0, 0, f"{deck} is neither the book's deck nor a section's"))
            continue
        stages.append(_with_problem(
            compare(name, questions, [q for _, q in read_apkg(deck)]),
            _figure_files_problem(f"{deck.name}'s media", read_apkg_media(deck), _figures(questions), svgs),
        ))
    return stages


def _residue_stage(canonical: Handbook, accepted_file: Path | None) -> StageResult:
    """The residue audit: every finding accepted in the reviewed list, every acceptance still used."""
    from pipeline.audit import audit, read_accepted, review

    report = review(audit(canonical), read_accepted(accepted_file) if accepted_file else [])
    places = {q.id for _, q in canonical.questions()} | {"index"}
    damaged = {f.question for f in report.unaccepted}
    return StageResult("residue audit", len(places), len(places - damaged), report.first_problem())
def _norm(text: str) -> str:
    return " ".join(text.split())


HOME = "Home"  # MkDocs' own title for the home page, which the hooks keep (no "X - X" tab)


def expected_chrome(canonical: Handbook, site_name: str = "") -> dict[str, tuple[str, PageChrome]]:
    """Page folder → (its title, what the theme must show around it) for every page.

    The site is named after the handbook's title; `site_name` (mkdocs.yml's) when it has none.
    The home page's tab title is the site's name alone, and it is "Home" in the navigation.
    """
    meta = canonical.meta
    site = _norm(meta.title) or site_name
    nav = (HOME, *(_norm(s.title) for s in canonical.sections))
    chrome = {"": (_norm(meta.title), PageChrome(site, (site, HOME), _norm(meta.title), nav, ()))}
    for number, section in enumerate(canonical.sections, start=1):
        title = _norm(section.title)
        page = section_page(number, section)
        chrome[page] = (title, PageChrome(f"{title} - {site}", (site, title), title, nav, ()))
    return chrome


def _chrome_stage(canonical: Handbook, site_dir: Path) -> StageResult:
    """The titles in each page's <title>, header, heading and navigation, read as text.

    A title that reached the theme unescaped shows here: its markup becomes an
    element (read back as a foreign tag) instead of text.
    """
    found = read_site_chrome(site_dir)
    home = found.get("")
    expected = expected_chrome(canonical, home.header[0] if home and home.header else "")
    problems = []
    for page, (title, wanted) in expected.items():
        got = found.get(page)
        name = f"page {page or 'index'!r}"
        if got is None:
            problems.append(f"{name} is missing from the site")
        elif got.foreign_tags:
            problems.append(f"{name} has markup in its titles or navigation: <{'>, <'.join(got.foreign_tags)}>")
        elif got != wanted:
            field = next(f for f in ("title", "header", "heading", "nav") if getattr(got, f) != getattr(wanted, f))
            problems.append(f"{name} shows a different {field} than the handbook's titles")
    return StageResult("site titles and navigation (pages)", len(found), len(expected) - len(problems),
                       problems[0] if problems else "")


def check(handbook_dir: Path, site_dir: Path, decks_dir: Path) -> CheckReport:
    """Every stage read back and compared; the snapshot and accepted residue too when
    `handbook_dir` is a book's own Markdown folder."""
    from pipeline.readers.markdown import FIGURES_FOLDER, read_markdown
    from pipeline.readers.site_pages import read_site

    canonical = read_markdown(handbook_dir)
    expected = [q for _, q in canonical.questions()]
    svgs = handbook_dir / FIGURES_FOLDER
    shown = _figures(expected)
    markdown_files = [(p.name, p.read_bytes()) for p in sorted(svgs.glob("*.svg"))]
    stages = [_with_problem(
        StageResult("canonical Markdown", len(expected), len(expected), "", len(shown)),
        _figure_files_problem(f"{svgs}/", markdown_files, shown, svgs),
    )]
    book = book_of(handbook_dir)
    if book is not None:
        stages.insert(0, compare("snapshot + repairs + errata", expected, _snapshot_questions(book)))
    stages.append(_formula_stage(canonical))
    pages = read_site(site_dir)
    site_figures = [(p.name, p.read_bytes()) for p in sorted((site_dir / FIGURES_FOLDER).glob("*.svg"))]
    stages.append(_with_problem(
        compare("site pages", expected, [q for page in pages.values() for q in page]),
        _figure_files_problem(f"{site_dir / FIGURES_FOLDER}/", site_figures, shown, svgs),
    ))
    stages.append(_chrome_stage(canonical, site_dir))
    stages += _deck_stages(canonical, decks_dir / slug_of(handbook_dir, canonical), svgs)
    stages.append(_residue_stage(canonical, book.audit_file if book else None))
    return CheckReport(tuple(stages))
