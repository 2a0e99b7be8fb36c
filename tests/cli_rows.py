"""The one harness for command-line rows: a checkout to run in, a row, its run, and the proof.

A row runs `handbook ARGS` (in-process, tests/cli_runs.py) in a copy of a checkout set up
for it, and must be refused: exit 1, one `Error:` line naming the problem, no traceback,
finished within a bound (a hang is cut by SIGALRM and fails the row), and every file of
the copy, the user's own included, exactly as it was (`digests`: content and mode). A row
of a legitimate input (`writes`: the outputs it names) must succeed instead, within the same
bound, changing nothing but those outputs.

Rows come from two places, run by one runner (tests/test_bad_inputs.py): Python rows
whose set-up needs code, and the table `tests/fixtures/bad_inputs.toml`, whose rows are
data: arguments, environment, expected message, and set-up steps (`SETUP_STEPS`). A row
marked `clone` runs in a `git clone` of the checkout instead of a copy, so a row whose
guard fails (`--force` over the checkout, say) destroys a throw-away clone, never this
checkout.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import threading
import tomllib
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from pipeline.fileio import MARKER, marker_text
from tests.cli_runs import CliRun, run_handbook
from tests.layout import BOOK_DIR, ROOT

TABLE = Path(__file__).with_name("fixtures") / "bad_inputs.toml"
BOUND_SECONDS = 60  # a refusal takes a few seconds at most; a hang never ends


@dataclass(frozen=True)
class Row:
    """`handbook <args>` run in a checkout, after `setup`, must fail with `message`."""

    args: tuple[str, ...]
    message: str
    setup: Callable[[Path], None] = lambda checkout: None
    env: dict[str, str] = field(default_factory=dict)
    file_size_limit: int | None = None  # bytes: a full disk, as far as the writer can tell
    skip_as_root: bool = False
    clone: bool = False  # run in a throw-away `git clone` of the checkout
    family: str = ""  # the kind of case, for the table of cases before and after
    more: tuple[str, ...] = ()  # further phrases the message must hold
    # A legitimate input: the run must succeed, changing only files under these paths (its outputs).
    writes: tuple[str, ...] | None = None
    cwd: str = ""  # where it runs, relative to the checkout (a subfolder of it, say)


# --- checkouts -----------------------------------------------------------------------


def plain_checkout(folder: Path) -> Path:
    """A checkout with its outputs built (as far as the rows can tell) and files of the user's own."""
    folder.mkdir(parents=True)
    shutil.copytree(ROOT / "source", folder / "source")
    shutil.copy(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
    for name, writer, page in (
        ("site", "handbook build-site", "index.html"),
        ("decks", "handbook export-anki", "handbook.apkg"),
    ):
        (folder / name).mkdir()
        (folder / name / MARKER).write_text(marker_text(writer))
        (folder / name / page).write_text(f"the {name} as built\n")
    (folder / "notes").mkdir()
    (folder / "notes" / "thesis.txt").write_text("three years of work\n")
    (folder / "notes.txt").write_text("a file of the user's own\n")
    return folder


def cloned_checkout(folder: Path) -> Path:
    """A `git clone` of this checkout (its committed files and a .git of its own), with the
    same built outputs and user files as `plain_checkout`."""
    subprocess.run(["git", "clone", "-q", "--local", str(ROOT), str(folder)], check=True, capture_output=True)
    for name in ("source", "pipeline"):  # this checkout's inputs and code (the hooks), committed or not
        shutil.rmtree(folder / name)
        shutil.copytree(ROOT / name, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.rmtree(folder / "site", ignore_errors=True)
    shutil.rmtree(folder / "decks", ignore_errors=True)
    plain = plain_checkout(folder.with_name(folder.name + "-outputs"))
    for name in ("site", "decks", "notes", "notes.txt"):
        (shutil.copytree if (plain / name).is_dir() else shutil.copy)(plain / name, folder / name)
    (folder / "home").mkdir()
    (folder / "home" / "letters.txt").write_text("the user's home\n")
    shutil.rmtree(plain)
    return folder


def digests(checkout: Path) -> dict[str, str]:
    """Every file and folder below `checkout`, with its content's digest and its mode (a git
    clone's .git internals aside: git itself may refresh them; `git status` stands for them)."""
    found = {}
    for root, dirs, names in os.walk(checkout):
        if Path(root) == checkout and ".git" in dirs and (checkout / ".git").is_dir():
            dirs.remove(".git")
            found[".git"] = _git_status(checkout)
        for name in dirs + names:
            path = Path(root) / name
            info = path.lstat()
            content = hashlib.sha256(path.read_bytes()).hexdigest() if stat.S_ISREG(info.st_mode) else ""
            found[str(path.relative_to(checkout))] = f"{stat.filemode(info.st_mode)} {content}"
    return found


def _git_status(checkout: Path) -> str:
    done = subprocess.run(
        ["git", "-C", str(checkout), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        check=False,
    )
    return f"{done.returncode} {done.stdout}"


# --- running a row -------------------------------------------------------------------


class RowHung(Exception):
    """The row ran past BOUND_SECONDS: a hang, not a refusal."""


@contextlib.contextmanager
def bounded(seconds: int = BOUND_SECONDS) -> Iterator[None]:
    """Interrupt the run (even a blocked open() of a FIFO) after `seconds`."""

    def interrupt(signum: int, frame: object) -> None:
        raise RowHung(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def row_env(checkout: Path, row: Row) -> dict[str, str | None]:
    """The row's environment, SOURCE_DATE_EPOCH unset (dates come from the files, as for a user);
    `{checkout}` in a value is the checkout's path."""
    env: dict[str, str | None] = {"SOURCE_DATE_EPOCH": None}
    env.update({k: v.replace("{checkout}", str(checkout)) for k, v in row.env.items()})
    if "HANDBOOK_NODE" in env and not os.path.isabs(env["HANDBOOK_NODE"] or "/"):
        env["HANDBOOK_NODE"] = str(checkout / (env["HANDBOOK_NODE"] or ""))
    return env


def expected(checkout: Path, row: Row) -> str:
    return row.message.replace("{checkout}", str(checkout)).replace(
        "Node (fake-node)", f"Node ({checkout / 'fake-node'})"
    )


def run_row(checkout: Path, row: Row) -> CliRun:
    """Run the row in `checkout` and check the refusal and that nothing changed."""
    args = tuple(arg.replace("{checkout}", str(checkout)).replace("{book}", BOOK) for arg in row.args)
    if any("{server}" in arg or "{listening}" in arg for arg in args):
        address = server_address()
        args = tuple(
            arg.replace("{server}", address).replace("{listening}", address.removeprefix("http://"))
            for arg in args
        )
    before = digests(checkout)
    with bounded():
        result = run_handbook(checkout / row.cwd, *args, env=row_env(checkout, row))
    if row.writes is not None:
        result.assert_ok()
        after = digests(checkout)
        changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
        outside = sorted(name for name in changed if not name.startswith(row.writes))
        assert not outside, f"handbook {' '.join(args)} changed files it does not write: {outside[:5]}"
        return result
    result.assert_refused(expected(checkout, row), *row.more)
    assert digests(checkout) == before, f"handbook {' '.join(args)} changed files"
    return result


# --- the table's set-up steps --------------------------------------------------------

BOOK = str(BOOK_DIR)


def _path(checkout: Path, name: str) -> Path:
    return checkout / name.replace("{book}", BOOK)


def _content(step: dict[str, Any]) -> bytes:
    """A step's bytes: `text`, or `parts` ([text, times] pairs), encoded as `encoding` (UTF-8)."""
    parts = step.get("parts", [[step.get("text", ""), 1]])
    return "".join(text * times for text, times in parts).encode(step.get("encoding", "utf-8"))


def _write(checkout: Path, step: dict[str, Any]) -> None:
    path = _path(checkout, step["write"])
    path.parent.mkdir(parents=True, exist_ok=True)
    data = _content(step)
    if step.get("append"):
        data = path.read_bytes() + data
    path.unlink(missing_ok=True)
    path.write_bytes(data)


def _fifo(checkout: Path, step: dict[str, Any]) -> None:
    path = _path(checkout, step["fifo"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    os.mkfifo(path)


def _symlink(checkout: Path, step: dict[str, Any]) -> None:
    path = _path(checkout, step["symlink"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    target = step["to"].replace("{book}", BOOK)
    path.symlink_to(target if target.startswith("/") else checkout / target)


def _replace(checkout: Path, step: dict[str, Any]) -> None:
    path = _path(checkout, step["replace"])
    text = path.read_text(encoding="utf-8")
    assert step["old"] in text, (path, step["old"])
    new = step["new"] if "new" in step else _content(step).decode("utf-8")
    path.write_text(text.replace(step["old"], new, 1), encoding="utf-8")


def _hardlink(checkout: Path, step: dict[str, Any]) -> None:
    path = _path(checkout, step["hardlink"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    path.hardlink_to(_path(checkout, step["to"]))


def _mkdir(checkout: Path, step: dict[str, Any]) -> None:
    _path(checkout, step["mkdir"]).mkdir(parents=True, exist_ok=True)


def _remove(checkout: Path, step: dict[str, Any]) -> None:
    path = _path(checkout, step["remove"])
    shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()


def _zip(checkout: Path, step: dict[str, Any]) -> None:
    """An .apkg (a zip) whose members are given as text, or as `parts` for the `big` member."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, text in step.get("members", {}).items():
            package.writestr(name, _notes_table() if text == "@notes-table" else text)
        if "big" in step:
            package.writestr(step["big"], _content(step))
    _path(checkout, step["zip"]).parent.mkdir(parents=True, exist_ok=True)
    _path(checkout, step["zip"]).write_bytes(buffer.getvalue())


def _notes_table() -> bytes:
    """An SQLite collection with an empty notes table (the part of Anki's that `check` reads)."""
    database = sqlite3.connect(":memory:")
    database.execute("create table notes (id integer primary key, flds text)")
    data = database.serialize()
    database.close()
    return data


def _stalled_node(checkout: Path, step: dict[str, Any]) -> None:
    node = checkout / "fake-node"
    node.write_text("#!/bin/sh\n# a Node that never answers\nexec sleep 600\n")
    node.chmod(0o755)


def _copy(checkout: Path, step: dict[str, Any]) -> None:
    source, target = _path(checkout, step["copy"]), _path(checkout, step["to"])
    (shutil.copytree if source.is_dir() else shutil.copy)(source, target)


SETUP_STEPS: dict[str, Callable[[Path, dict[str, Any]], None]] = {
    "write": _write,
    "fifo": _fifo,
    "symlink": _symlink,
    "hardlink": _hardlink,
    "replace": _replace,
    "mkdir": _mkdir,
    "remove": _remove,
    "zip": _zip,
    "stalled_node": _stalled_node,
    "copy": _copy,
}


def _setup(steps: list[dict[str, Any]]) -> Callable[[Path], None]:
    def run(checkout: Path) -> None:
        for step in steps:
            (kind,) = [key for key in SETUP_STEPS if key in step]
            SETUP_STEPS[kind](checkout, step)

    return run


def table_rows(path: Path = TABLE) -> dict[str, Row]:
    """The table's rows by name (the file's `[[row]]` entries)."""
    rows = {}
    for entry in tomllib.loads(path.read_text(encoding="utf-8"))["row"]:
        rows[entry["name"]] = Row(
            args=tuple(entry["args"]),
            message=entry.get("message", ""),
            setup=_setup(entry.get("setup", [])),
            env=entry.get("env", {}),
            clone=entry.get("clone", False),
            family=entry["family"],
            writes=tuple(w.replace("{book}", BOOK) for w in entry["writes"]) if "writes" in entry else None,
            cwd=entry.get("cwd", ""),
        )
    return rows


# --- a web server for scrape's rows ----------------------------------------------------


def _page(handler: BaseHTTPRequestHandler, body: bytes, *headers: tuple[str, str], status: int = 200) -> None:
    handler.send_response(status)
    for name, value in headers:
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def _cut_short(handler: BaseHTTPRequestHandler) -> None:
    """Declares 655,183 bytes, sends 100,000 and hangs up."""
    _page(handler, b"<p>" + b"x" * 99_997, ("Content-Type", "text/html"), ("Content-Length", "655183"))


def _gzip_bomb(handler: BaseHTTPRequestHandler) -> None:
    """100 MB of HTML in 100 kB of gzip."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    body = packer.compress(b"<p>" + b" " * 100_000_000) + packer.flush()
    _page(handler, body, ("Content-Type", "text/html"), ("Content-Encoding", "gzip"))


def _endless_chunks(handler: BaseHTTPRequestHandler) -> None:
    """A chunked body that never ends (until the client hangs up)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    chunk = b"<p>" + b"x" * 65_533
    with contextlib.suppress(OSError):
        for _ in range(2_000):  # 130 MB at most
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))


def _raw(answer: bytes) -> Callable[[BaseHTTPRequestHandler], None]:
    """Bytes on the wire instead of an HTTP answer."""
    return lambda handler: handler.wfile.write(answer)


def _redirect(location: str) -> Callable[[BaseHTTPRequestHandler], None]:
    return lambda handler: _page(handler, b"", ("Location", location), ("Content-Length", "0"), status=302)


def _status(code: int) -> Callable[[BaseHTTPRequestHandler], None]:
    return lambda handler: _page(
        handler, b"", ("Content-Type", "text/html"), ("Content-Length", "0"), status=code
    )


def _html(body: bytes, *headers: tuple[str, str]) -> Callable[[BaseHTTPRequestHandler], None]:
    return lambda handler: _page(handler, body, ("Content-Length", str(len(body))), *headers)


def _nested_page() -> bytes:
    """The real book's page shape, one answer nested 20,000 <div>s deep (far past any recursion limit)."""
    from tests.builders import handbook, para, question, section
    from tests.generators.original_html import write_original_html

    page = write_original_html(
        handbook(section("s", "Section", question("q", "Why?", para("NESTED"))), title="Deep page")
    )
    return page.replace("NESTED", "<div>" * 20_000 + "x" + "</div>" * 20_000).encode("utf-8")


HTML = ("Content-Type", "text/html")
ROUTES: dict[str, Callable[[BaseHTTPRequestHandler], None]] = {
    "/cut-short": _cut_short,
    "/gzip-bomb": _gzip_bomb,
    "/endless-chunks": _endless_chunks,
    "/garbage": _raw(b"HELLO WORLD\r\n\r\n"),
    "/hang-up": _raw(b""),
    "/huge-header": _raw(b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n"),
    "/many-headers": _raw(b"HTTP/1.1 200 OK\r\n" + b"X-A: b\r\n" * 500 + b"\r\n"),
    "/redirect-to-file": _redirect("file:///etc/passwd"),
    "/redirect-to-ftp": _redirect("ftp://127.0.0.1/handbook.html"),
    "/redirect-to-a-bad-address": _redirect("http://[::1"),
    "/redirect-huge": _redirect("/" + "a" * 100_000),
    "/not-modified": _status(304),
    "/no-content": _status(204),
    "/teapot": _status(418),
    "/no-type": _html(b"<p>hello</p>"),
    "/charset-undefined": _html(b"<p>caf\xc3\xa9</p>", ("Content-Type", "text/html; charset=undefined")),
    "/charset-idna": _html(b"<p>" + b"a." * 40 + b"\xff</p>", ("Content-Type", "text/html; charset=idna")),
    "/charset-utf-16-lie": _html(b"<p>hello</p>\n", ("Content-Type", "text/html; charset=utf-16")),
    "/meta-charset-undefined": _html(b'<meta charset="undefined"><p>caf\xc3\xa9</p>', HTML),
    "/negative-length": _raw(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: -5\r\n\r\n<p>x</p>"
    ),
    "/two-lengths": _raw(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 8, 9\r\n\r\n<p>x</p>"
    ),
}


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        route = ROUTES.get(self.path)
        if route is None and self.path == "/nested":
            route = _html(_nested_page(), HTML)
        if route is None:
            self.send_error(404)
        else:
            route(self)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up (at its deadline, at its size limit) makes the writes fail


_servers: list[ThreadingHTTPServer] = []


def server_address() -> str:
    """The address of a server on 127.0.0.1 for the rows' `{server}` (started once per process)."""
    if not _servers:
        httpd = _QuietServer(("127.0.0.1", 0), _Handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        _servers.append(httpd)
    return f"http://127.0.0.1:{_servers[0].server_address[1]}"
