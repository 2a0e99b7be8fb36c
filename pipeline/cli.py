"""The `handbook` command line: a thin layer over the library.

Each command parses options, calls one library function and prints its
summary. Library errors (`HandbookError`) become one-line messages with a
non-zero exit here and nowhere else.
"""

from __future__ import annotations

import errno
import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from click.core import ParameterSource

from pipeline.errors import ALLOW_DROPPED, FORCE, ONE_BOOK, OUTPUT_FOLDER, HandbookError
from pipeline.inputs import one_line
from pipeline.paths import BOOKS_DIR, DECKS_DIR, DEFAULT_SITE_ENGINE, SITE_DIR, SITE_ENGINES

if TYPE_CHECKING:
    from pipeline.book import Book

# The option that does what a library error's remedy names, appended to its message.
REMEDIES = {
    FORCE: ", or pass --force to replace it",
    ONE_BOOK: ": name the book with --book (--out, --errata and --ids are one book's)",
    ALLOW_DROPPED: ". If they were removed on purpose, run `handbook normalize --allow-dropped`",
    OUTPUT_FOLDER: ": pass --out DIR for its Markdown",
}


def user_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library errors into one clear line (with the option that would help) and exit code 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except HandbookError as error:
            message = str(error) + REMEDIES.get(error.remedy or "", "")
            raise click.ClickException(one_line(message)) from None
        except OSError as error:
            raise click.ClickException(one_line(os_error_line(error))) from None
        except KeyboardInterrupt:  # Ctrl-C: every output is swapped in whole, so none is half-written
            raise click.ClickException("interrupted: each output is as it was, or complete") from None

    return wrapper


_OS_HINTS = {
    errno.EACCES: "check the folder's permissions or choose another",
    errno.EPERM: "check the folder's permissions or choose another",
    errno.EROFS: "choose a folder on a writable disk",
    errno.ENOSPC: "free some disk space and run it again",
    errno.EDQUOT: "free some disk space and run it again",
}


def os_error_line(error: OSError) -> str:
    """A file-system failure (permission, read-only disk, /proc, disk full) as one line."""
    names = " → ".join(str(n) for n in (error.filename, error.filename2) if n is not None)
    reason = error.strerror or type(error).__name__
    hint = _OS_HINTS.get(error.errno or 0)
    line = f"{names}: {reason}" if names else reason
    return f"{line}; {hint}" if hint else line


def force_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--force",
        is_flag=True,
        help="Replace an output folder that holds files handbook did not write (never a file).",
    )(command)


def engine_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--engine",
        type=click.Choice(SITE_ENGINES),
        default=DEFAULT_SITE_ENGINE,
        show_default=True,
        help="What builds the site from its source: MkDocs (Material) or Zensical, its successor.",
    )(command)


def book_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--book",
        "books",
        multiple=True,
        metavar="SLUG",
        help=f"The book (a folder in {BOOKS_DIR}/) to work on; repeatable. Default: every book.",
    )(command)


def handbook_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return book_option(
        click.option(
            "--handbook",
            "handbook_dir",
            type=click.Path(path_type=Path),
            default=None,
            help=f"Folder of canonical Markdown to read instead of the book's ({BOOKS_DIR}/SLUG/handbook).",
        )(command)
    )


def defaulted(option: str) -> bool:
    """Whether the option is the checkout's default folder, not one the user named: only a
    default site/ or decks/ from before output markers is adopted (see pipeline.fileio)."""
    return click.get_current_context().get_parameter_source(option) is ParameterSource.DEFAULT


def reading_order_hint(slug: str) -> str:
    """For a book the series file does not list yet: where to place it in the reading order."""
    from pipeline.book import SERIES_FILE, series_order

    if slug in series_order(BOOKS_DIR):
        return ""
    return (
        f'{slug} is not in the series\' reading order: add "{slug}" to books in '
        f"{BOOKS_DIR / SERIES_FILE} (unlisted books follow the listed ones, by name)"
    )


def chosen_books(books: tuple[str, ...], handbook_dir: Path | None) -> list[Book]:
    """The books a site, deck or check command works on, each resolved once here: --handbook's
    Markdown folder, else each named book (every book by default), in the series' order."""
    from pipeline.book import markdown_book, select_books

    if handbook_dir is not None:
        return [markdown_book(handbook_dir, BOOKS_DIR)]
    selected = select_books(books)
    if not selected:
        raise HandbookError(f"no book in {BOOKS_DIR}/ yet: run `handbook scrape URL|FILE` first")
    return selected


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="handbook")
def main() -> None:
    """Rescue the damaged Deep Learning Concepts handbook and publish it.

    \b
    The stages, in order:
      scrape       keep a snapshot of the page in its book's folder (source/books/SLUG/raw/)
      normalize    repair the snapshot into canonical Markdown (source/books/SLUG/handbook/)
      build-site   render the Markdown as an MkDocs Material site (site/)
      export-anki  write one Anki deck per section (decks/)
    `handbook build` runs the last three as needed (no network: it reads the
    committed snapshot); `handbook check` proves nothing was lost. In a
    checkout, bin/handbook runs this command from .venv (set up on first use).

    \b
    Example:
      handbook build && handbook check
    """


@main.command()
@click.argument("source")
@click.option(
    "--book",
    metavar="SLUG",
    default=None,
    help="The book to make or refresh. Default: a slug of the page's title.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=None,
    help=f"Folder for the snapshot and its manifest. Default: {BOOKS_DIR}/SLUG/raw.",
)
@user_errors
def scrape(source: str, book: str | None, out_dir: Path | None) -> None:
    """Keep a snapshot of a handbook from a URL or a saved .html/.txt file.

    A new title makes a new book; --book names the one to refresh. Writes the
    snapshot and manifest.json (source, time, sha256, reader) atomically: a
    failed scrape never replaces the snapshot you have.

    \b
    Example:
      handbook scrape saved-page.html --book deep-learning-concepts
    """
    from pipeline.scrape import scrape as run

    manifest, saved = run(source, out_dir, books_dir=BOOKS_DIR, book=book)
    click.echo(
        f"Saved {saved / manifest.snapshot} ({manifest.reader} reader, sha256 {manifest.sha256[:12]}…)"
    )
    hint = reading_order_hint(saved.parent.name) if out_dir is None else ""
    if hint:
        click.echo(hint)


@main.command()
@click.argument("snapshot", required=False, type=click.Path(path_type=Path))
@book_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder for the canonical Markdown. Default: the book's handbook/ folder "
    "(needed for a dump that is no book's).",
)
@click.option(
    "--errata",
    type=click.Path(path_type=Path),
    default=None,
    help="Reviewed hand corrections to apply. Default: the book's errata.toml; none for another dump.",
)
@click.option(
    "--ids",
    "ids_file",
    type=click.Path(path_type=Path),
    default=None,
    help="Stable question-id assignments (updated in place). Default: the book's "
    "question-ids.tsv; another dump gets fresh ids, saved nowhere.",
)
@click.option(
    "--allow-dropped",
    is_flag=True,
    help="Accept that questions the ids file knows are gone from the snapshot.",
)
@force_option
@user_errors
def normalize(
    snapshot: Path | None,
    books: tuple[str, ...],
    out_dir: Path | None,
    errata: Path | None,
    ids_file: Path | None,
    allow_dropped: bool,
    force: bool,
) -> None:
    """Repair a book's snapshot into canonical Markdown, one file per section.

    Without SNAPSHOT, each book's own (named in its raw/manifest.json). The
    previous Markdown is replaced only when the whole run succeeds. A run whose
    snapshot lacks a question seen before stops, unless --allow-dropped.

    \b
    Example:
      handbook normalize && git diff source/books/
    """
    from pipeline.normalize import normalize_paths

    for report in normalize_paths(
        snapshot, books, out_dir, errata, ids_file, allow_dropped=allow_dropped, force=force
    ):
        click.echo(report.summary())


@main.command("build-site")
@handbook_option
@click.option(
    "--site",
    "site_dir",
    type=click.Path(path_type=Path),
    default=SITE_DIR,
    show_default=True,
    help="Folder for the built site.",
)
@engine_option
@force_option
@user_errors
def build_site(
    books: tuple[str, ...], handbook_dir: Path | None, site_dir: Path, engine: str, force: bool
) -> None:
    """Build one Material site of every book (or those named), with MkDocs or Zensical.

    The series' first book keeps the top-level pages (/, /NN-section/), each
    later book lives under /<book>/. Runs `normalize` first when the snapshot or errata changed since the
    Markdown was made. The pages are written first into the site's source,
    build/<site>-source/, which the engine builds. Preview while editing with `handbook serve`.

    \b
    Examples:
      handbook build-site --site /tmp/preview
      handbook build-site --engine zensical --site /tmp/zensical-site
    """
    from pipeline.site import build_site as run

    first, *more = chosen_books(books, handbook_dir)
    report = run(first, site_dir, more_books=more, engine=engine, force=force, adopt=defaulted("site_dir"))
    click.echo(report.summary())


@main.command("serve")
@book_option
@engine_option
@click.option(
    "--dev-addr",
    default="127.0.0.1:8000",
    show_default=True,
    metavar="IP:PORT",
    help="Where the preview is served.",
)
@user_errors
def serve(books: tuple[str, ...], engine: str, dev_addr: str) -> None:
    """Preview the site while you edit source/books/*/handbook/*.md (Ctrl-C stops).

    Writes the site's source (build/site-source/) and runs the engine's own live
    server on it; every save of a book's Markdown or figures rewrites the pages
    that changed, and the browser reloads within a second or two.

    \b
    Example:
      handbook serve --dev-addr 127.0.0.1:8001
    """
    from pipeline.site import serve_site

    first, *more = chosen_books(books, None)
    raise SystemExit(serve_site(first, more_books=more, engine=engine, dev_addr=dev_addr))


@main.command("export-anki")
@handbook_option
@click.option(
    "--section",
    "sections",
    multiple=True,
    metavar="SLUG",
    help="Export only this section (repeatable). Default: every section plus the whole book's deck.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=DECKS_DIR,
    show_default=True,
    help="Folder of decks: the book's .apkg files go to OUT/<book>/.",
)
@force_option
@user_errors
def export_anki(
    books: tuple[str, ...], handbook_dir: Path | None, sections: tuple[str, ...], out_dir: Path, force: bool
) -> None:
    """Write a book's Anki decks (.apkg) into OUT/<book>/: one per section, one for the book.

    Decks are named Series::Book::Section (the series from source/books/series.toml).
    Re-importing an updated deck updates notes in place and keeps review history.
    A full export replaces the book's folder as a whole; --section adds or
    replaces only its own decks there, and every other file stays.

    \b
    Example:
      handbook export-anki --section autoencoders
    """
    from pipeline.anki import export_anki as run

    chosen = chosen_books(books, handbook_dir)
    if sections and len(chosen) > 1:
        raise HandbookError("--section names a section of one book: choose the book with --book")
    for book in chosen:
        click.echo(run(book, out_dir, sections or None, force=force, adopt=defaulted("out_dir")).summary())


@main.command("build")
@book_option
@engine_option
@force_option
@user_errors
def build_all(books: tuple[str, ...], engine: str, force: bool) -> None:
    """Build every book (or those named) from its committed snapshot: Markdown, decks, site.

    For each book: normalizes only when the snapshot or errata changed since
    the Markdown was written (so edits to the Markdown survive), draws again
    the figures whose script in the book's figures/ changed, exports its Anki
    decks into decks/<book>/. Then builds one site of all of them into site/,
    with the decks to download.

    \b
    Example:
      handbook build && python3 -m http.server -d site
    """
    from pipeline.build import build

    report = build(
        chosen_books(books, None),
        SITE_DIR,
        DECKS_DIR,
        progress=click.echo,
        engine=engine,
        force=force,
        adopt=True,
    )
    click.echo(report.summary())


@main.command("check")
@handbook_option
@click.option(
    "--site",
    "site_dir",
    type=click.Path(path_type=Path),
    default=SITE_DIR,
    show_default=True,
    help="Built site to check.",
)
@click.option(
    "--decks",
    "decks_dir",
    type=click.Path(path_type=Path),
    default=DECKS_DIR,
    show_default=True,
    help="Folder of exported decks to check (the book's in DECKS/<book>/).",
)
@user_errors
def check(books: tuple[str, ...], handbook_dir: Path | None, site_dir: Path, decks_dir: Path) -> None:
    """Prove every question of every book survived every stage, unchanged.

    For each question: the snapshot (read, repaired, corrected by the errata),
    the canonical Markdown, the site's pages and every deck must hold it once,
    with the same title, text, formulas and code; every formula must pass KaTeX;
    every page's title, header and navigation must read back as the handbook's
    titles, as text (an element injected through a title fails it).
    Prints one row per stage and exits 1 naming the first question that differs.

    \b
    Example:
      handbook build && handbook check
    """
    from pipeline.check import check as run

    first, *more = chosen_books(books, handbook_dir)
    report = run(first, site_dir, decks_dir, more_books=more)
    click.echo(report.table())
    if not report.ok:
        raise click.ClickException(one_line(report.failure()))
