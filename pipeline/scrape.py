"""Keep a snapshot of the handbook: from the live page (a URL) or a saved file.

This is the library behind `handbook scrape`. It fetches or reads the page,
proves it is a handbook (its reader finds questions in it) and only then
replaces the snapshot and its manifest in the output folder. A failed scrape,
whatever the reason, leaves the snapshot you have untouched.

The manifest (`manifest.json`) names the snapshot, the reader `normalize`
uses for it, where it came from, when, and its sha256.
"""

from __future__ import annotations

import hashlib
import os
import socket
import ssl
import time
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import urllib3
from bs4.dammit import EncodingDetector
from urllib3.exceptions import HTTPError, LocationParseError, MaxRetryError, ResponseError
from urllib3.util import Retry, Timeout, parse_url
from urllib3.util.ssl_ import create_urllib3_context

from pipeline import inputs
from pipeline.book import MANIFEST_NAME, Manifest, check_slug, proposed_slug
from pipeline.errors import HandbookError
from pipeline.fileio import make_parents, remove_empty, write_atomic
from pipeline.model import Handbook
from pipeline.readers import FILE_READERS, READER_EXTENSIONS

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

SNAPSHOT_STEM = "snapshot"  # a new book's; a refresh keeps the name its manifest gave
HTML_TYPES = ("text/html", "application/xhtml+xml")
PROJECT_URL = ""  # where the tool lives, for the User-Agent (none published yet)
CHUNK = 64 * 1024
MAX_REDIRECTS = 10


@dataclass(frozen=True)
class FetchOptions:
    """How patient a download is; the environment can override each (for tests and slow links)."""

    timeout: float = 20.0  # seconds for a whole request (connect, redirects, headers, body)
    attempts: int = 3  # tries on connection errors, timeouts, incomplete bodies and 5xx answers
    backoff: float = 1.0  # urllib3's backoff factor between tries
    max_bytes: int = 5_000_000  # the handbook page is well under 1 MB

    @classmethod
    def from_environment(cls) -> FetchOptions:
        """Each HANDBOOK_SCRAPE_* setting, finite and within bounds (pipeline.inputs.env_number)."""
        defaults = cls()
        number = inputs.env_number
        return cls(
            timeout=number("HANDBOOK_SCRAPE_TIMEOUT", defaults.timeout, low=0.001, high=3600),
            attempts=int(number("HANDBOOK_SCRAPE_ATTEMPTS", defaults.attempts, low=1, high=10, integer=True)),
            backoff=number("HANDBOOK_SCRAPE_BACKOFF", defaults.backoff, low=0, high=60),
            max_bytes=int(
                number(
                    "HANDBOOK_SCRAPE_MAX_BYTES",
                    defaults.max_bytes,
                    low=1,
                    high=inputs.SNAPSHOT.limit,
                    integer=True,
                )
            ),
        )


def scrape(
    source: str,
    out_dir: Path | None,
    options: FetchOptions | None = None,
    *,
    books_dir: Path | None = None,
    book: str | None = None,
) -> tuple[Manifest, Path]:
    """Snapshot `source` (an http(s) URL or a .html/.htm/.txt file) into `out_dir`.

    Without `out_dir`, into a book's raw/ folder under `books_dir`: the book
    `book` (a slug), else the one named by a slug of the page's title (a new title makes
    a new book). `out_dir` must be missing, empty, or a snapshot folder already (its
    manifest.json is one we wrote). Returns the manifest and the folder it is in.
    """
    if book is not None:
        check_slug(book, "the book named")
    if out_dir is not None:
        check_snapshot_folder(out_dir)
    if is_web_address(source):
        text = fetch(source, options or FetchOptions.from_environment())
        reader = "html"
    else:
        text, reader = _read_file(Path(source))
    handbook = check_snapshot(text, reader, source)
    if out_dir is None:
        if books_dir is None:
            raise HandbookError("internal error: scrape needs a folder or a books folder")
        out_dir = books_dir / (book or proposed_slug(handbook.meta.title)) / "raw"
        check_snapshot_folder(out_dir)
    previous = _previous_snapshot(out_dir) if out_dir.is_dir() else None
    manifest = Manifest(
        snapshot=Path(previous or SNAPSHOT_STEM).stem + READER_EXTENSIONS[reader],
        reader=reader,
        source=source,
        retrieved_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )
    commit_snapshot(out_dir, manifest, text)
    return manifest, out_dir


def is_web_address(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def check_snapshot_folder(out_dir: Path) -> None:
    """A snapshot goes only into a missing or empty folder, or one that holds a snapshot already
    (its manifest.json reads as ours): never over files of someone else's."""
    if os.path.lexists(out_dir) and (out_dir.is_symlink() or not out_dir.is_dir()):
        raise HandbookError(f"{out_dir} is a file, not a folder: choose a folder for the snapshot")
    if not out_dir.is_dir() or not any(out_dir.iterdir()):
        return
    if os.path.lexists(out_dir / MANIFEST_NAME):
        Manifest.read(out_dir / MANIFEST_NAME)  # a manifest that is not ours says what is wrong with it
        return
    first = sorted(os.listdir(out_dir))[0]
    raise HandbookError(
        f"{out_dir} is not empty and holds no snapshot (it holds {first}): choose an empty or new folder"
    )


# --- a saved file --------------------------------------------------------------


def _read_file(path: Path) -> tuple[str, str]:
    from pipeline.book import read_snapshot_text

    reader = FILE_READERS.get(path.suffix.lower())
    if reader is None:
        raise HandbookError(
            f"{path} is not a page snapshot: pass an http(s) URL or a saved .html or .txt file"
        )
    if not path.exists():  # anything else that is not a regular file: read_snapshot_text says what
        raise HandbookError(f"{path} does not exist: pass an http(s) URL or a saved .html or .txt file")
    return read_snapshot_text(path), reader


# --- the live page -------------------------------------------------------------


def user_agent() -> str:
    try:
        version = metadata.version("handbook")
    except metadata.PackageNotFoundError:
        version = "0"
    contact = f"+{PROJECT_URL}" if PROJECT_URL else "handbook rescue pipeline"
    return f"handbook-scraper/{version} ({contact})"


class _Retry(Exception):
    """A failure worth another try (the network, a timeout, a cut-off body, a 5xx answer)."""


def fetch(url: str, options: FetchOptions) -> str:
    """The page at `url` as text, or a HandbookError saying what went wrong.

    urllib3 follows redirects and keeps the connections; its `Retry` counts the tries
    (spaced by `backoff`, doubled each time). Each try has one deadline for the whole request
    (`_DeadlineSocket`), and its body must be complete: shorter than its Content-Length,
    or cut off, is retried like a network error, then refused.
    """
    shown = inputs.shown(url) if any(ord(c) < 32 or c == "\x7f" for c in url) else url
    try:
        parse_url(url)
    except LocationParseError as error:
        raise HandbookError(f"{shown} is not a web address: {inputs.one_line(str(error))}") from None
    retry = Retry(total=options.attempts - 1)
    with urllib3.PoolManager(headers=_HEADERS, ssl_context=_ssl_context()) as manager:
        manager.pool_classes_by_scheme = _POOLS
        while True:
            try:
                return _fetch_once(manager, url, shown, options)
            except _Retry as failure:
                try:
                    retry = retry.increment("GET", url, error=failure)
                except MaxRetryError:
                    tries = f" (tried {options.attempts} times)" if options.attempts > 1 else ""
                    raise HandbookError(
                        f"cannot reach {shown}: {failure}{tries}; check your connection or save the page and "
                        "pass the file"
                    ) from None
                time.sleep(options.backoff * 2 ** (len(retry.history) - 1))  # 1 s, 2 s…


_HEADERS = {"User-Agent": user_agent(), "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"}
_deadline: ContextVar[float] = ContextVar("deadline")


def _remaining() -> float:
    """Seconds left for this request (raises TimeoutError when none are)."""
    left = _deadline.get() - time.monotonic()
    if left <= 0:
        raise TimeoutError("the request's deadline passed")
    return left


class _DeadlineSocket(socket.socket):
    """A socket whose every read waits at most until the request's deadline.

    A socket timeout bounds each read, not their sum: a server that sends one byte a
    second (headers or body) would never trip it. This one sets each read's timeout to
    the time left, so headers, redirects and body all fit in one deadline.
    """

    def recv_into(self, buffer: WriteableBuffer, nbytes: int = 0, flags: int = 0) -> int:
        self.settimeout(_remaining())
        return super().recv_into(buffer, nbytes, flags)


class _DeadlineSSLSocket(ssl.SSLSocket):
    """`_DeadlineSocket` for https (TLS reads its socket itself)."""

    def recv_into(self, buffer: WriteableBuffer, nbytes: int | None = None, flags: int = 0) -> int:
        self.settimeout(_remaining())
        return super().recv_into(buffer, nbytes, flags)


class _HTTPConnection(urllib3.connection.HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _DeadlineSocket(fileno=super()._new_conn().detach())


class _HTTPSConnection(urllib3.connection.HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _DeadlineSocket(fileno=super()._new_conn().detach())


class _HTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


def _ssl_context() -> ssl.SSLContext:
    context = create_urllib3_context()
    context.load_default_certs()
    context.sslsocket_class = _DeadlineSSLSocket
    return context


def _fetch_once(manager: urllib3.PoolManager, url: str, shown: str, options: FetchOptions) -> str:
    token = _deadline.set(time.monotonic() + options.timeout)
    try:
        return _request(manager, url, shown, options)
    except _Retry:
        if _deadline.get() <= time.monotonic():
            raise _Retry(f"no complete answer within {options.timeout:g} s") from None
        raise
    finally:
        _deadline.reset(token)


def _request(manager: urllib3.PoolManager, url: str, shown: str, options: FetchOptions) -> str:
    try:
        response = manager.request(
            "GET",
            url,
            preload_content=False,
            retries=Retry(total=None, connect=0, read=0, status=0, other=0, redirect=MAX_REDIRECTS),
            timeout=Timeout(connect=options.timeout, read=options.timeout),
        )
    except MaxRetryError as error:
        if isinstance(error.reason, ResponseError):  # urllib3's "too many redirects"
            raise HandbookError(
                f"{shown} redirects in a loop (or too many times): check the address"
            ) from None
        raise _Retry(_network_reason(error.reason, options)) from None
    except (HTTPError, OSError) as error:
        raise _Retry(_network_reason(error, options)) from None
    try:
        return _page(response, shown, options)
    finally:
        response.release_conn()


def _network_reason(error: BaseException | None, options: FetchOptions) -> str:
    if isinstance(error, (TimeoutError, urllib3.exceptions.TimeoutError)):
        return f"no answer within {options.timeout:g} s"
    reason = getattr(error, "reason", None) or error
    return inputs.one_line(str(getattr(reason, "strerror", None) or reason or type(error).__name__))


def _page(response: urllib3.BaseHTTPResponse, shown: str, options: FetchOptions) -> str:
    """The answer's body as text: a 2xx HTML page, complete, within the size limit."""
    status, reason = response.status, inputs.one_line(response.reason or "")
    if status >= 500:
        raise _Retry(f"the server answered HTTP {status} {reason}")
    if status >= 300:
        raise HandbookError(f"{shown} answered HTTP {status} {reason}: check the address")
    content_type = response.headers.get("Content-Type", "").partition(";")[0].strip().lower()
    if content_type not in HTML_TYPES:
        raise HandbookError(
            f"{shown} answered with {inputs.one_line(content_type) or 'no type'}, not an HTML page: check the address"
        )
    body = _read_body(response, shown, options)
    charset = _charset(response.headers.get("Content-Type", "")) or EncodingDetector.find_declared_encoding(
        body[:2048], is_html=True
    )
    return _decode(body, charset, shown)


def _charset(content_type: str) -> str | None:
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"') or None
    return None


def _read_body(response: urllib3.BaseHTTPResponse, shown: str, options: FetchOptions) -> bytes:
    """The body in chunks, stopping as soon as it passes the size limit or the deadline; a body
    shorter than its Content-Length, or cut off, is incomplete (retried)."""
    declared = response.headers.get("Content-Length", "").strip()
    if declared.isascii() and declared.isdigit() and int(declared) > options.max_bytes:
        raise _too_large(shown, options)
    parts: list[bytes] = []
    size = 0
    try:
        while chunk := response.read1(CHUNK):
            size += len(chunk)
            if size > options.max_bytes:
                raise _too_large(shown, options)
            parts.append(chunk)
            _remaining()  # the deadline, checked after each chunk too
    except (HTTPError, OSError):
        raise _Retry(_cut_off(size, declared)) from None
    encoded = response.headers.get("Content-Encoding", "identity").strip().lower() not in ("", "identity")
    if declared.isascii() and declared.isdigit() and not encoded and size != int(declared):
        raise _Retry(_cut_off(size, declared))
    return b"".join(parts)


def _cut_off(size: int, declared: str) -> str:
    of = f" of {int(declared):,}" if declared.isascii() and declared.isdigit() else ""
    return f"the download was cut off after {size:,}{of} bytes"


def _too_large(shown: str, options: FetchOptions) -> HandbookError:
    return HandbookError(
        f"{shown} is larger than {options.max_bytes / 1e6:g} MB, too big to be the handbook page: "
        "check the address (or save the page and pass the file)"
    )


def _decode(body: bytes, charset: str | None, url: str) -> str:
    if not body.strip():
        raise HandbookError(f"{url} answered with an empty page: check the address")
    encoding = charset or "utf-8"
    try:
        "".encode(encoding)
    except LookupError:
        encoding = "utf-8"  # an unknown charset name: the page is most likely UTF-8
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as error:
        raise HandbookError(
            f"{url} is not valid {encoding} text (bad byte at offset {error.start}): "
            "save the page from a browser and pass the file"
        ) from None
    if "\x00" in text:
        raise HandbookError(f"{url} sent binary data, not an HTML page: check the address")
    return text


# --- proving and keeping the snapshot ------------------------------------------


def check_snapshot(text: str, reader: str, source: str) -> Handbook:
    """Read the snapshot with its reader; refuse it unless it holds questions."""
    from pipeline.readers import reader_for

    url = source if is_web_address(source) else ""
    handbook = reader_for(reader)(text, url)
    if not any(True for _ in handbook.questions()):
        raise HandbookError(f"{source} holds no handbook questions: is it the handbook page?")
    return handbook


def commit_snapshot(out_dir: Path, manifest: Manifest, text: str) -> None:
    """Replace the snapshot and manifest together; a stale snapshot goes only afterwards.

    Each file is written atomically (pipeline.fileio), the snapshot first, so
    the old snapshot stays readable until the new manifest names the new one.
    The manifest, written last, holds the snapshot's sha256, which `normalize`
    checks: a crash between the two is refused, never read as a pair.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise HandbookError(f"{out_dir} is a file, not a folder: choose a folder for the snapshot")
    created = make_parents(out_dir, out_dir)
    previous = _previous_snapshot(out_dir)
    try:
        write_atomic(out_dir / manifest.snapshot, text)
    except BaseException:
        remove_empty(created)
        raise
    write_atomic(out_dir / MANIFEST_NAME, manifest.to_json())
    if previous and previous != manifest.snapshot:
        (out_dir / previous).unlink(missing_ok=True)


def _previous_snapshot(out_dir: Path) -> str | None:
    """The snapshot the old manifest names, if it is provably ours (its sha256 matches)."""
    try:
        manifest = Manifest.read(out_dir / MANIFEST_NAME)
        snapshot = inputs.read_bytes(out_dir / manifest.snapshot, inputs.SNAPSHOT)
    except HandbookError:
        return None
    return manifest.snapshot if hashlib.sha256(snapshot).hexdigest() == manifest.sha256 else None
