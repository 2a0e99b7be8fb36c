"""`handbook build-site`: canonical Markdown → the site, built by MkDocs or Zensical.

The pages are made here, by the project's own writers, into the site's source
(pipeline/site_source.py: a folder any of the engines builds as it is, no hooks);
the engine wraps them in the Material theme, makes the navigation and the search
index. This module runs `normalize` first when a book's Markdown is older than its
snapshot or errata, writes the source folder (only the files that changed), builds
it strictly into a staging folder, and swaps that in only when the build succeeded.
`serve_site` keeps the source folder up to date while an engine serves it.

Engines (pipeline.paths.SITE_ENGINES): MkDocs 1.6 with Material 9.8, run in this process (the default:
it builds everything the site needs, and Material's own releases are what the
browser tests follow); Zensical, its successor, run as its own command.

The same input gives byte-identical files: the only date the engines write (the
sitemap's, MkDocs' gzip header) is taken from SOURCE_DATE_EPOCH, which is set
here, when the caller has not, to the time of the last git commit of the
Markdown (or, outside a clean checkout, its newest modification time), never to
the clock.
"""

from __future__ import annotations

import filecmp
import ipaddress
import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from pipeline import inputs
from pipeline.book import Book, is_stale
from pipeline.errors import HandbookError
from pipeline.fileio import (
    MARKER,
    check_output_dir,
    copy_atomic,
    in_use,
    marker_text,
    remove_empty,
    replaced_dir,
    write_atomic,
)
from pipeline.inputs import one_line
from pipeline.paths import DEFAULT_SITE_ENGINE, MKDOCS_CONFIG, SERVE_SOURCE_DIR, SITE_ENGINES
from pipeline.site_config import check_web_url
from pipeline.site_layout import SiteLayout, books_layout, read_handbook
from pipeline.site_source import CONFIG_FILE, Content, read_settings, site_source
from pipeline.source_time import source_date
from pipeline.writers.site import deck_files, formula_count

if TYPE_CHECKING:
    from mkdocs.theme import Theme

T = TypeVar("T")
WRITER = "handbook build-site"  # names the folder's owner in its marker (pipeline.fileio)
SOURCE_WRITER = "handbook build-site (the site's source)"
# What the source folder's engines may keep there between runs (their output, caches).
ENGINE_FILES = frozenset({"site", ".cache"})
TEMPLATE_CACHE = Path(".cache") / "jinja"  # MkDocs' compiled templates (see _keep_compiled_templates)


@dataclass(frozen=True)
class SiteReport:
    """What `build_site` built, for the CLI's summary."""

    site_dir: Path
    pages: int
    questions: int
    formulas: int
    decks: tuple[int, int]  # (found, expected)
    normalized: bool
    seconds: float

    def summary(self) -> str:
        first = "Normalized the snapshot, then built" if self.normalized else "Built"
        line = (
            f"{first} {self.pages} pages ({self.questions} questions, {self.formulas} formulas) "
            f"into {self.site_dir}/ in {self.seconds:.1f}s"
        )
        found, expected = self.decks
        if found < expected:
            line += (
                f"\nAnki decks: {found} of {expected} in decks/<book>/; run `handbook export-anki` "
                "before build-site or the download links stay broken"
            )
        return line


def build_site(
    book: Book,
    site_dir: Path,
    *,
    more_books: Sequence[Book] = (),
    series_title: str | None = None,
    config_file: Path = MKDOCS_CONFIG,
    site_url: str | None = None,
    engine: str = DEFAULT_SITE_ENGINE,
    source_dir: Path | None = None,
    force: bool = False,
    adopt: bool = False,
) -> SiteReport:
    """Build the site of `book`, and of `more_books` after it, into `site_dir` (replaced
    only on success), with `engine`.

    With more books the site is the series' (`series_title`, by default
    source/books/series.toml's). `config_file` holds the site's settings (theme,
    search, site_url; the checkout's mkdocs.yml); `site_url` overrides its own
    (tests serve the site on a port of their own). The source folder is
    `source_dir`, by default build/<site folder's name>-source beside `site_dir`.
    `force` replaces a folder that holds something else, `adopt` an unmarked
    default site/ from before markers (see pipeline.fileio).
    """
    start = time.perf_counter()
    if engine not in SITE_ENGINES:
        raise HandbookError(f"unknown site engine {engine!r}: choose one of {', '.join(SITE_ENGINES)}")
    books = [book, *more_books]
    normalized = _normalize_stale(books)
    dirs = [each.handbook_dir for each in books]
    date = _Background(lambda: source_date(*dirs))  # git's answers come while the Markdown is read
    layout = books_layout(book, more_books, series_title)
    handbooks = [read_handbook(folder) for folder in dirs]
    if site_url:
        check_web_url(site_url, "the site's address")
    source = source_dir or default_source_dir(site_dir)
    settings = read_settings(config_file)
    made = [folder for folder in (source, *source.parents) if not os.path.lexists(folder)]
    with _source_date(date.result()), replaced_dir(site_dir, WRITER, force=force, adopt=adopt) as staging:
        try:
            write_source(source, site_source(layout, settings, site_url))
            BUILDERS[engine](source / CONFIG_FILE, staging)
        except BaseException:  # a failed build leaves no source folder it made (one it had stays, as a cache)
            if made:
                shutil.rmtree(made[0], ignore_errors=True)
                remove_empty(made[1:])
            raise
    return SiteReport(
        site_dir=site_dir,
        pages=sum(len(h.sections) + 1 for h in handbooks),
        questions=sum(1 for h in handbooks for _ in h.questions()),
        formulas=sum(formula_count(h) for h in handbooks),
        decks=_decks_found(layout, site_dir),
        normalized=normalized,
        seconds=time.perf_counter() - start,
    )


def _normalize_stale(books: Sequence[Book]) -> bool:
    """`normalize` each book whose snapshot or errata changed since its Markdown was made; whether any did."""
    stale = [book for book in books if is_stale(book)]
    if stale:
        from pipeline.normalize import normalize_book  # the repairs and KaTeX: loaded only when needed

        for book in stale:
            normalize_book(book)
    return bool(stale)


def default_source_dir(site_dir: Path) -> Path:
    """Where a site's source folder goes: build/<site folder's name>-source beside it."""
    return site_dir.parent / "build" / f"{site_dir.name}-source"


# --- the source folder ---------------------------------------------------------


def write_source(source: Path, files: Mapping[str, Content]) -> int:
    """Bring the source folder to exactly `files`, writing only those that changed (so an
    engine serving it rebuilds only for a real change); returns how many were written.
    The folder is the pipeline's (marked); the engines' own output and caches in it stay."""
    check_output_dir(source, SOURCE_WRITER)
    source.mkdir(parents=True, exist_ok=True)
    if not (source / MARKER).exists():
        write_atomic(source / MARKER, marker_text(SOURCE_WRITER))
    written = 0
    for name, content in files.items():
        path = source / name
        if _same(path, content):
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            copy_atomic(content, path)
        else:
            write_atomic(path, content)
        written += 1
    for path in sorted(source.rglob("*"), reverse=True):
        name = path.relative_to(source).as_posix()
        if name.split("/")[0] in ENGINE_FILES or name == MARKER or name in files or in_use(path.name):
            continue  # (a temporary of a run still going, writing this folder too, is not ours to take)
        if path.is_dir() and not path.is_symlink():
            if not any(path.iterdir()):
                path.rmdir()
        else:
            path.unlink()  # a page, figure or deck no longer in the books
    return written


def _same(path: Path, content: Content) -> bool:
    """Whether the source folder's file already holds `content` (bytes, or a file's)."""
    if not path.is_file():
        return False
    if isinstance(content, Path):
        return filecmp.cmp(content, path, shallow=False)
    return path.stat().st_size == len(content) and path.read_bytes() == content


# --- engines -------------------------------------------------------------------


def _mkdocs_build(config_file: Path, site_dir: Path) -> None:
    """`mkdocs build --strict -f SOURCE/mkdocs.yml`, in this process, into `site_dir`; MkDocs'
    messages are gathered, not printed, and the first says in one line why a build stopped."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    with _mkdocs_messages() as messages:
        try:
            config = load_config(str(config_file), site_dir=str(site_dir.resolve()), strict=True)
            _keep_compiled_templates(config.theme, config_file.parent / TEMPLATE_CACHE)
            config.plugins.on_startup(command="build", dirty=False)
            try:
                build(config)
            finally:
                config.plugins.on_shutdown()
        except MkDocsException as error:
            why = messages[0] if messages else str(error)
            raise HandbookError(f"the site did not build: {one_line(why)}") from None


class _Gathered(logging.Handler):
    """Keeps the messages of WARNING and above."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _mkdocs_messages() -> Iterator[list[str]]:
    """MkDocs' warnings and errors while it builds, kept for the one-line error instead of printed."""
    handler = _Gathered()
    logger = logging.getLogger("mkdocs")
    propagate, logger.propagate = logger.propagate, False
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _keep_compiled_templates(theme: Theme, folder: Path) -> None:
    """MkDocs compiles the theme's templates (some forty of Material's) anew on every build, a
    sixth of its time; Jinja's bytecode cache keeps them compiled in the source folder between
    builds, each reused only while its template's checksum is the same."""
    import jinja2

    folder.mkdir(parents=True, exist_ok=True)
    env = theme.get_env()
    env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))
    theme.get_env = lambda: env  # type: ignore[method-assign]  # the one environment, for MkDocs and its plugins


def _zensical_build(config_file: Path, site_dir: Path) -> None:
    """`zensical build --strict -f SOURCE/mkdocs.yml`, its own process; its output then moves to `site_dir`."""
    built = config_file.parent / "site"
    shutil.rmtree(built, ignore_errors=True)
    command = [sys.executable, "-m", "zensical", "build", "--strict", "-f", str(config_file)]
    result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=config_file.parent)
    if result.returncode != 0 or not built.is_dir():
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise HandbookError(f"the site did not build with Zensical ({detail[-1] if detail else 'no output'})")
    os.replace(built, site_dir)


BUILDERS = {"mkdocs": _mkdocs_build, "zensical": _zensical_build}


# --- live preview ------------------------------------------------------------------


SERVE_COMMANDS = {
    "mkdocs": ["-m", "mkdocs", "serve", "--livereload"],
    "zensical": ["-m", "zensical", "serve"],
}


def serve_site(
    book: Book,
    *,
    more_books: Sequence[Book] = (),
    config_file: Path = MKDOCS_CONFIG,
    source_dir: Path | None = None,
    engine: str = DEFAULT_SITE_ENGINE,
    dev_addr: str = "127.0.0.1:8000",
    poll: float = 0.5,
) -> int:
    """Serve the site with `engine`'s own live preview, keeping its source folder up to date
    while the books' Markdown changes (checked every `poll` s; only changed pages are written,
    and the engine rebuilds for those). Returns the engine's exit code when it stops."""
    if engine not in SITE_ENGINES:
        raise HandbookError(f"unknown site engine {engine!r}: choose one of {', '.join(SITE_ENGINES)}")
    check_address(dev_addr)
    layout = books_layout(book, more_books)
    dirs = [each.handbook_dir for each in layout.books]
    settings = read_settings(config_file)
    source = source_dir or SERVE_SOURCE_DIR
    write_source(source, site_source(layout, settings))
    stop = threading.Event()

    def follow() -> None:
        seen = _stats(dirs)
        while not stop.wait(poll):
            now = _stats(dirs)
            if now == seen:
                continue
            seen = now
            try:
                write_source(source, site_source(layout, settings))
            except HandbookError as error:  # a half-typed edit: say so, keep serving the last good pages
                print(f"handbook: {error}", file=sys.stderr, flush=True)

    watcher = threading.Thread(target=follow, daemon=True)
    watcher.start()
    command = [
        sys.executable,
        *SERVE_COMMANDS[engine],
        "-f",
        str(source / CONFIG_FILE),
        "--dev-addr",
        dev_addr,
    ]
    engine_process = subprocess.Popen(command, env=os.environ | {"NO_MKDOCS_2_WARNING": "1"})  # no banner
    try:
        return engine_process.wait()
    except KeyboardInterrupt:
        engine_process.terminate()
        return engine_process.wait()
    finally:
        stop.set()


def check_address(dev_addr: str) -> None:
    """IP:PORT, free to listen on, or one line saying why not: the engine would say it in a
    traceback of its own, after its start-up banner."""
    host, _, port = dev_addr.rpartition(":")
    try:
        address = ipaddress.ip_address(host.strip("[]"))
        number = int(port) if port.isascii() and port.isdigit() else -1
    except ValueError:
        number = -1
    if number < 0 or number > 65535:  # 0: any free port
        raise HandbookError(
            f"{inputs.shown(dev_addr)} is no address to serve on: give IP:PORT (127.0.0.1:8000)"
        )
    family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the engines' servers do
        try:
            probe.bind((str(address), number))
        except OSError as error:
            raise HandbookError(
                f"cannot serve on {dev_addr}: {error.strerror or error}; choose another address"
            ) from None


def _stats(folders: Sequence[Path]) -> tuple[tuple[str, int, int], ...]:
    """What a change of any book's files (Markdown, figures) changes."""
    paths = sorted(p for folder in folders for p in folder.rglob("*") if p.is_file())
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths)


def _decks_found(layout: SiteLayout, site_dir: Path) -> tuple[int, int]:
    names = [
        name for book in layout.books for _, name in deck_files(read_handbook(book.handbook_dir), book.slug)
    ]
    return sum((site_dir / "decks" / name).is_file() for name in names), len(names)


# --- dates -----------------------------------------------------------------------


class _Background(Generic[T]):
    """`work` run in a thread of its own (it waits on other processes, not on this one's CPU)."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._outcome: list[T] = []
        self._error: list[BaseException] = []
        self._thread = threading.Thread(target=self._run, args=(work,), daemon=True)
        self._thread.start()

    def _run(self, work: Callable[[], T]) -> None:
        try:
            self._outcome.append(work())
        except BaseException as error:  # raised again where the result is wanted
            self._error.append(error)

    def result(self) -> T:
        self._thread.join()
        if self._error:
            raise self._error[0]
        return self._outcome[0]


@contextmanager
def _source_date(epoch: int) -> Iterator[None]:
    """SOURCE_DATE_EPOCH set for the engine during the build, then restored."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
