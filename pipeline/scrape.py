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
import http.client
import json
import os
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from bs4.dammit import EncodingDetector

from pipeline.book import MANIFEST_NAME, Manifest, proposed_slug
from pipeline.errors import HandbookError
from pipeline.fileio import write_atomic
from pipeline.model import Handbook
from pipeline.readers import FILE_READERS, READER_EXTENSIONS

SNAPSHOT_STEM = "snapshot"  # a new book's; a refresh keeps the name its manifest gave
HTML_TYPES = ("text/html", "application/xhtml+xml")
PROJECT_URL = ""  # where the tool lives, for the User-Agent (none published yet)
CHUNK = 64 * 1024


@dataclass(frozen=True)
class FetchOptions:
    """How patient a download is; the environment can override each (for tests and slow links)."""

    timeout: float = 20.0  # seconds for a whole request (connect, redirects, headers, body)
    attempts: int = 3  # tries on connection errors, timeouts and 5xx answers
    backoff: float = 1.0  # seconds before the second try, doubled after each
    max_bytes: int = 5_000_000  # the handbook page is well under 1 MB

    @classmethod
    def from_environment(cls) -> FetchOptions:
        env = os.environ
        defaults = cls()
        try:
            return cls(
                timeout=float(env.get("HANDBOOK_SCRAPE_TIMEOUT", defaults.timeout)),
                attempts=max(1, int(env.get("HANDBOOK_SCRAPE_ATTEMPTS", defaults.attempts))),
                backoff=float(env.get("HANDBOOK_SCRAPE_BACKOFF", defaults.backoff)),
                max_bytes=int(env.get("HANDBOOK_SCRAPE_MAX_BYTES", defaults.max_bytes)),
            )
        except ValueError as error:
            raise HandbookError(f"a HANDBOOK_SCRAPE_* setting is not a number: {error}") from None


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
    `book`, else the one named by a slug of the page's title (a new title makes
    a new book). Returns the manifest and the folder it is in.
    """
    if source.startswith(("http://", "https://")):
        text = fetch(source, options or FetchOptions.from_environment())
        reader = "html"
    else:
        text, reader = _read_file(Path(source))
    handbook = check_snapshot(text, reader, source)
    if out_dir is None:
        if books_dir is None:
            raise HandbookError("internal error: scrape needs a folder or a books folder")
        out_dir = books_dir / (book or proposed_slug(handbook.meta.title)) / "raw"
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
    """A failure worth another try (the network, a timeout, a 5xx answer)."""


def fetch(url: str, options: FetchOptions) -> str:
    """The page at `url` as text, or a HandbookError saying what went wrong."""
    last = ""
    for attempt in range(options.attempts):
        if attempt:
            time.sleep(options.backoff * 2 ** (attempt - 1))
        try:
            return _fetch_once(url, options)
        except _Retry as reason:
            last = str(reason)
    tries = f" (tried {options.attempts} times)" if options.attempts > 1 else ""
    raise HandbookError(
        f"cannot reach {url}: {last}{tries}; check your connection or save the page and pass the file"
    )


class _Deadline:
    """One request's whole-time limit, headers, redirects and body included.

    A socket timeout bounds each read, not their sum: a server that sends one
    byte a second never trips it. So every socket the request connects is
    remembered, and when the deadline passes a timer shuts them down, which
    ends whatever read is waiting.
    """

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def opener(self) -> urllib.request.OpenerDirector:
        deadline = self

        class _HTTP(urllib.request.HTTPHandler):
            def http_open(self, req):  # type: ignore[no-untyped-def]
                return self.do_open(deadline._connection(http.client.HTTPConnection), req)

        class _HTTPS(urllib.request.HTTPSHandler):
            def https_open(self, req):  # type: ignore[no-untyped-def]
                return self.do_open(
                    deadline._connection(http.client.HTTPSConnection),
                    req,
                    context=self._context,  # type: ignore[attr-defined]  # the handler's own, set by its __init__
                )

        return urllib.request.build_opener(_HTTP, _HTTPS)

    def _connection(self, kind: type[http.client.HTTPConnection]):  # type: ignore[no-untyped-def]
        """A connection class for urllib whose socket, once connected, is remembered."""
        deadline = self

        class _Connection(kind):  # type: ignore[valid-type, misc]
            def connect(self) -> None:
                super().connect()
                deadline._remember(self.sock)

        return _Connection

    def _remember(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:  # already closed
        pass


def _fetch_once(url: str, options: FetchOptions) -> str:
    with _Deadline(options.timeout) as deadline:
        try:
            text = _request(url, options, deadline.opener())
        except (HandbookError, _Retry):
            if not deadline.expired:
                raise
            text = None  # the cut-off connection shows as any error, or as a short page
        if deadline.expired or text is None:  # None: the request failed as the deadline passed
            raise _Retry(f"no complete answer within {options.timeout:g} s")
        return text


def _request(url: str, options: FetchOptions, opener: urllib.request.OpenerDirector) -> str:
    request = urllib.request.Request(
        url,
        headers={
            "User-Agent": user_agent(),
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
        },
    )
    try:
        with opener.open(request, timeout=options.timeout) as response:
            content_type = response.headers.get_content_type()
            if content_type not in HTML_TYPES:
                raise HandbookError(
                    f"{url} answered with {content_type}, not an HTML page: check the address"
                )
            body = _read_body(response, url, options)
            charset = response.headers.get_content_charset() or EncodingDetector.find_declared_encoding(
                body[:2048], is_html=True
            )
    except urllib.error.HTTPError as error:
        if error.code >= 500:
            raise _Retry(f"the server answered HTTP {error.code} {_one_line(error.reason)}") from None
        if 300 <= error.code < 400:  # urllib gives up on a loop (or too many hops) with a 3xx
            raise HandbookError(f"{url} redirects in a loop (or too many times): check the address") from None
        raise HandbookError(
            f"{url} answered HTTP {error.code} {_one_line(error.reason)}: check the address"
        ) from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            raise _Retry(f"no answer within {options.timeout:g} s") from None
        raise _Retry(str(getattr(reason, "strerror", None) or reason)) from None
    except TimeoutError:
        raise _Retry(f"no answer within {options.timeout:g} s") from None
    except OSError as error:
        raise _Retry(error.strerror or str(error) or type(error).__name__) from None
    except http.client.HTTPException as error:
        raise _Retry(f"the connection broke off ({type(error).__name__})") from None
    return _decode(body, charset, url)


def _read_body(response, url: str, options: FetchOptions) -> bytes:  # type: ignore[no-untyped-def]
    """The body in chunks, stopping as soon as it passes the size limit."""
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > options.max_bytes:
        raise _too_large(url, options)
    parts: list[bytes] = []
    size = 0
    while chunk := response.read(CHUNK):  # the request's _Deadline cuts a slow body short
        size += len(chunk)
        if size > options.max_bytes:
            raise _too_large(url, options)
        parts.append(chunk)
    return b"".join(parts)


def _one_line(reason: object) -> str:
    return " ".join(str(reason).split())


def _too_large(url: str, options: FetchOptions) -> HandbookError:
    return HandbookError(
        f"{url} is larger than {options.max_bytes / 1e6:g} MB, too big to be the handbook page: "
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

    url = source if source.startswith(("http://", "https://")) else ""
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
    out_dir.mkdir(parents=True, exist_ok=True)
    previous = _previous_snapshot(out_dir)
    write_atomic(out_dir / manifest.snapshot, text)
    write_atomic(out_dir / MANIFEST_NAME, manifest.to_json())
    if previous and previous != manifest.snapshot:
        (out_dir / previous).unlink(missing_ok=True)


def _previous_snapshot(out_dir: Path) -> str | None:
    """The snapshot the old manifest names, if it is provably ours (its sha256 matches)."""
    path = out_dir / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        name, digest = data.get("snapshot"), data.get("sha256")
        if isinstance(name, str) and name and Path(name).name == name:
            if hashlib.sha256((out_dir / name).read_bytes()).hexdigest() == digest:
                return name
    except (OSError, ValueError, AttributeError):
        pass
    return None
