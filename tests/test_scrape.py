"""`handbook scrape`: a snapshot from a URL or a file, replaced only when the new one is good."""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.errors import HandbookError
from pipeline.readers.html_page import read_html_page
from pipeline.scrape import FetchOptions, fetch, scrape
from tests.builders import handbook, para, question, section
from tests.generators.original_html import write_original_html
from tests.layout import BOOK

MAX_BYTES = 200_000
NEVER_IN_TIME = "0.1"  # seconds: the deadline for /slow, which answers after 3 s

HANDBOOK = handbook(section("s", "Section", question("q", "Why?", para("Because."))), title="Served handbook")
PAGE = write_original_html(HANDBOOK).encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    hits: dict[str, int] = {}
    agents: list[str] = []

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, content_type: str, body: bytes, length: bool = True) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _drip(self, headers_too: bool) -> None:
        """A byte every 0.1 s, for far longer than the test's 0.5 s deadline (30 s at most)."""
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
        if not headers_too:
            self.wfile.write(head)
        stream = (head if headers_too else b"") + PAGE
        try:
            for byte in stream[:300]:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.1)
        except OSError:  # the client hung up at its deadline
            pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        count = self.hits[self.path] = self.hits.get(self.path, 0) + 1
        self.agents.append(self.headers.get("User-Agent", ""))
        if self.path == "/good":
            self._send(200, "text/html; charset=utf-8", PAGE)
        elif self.path == "/latin1":
            body = PAGE.decode("utf-8").replace("Because.", "Café.").encode("latin-1")
            self._send(200, "text/html; charset=iso-8859-1", body)
        elif self.path == "/flaky":
            self._send(503, "text/html", b"busy") if count == 1 else self._send(200, "text/html", PAGE)
        elif self.path == "/down":
            self._send(500, "text/html", b"broken")
        elif self.path == "/huge":
            self._send(200, "text/html", b"<p>" + b"x" * (MAX_BYTES * 2), length=False)
        elif self.path == "/huge-declared":
            self._send(200, "text/html", b"<p>" + b"x" * (MAX_BYTES * 2))
        elif self.path == "/json":
            self._send(200, "application/json", b'{"not": "html"}')
        elif self.path == "/blog-post":
            self._send(200, "text/html", b"<html><body><p>Just a post.</p></body></html>")
        elif self.path == "/slow":
            time.sleep(3)
            self._send(200, "text/html", PAGE)
        elif self.path in ("/drip", "/drip-headers"):
            self._drip(self.path == "/drip-headers")
        elif self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
        else:
            self._send(404, "text/html", b"<h1>Not Found</h1>")


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up (at its deadline) makes the server's writes fail; that is expected


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = _QuietServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def fast_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDBOOK_SCRAPE_TIMEOUT", "0.5")
    monkeypatch.setenv("HANDBOOK_SCRAPE_ATTEMPTS", "2")
    monkeypatch.setenv("HANDBOOK_SCRAPE_BACKOFF", "0.01")
    monkeypatch.setenv("HANDBOOK_SCRAPE_MAX_BYTES", str(MAX_BYTES))


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    """An output folder that already holds a good snapshot (of a saved file)."""
    saved = tmp_path / "saved.html"
    saved.write_bytes(PAGE)
    out = tmp_path / "raw"
    scrape(str(saved), out)
    return out


def _state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["scrape", *args])
    return result.exit_code, result.output


def _assert_one_line_error(code: int, output: str, *phrases: str) -> None:
    assert code != 0
    assert output.startswith("Error: ") and output.count("\n") == 1, output
    assert "Traceback" not in output
    for phrase in phrases:
        assert phrase in output, output


# --- URLs ----------------------------------------------------------------------


def test_a_good_page_replaces_the_snapshot(server: str, raw: Path) -> None:
    code, output = _run(f"{server}/good", "--out", str(raw))
    assert code == 0, output
    assert output.startswith(f"Saved {raw / 'snapshot.html'} (html reader, sha256 ")
    manifest = json.loads((raw / "manifest.json").read_text())
    assert list(manifest) == ["snapshot", "reader", "source", "retrieved_at", "sha256"]
    assert manifest["source"] == f"{server}/good" and manifest["reader"] == "html"
    snapshot = (raw / manifest["snapshot"]).read_bytes()
    assert hashlib.sha256(snapshot).hexdigest() == manifest["sha256"]
    assert read_html_page(snapshot.decode(), "") == HANDBOOK
    assert sorted(p.name for p in raw.iterdir()) == ["manifest.json", "snapshot.html"]
    assert _Handler.agents[-1].startswith("handbook-scraper/")


def test_retries_after_a_server_error(server: str, raw: Path) -> None:
    code, output = _run(f"{server}/flaky", "--out", str(raw))
    assert code == 0, output
    assert _Handler.hits["/flaky"] == 2


def test_the_declared_charset_is_used(server: str, tmp_path: Path) -> None:
    scrape(f"{server}/latin1", tmp_path)
    assert "Café." in (tmp_path / "snapshot.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "path, phrases",
    [
        ("/missing", ("HTTP 404", "check the address")),
        ("/huge", ("larger than 0.2 MB",)),
        ("/huge-declared", ("larger than 0.2 MB",)),
        ("/json", ("application/json", "not an HTML page")),
        ("/blog-post", ("no questions",)),
        ("/slow", ("cannot reach", f"answer within {NEVER_IN_TIME} s", "save the page and pass the file")),
        ("/down", ("HTTP 500", "tried 2 times")),
        # Each read is quick, the whole is not: only a whole-request deadline stops these.
        ("/drip", ("cannot reach", "no complete answer within 0.5 s", "tried 2 times")),
        ("/drip-headers", ("cannot reach", "no complete answer within 0.5 s", "tried 2 times")),
        ("/loop", ("redirects in a loop",)),
    ],
)
def test_a_failed_download_changes_nothing(
    server: str,
    raw: Path,
    path: str,
    phrases: tuple[str, ...],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if path == "/slow":  # it answers after 3 s: the shortest deadline shows it as well as any
        monkeypatch.setenv("HANDBOOK_SCRAPE_TIMEOUT", NEVER_IN_TIME)
    before = _state(raw)
    code, output = _run(f"{server}{path}", "--out", str(raw))
    _assert_one_line_error(code, output, *phrases)
    assert _state(raw) == before


def test_client_errors_are_not_retried(server: str, tmp_path: Path) -> None:
    _run(f"{server}/gone-for-good", "--out", str(tmp_path))
    assert _Handler.hits["/gone-for-good"] == 1


def test_offline_is_one_line(raw: Path) -> None:
    before = _state(raw)
    code, output = _run("http://127.0.0.1:9/handbook", "--out", str(raw))  # nothing listens on 9
    _assert_one_line_error(code, output, "cannot reach http://127.0.0.1:9/handbook", "check your connection")
    assert _state(raw) == before


def test_fetch_options_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDBOOK_SCRAPE_TIMEOUT", "7")
    assert FetchOptions.from_environment().timeout == 7.0
    monkeypatch.setenv("HANDBOOK_SCRAPE_TIMEOUT", "soon")
    code, output = _run("https://example.invalid/", "--out", "unused")
    _assert_one_line_error(code, output, "HANDBOOK_SCRAPE_")


def test_fetch_gives_text(server: str) -> None:
    assert fetch(f"{server}/good", FetchOptions(timeout=2)) == PAGE.decode("utf-8")


# --- files ---------------------------------------------------------------------


def test_a_text_dump_replaces_an_html_snapshot(raw: Path, tmp_path: Path) -> None:
    dump = tmp_path / "dump.txt"
    shutil.copy(BOOK.snapshot_file(), dump)
    code, output = _run(str(dump), "--out", str(raw))
    assert code == 0, output
    manifest = json.loads((raw / "manifest.json").read_text())
    assert manifest["snapshot"] == "snapshot.txt" and manifest["reader"] == "text-dump"
    assert sorted(p.name for p in raw.iterdir()) == ["manifest.json", "snapshot.txt"]
    assert (raw / "snapshot.txt").read_bytes() == dump.read_bytes()
    assert manifest["sha256"] == hashlib.sha256(dump.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    "name, content, phrases",
    [
        ("page.pdf", b"%PDF-1.4", ("not a page snapshot",)),
        ("missing.html", None, ("does not exist",)),
        ("empty.html", b"  \n", ("is empty",)),
        ("binary.html", b"<p>\x00\x01</p>", ("binary",)),
        ("latin1.txt", "Café".encode("latin-1"), ("not UTF-8",)),
        ("post.html", b"<html><body><p>A blog post.</p></body></html>", ("no questions",)),
        ("notes.txt", b"Just some notes.\n", ("",)),
    ],
)
def test_a_bad_file_changes_nothing(
    raw: Path, tmp_path: Path, name: str, content: bytes | None, phrases: tuple[str, ...]
) -> None:
    source = tmp_path / name
    if content is not None:
        source.write_bytes(content)
    before = _state(raw)
    code, output = _run(str(source), "--out", str(raw))
    _assert_one_line_error(code, output, *phrases)
    assert _state(raw) == before


# --- a crash between the two renames -------------------------------------------


def test_a_crash_between_snapshot_and_manifest_is_never_read_as_a_pair(
    raw: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The manifest goes last and holds the snapshot's sha256: a lone new snapshot is refused."""
    import os

    import pipeline.scrape
    from pipeline.book import Manifest, read_snapshot

    saved = tmp_path / "newer.html"
    saved.write_bytes(PAGE.replace(b"</body>", b"<p>A newer paragraph.</p></body>"))
    renames, real_replace = [], os.replace

    def crash_before_the_manifest(source: object, target: object) -> None:
        if Path(str(target)).name == "manifest.json":
            raise KeyboardInterrupt  # the machine stops here
        renames.append(target)
        real_replace(source, target)

    monkeypatch.setattr(pipeline.scrape.os, "replace", crash_before_the_manifest)
    with pytest.raises(KeyboardInterrupt):
        scrape(str(saved), raw)
    monkeypatch.undo()
    assert [Path(str(t)).name for t in renames] == ["snapshot.html"]
    with pytest.raises(HandbookError, match="no longer matches the sha256 its manifest recorded"):
        read_snapshot(raw / "snapshot.html", Manifest.read(raw / "manifest.json"))
    scrape(str(saved), raw)  # scraping again repairs the pair
    assert read_snapshot(raw / "snapshot.html", Manifest.read(raw / "manifest.json")).questions


def test_a_previous_snapshot_is_removed_only_when_provably_ours(raw: Path, tmp_path: Path) -> None:
    """A manifest naming some other file (not matching its sha256) never gets that file deleted."""
    manifest = json.loads((raw / "manifest.json").read_text())
    (raw / "thesis.html").write_text("three years of work")
    (raw / "manifest.json").write_text(json.dumps(dict(manifest, snapshot="thesis.html")))
    dump = tmp_path / "dump.txt"
    shutil.copy(BOOK.snapshot_file(), dump)
    code, output = _run(str(dump), "--out", str(raw))
    assert code == 0, output
    assert (raw / "thesis.html").read_text() == "three years of work"
