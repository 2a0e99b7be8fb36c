"""The one door every input passes through: files the pipeline reads, and its environment.

Every file the pipeline reads (a snapshot, a manifest, the errata, leads, ids, note state and
audit acceptances, the series, output markers and digests, mkdocs.yml, canonical Markdown,
figures, the pages and decks `check` reads back) is read by `read_bytes` and the readers
built on it, so each is held to the same rules:

- a regular file: it is opened without blocking and checked on the opened descriptor, so
  a FIFO, a device or a folder is refused at once instead of waiting forever; a symbolic
  link only for the kinds that say so (`Kind.follow_symlinks`: a snapshot may be a link to
  a saved page, its manifest's sha256 says whether it is the one scraped; a marker, a
  manifest, a state or review file may not, so a link can never make a file elsewhere
  count as ours);
- at most its kind's size (`Kind.limit`), read with a bound so a file growing meanwhile
  cannot make us read more;
- strict UTF-8 for text (a byte-order mark is not content);
- a schema for structured kinds (msgspec over tomllib and JSON, a typed column per TSV
  field), so a wrong type, a missing or unknown key, or pathological nesting is one line
  naming the file and the field.

Numbers from the environment (`env_number`) are finite and within bounds, or one line
naming the variable. Every refusal is a `HandbookError` whose message is one line.
"""

from __future__ import annotations

import csv
import errno
import io
import math
import os
import re
import stat
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from pipeline.errors import HandbookError

T = TypeVar("T")
MB = 1_000_000


@dataclass(frozen=True)
class Kind:
    """A kind of input: how messages name it, its size limit, and whether a symlink may stand for it."""

    what: str  # "an errata file"
    limit: int  # bytes
    follow_symlinks: bool = False


# The handbook's page is about 0.1 MB as text and 0.5 MB as HTML; far more is not the handbook
# (a scrape's download stops at the same limit).
SNAPSHOT = Kind("a snapshot", 5 * MB, follow_symlinks=True)
MARKDOWN = Kind("a Markdown file", 5 * MB)
ERRATA = Kind("an errata file", 5 * MB)
LEADS = Kind("a leads file", 5 * MB)
IDS = Kind("a question-id file", 5 * MB)
NOTE_STATE = Kind("a note-state file", 5 * MB)
AUDIT = Kind("an audit acceptance file", 5 * MB)
SERIES = Kind("a series file", 1 * MB)
MANIFEST = Kind("a manifest", 1 * MB)
MARKER = Kind("an output marker", 1_000)  # one line naming the command
STAMP = Kind("a digest stamp", 1 * MB)
FIGURE = Kind("a figure", 5 * MB)
FIGURE_SCRIPT = Kind("a figure script", 1 * MB)
STYLESHEET = Kind("a stylesheet", 1 * MB)
MKDOCS_CONFIG = Kind("an MkDocs configuration", 1 * MB)
SITE_PAGE = Kind("a site page", 20 * MB)
DECK = Kind("an Anki package", 200 * MB)


def read_bytes(path: Path, kind: Kind) -> bytes:
    """The bytes of a regular file of at most `kind.limit` bytes, or one line saying why not."""
    flags = os.O_RDONLY | os.O_NONBLOCK | (0 if kind.follow_symlinks else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        if error.errno == errno.ELOOP and not kind.follow_symlinks:  # O_NOFOLLOW met a symlink
            raise HandbookError(f"{path} is a symbolic link: {kind.what} must be a regular file") from None
        raise HandbookError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise HandbookError(f"{path} is {_kind(info.st_mode)}: {kind.what} must be a regular file")
        if info.st_size > kind.limit:
            raise HandbookError(
                f"{path} is {_size(info.st_size)}, over the {_limit(kind)} limit for {kind.what}: "
                "is it the right file?"
            )
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(kind.limit + 1)
    except OSError as error:
        raise HandbookError(f"cannot read {path}: {error.strerror or error}") from None
    finally:
        os.close(fd)
    if len(data) > kind.limit:  # grew while we read it
        raise HandbookError(f"{path} is over the {_limit(kind)} limit for {kind.what}: is it the right file?")
    return data


def utf8(path: Path, data: bytes) -> str:
    """Strict UTF-8, the byte-order mark kept (a snapshot's digest covers it)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise HandbookError(f"{path} is not UTF-8 text (bad byte at offset {error.start})") from None


_SURROGATE = re.compile("[\ud800-\udfff]")


def is_text(value: str) -> bool:
    """Whether a decoded value is text: no lone surrogate (a JSON or YAML escape can make one, and
    nothing can be written with it)."""
    return not _SURROGATE.search(value)


def read_text(path: Path, kind: Kind) -> str:
    """A UTF-8 text file, its byte-order mark dropped."""
    return utf8(path, read_bytes(path, kind)).removeprefix("\ufeff")


def present(path: Path) -> bool:
    """Whether anything is at `path`: an input that is absent is read as none, but a dangling
    symlink (or anything else there) is not absent; the door says what is wrong with it."""
    return os.path.lexists(path)


def read_optional_text(path: Path, kind: Kind) -> str | None:
    """`read_text`, or None when nothing is there (a file the pipeline writes later)."""
    if not present(path):
        return None
    return read_text(path, kind)


# --- structured files --------------------------------------------------------------


def read_toml(path: Path, kind: Kind, schema: type[T]) -> T:
    """A TOML file decoded into `schema` (a msgspec Struct)."""
    text = read_text(path, kind)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise HandbookError(f"{path} is not valid TOML: {one_line(str(error))}") from None
    except (RecursionError, MemoryError):
        raise _too_deep(path) from None
    return conform(path, data, schema)


def read_json(path: Path, kind: Kind, schema: type[T]) -> T:
    """A JSON file (UTF-8 text, a byte-order mark dropped) decoded into `schema`."""
    return decode_json(path, read_text(path, kind), schema)


def decode_json(path: Path | str, data: bytes | str, schema: type[T]) -> T:
    """JSON (a file's text, or a member of a package named `path`) decoded into `schema`."""
    try:
        return msgspec.json.decode(data, type=schema)
    except msgspec.ValidationError as error:
        raise _schema_error(path, error) from None
    except msgspec.DecodeError as error:
        raise HandbookError(f"{path} is not valid JSON: {one_line(str(error))}") from None
    except (RecursionError, MemoryError):
        raise _too_deep(path) from None


def conform(path: Path | str, data: Any, schema: type[T]) -> T:
    """Data already parsed (TOML, YAML) checked against `schema`."""
    try:
        return msgspec.convert(data, type=schema)
    except msgspec.ValidationError as error:
        raise _schema_error(path, error) from None
    except (RecursionError, MemoryError):
        raise _too_deep(path) from None


def _schema_error(path: Path | str, error: msgspec.ValidationError) -> HandbookError:
    """msgspec's "Expected `str`, got `int` - at `$.correction[0].find`" as "path: correction[0].find: …"."""
    message, _, where = str(error).partition(" - at `$")
    where = where.rstrip("`").lstrip(".") or "the whole file"
    message = message[:1].lower() + message[1:]
    return HandbookError(f"{path}: {where}: {one_line(message)}")


def _too_deep(path: Path | str) -> HandbookError:
    return HandbookError(f"{path} is nested too deeply to be read: is it the right file?")


# --- tab-separated state files -------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A TSV column: its header name and what a value must look like (ASCII only where it says so)."""

    name: str
    pattern: re.Pattern[str]
    meaning: str  # for the message: "whole seconds (up to 12 digits)"


ANY_TEXT = re.compile(r"[^\r\n]*")


def read_tsv(path: Path, kind: Kind, columns: Sequence[Column]) -> list[tuple[str, ...]]:
    """The rows of a tab-separated file whose first line names `columns`; each value matches its column."""
    header = tuple(c.name for c in columns)
    try:
        rows = list(csv.reader(io.StringIO(read_text(path, kind)), delimiter="\t", strict=True))
    except csv.Error as error:
        raise HandbookError(f"{path} is not tab-separated text: {one_line(str(error))}") from None
    if not rows or tuple(rows[0]) != header:
        raise HandbookError(f"{path}: expected a header line {chr(9).join(header)!r}")
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(columns):
            raise HandbookError(f"{path}:{number}: expected {len(columns)} tab-separated columns")
        for column, value in zip(columns, row, strict=True):
            if not column.pattern.fullmatch(value):
                raise HandbookError(
                    f"{path}:{number}: {column.name} must be {column.meaning}, not {shown(value[:40])}"
                )
    return [tuple(row) for row in rows[1:]]


# --- the environment ---------------------------------------------------------------


def env_number(
    name: str, default: float, *, low: float, high: float, integer: bool = False, what: str = ""
) -> float:
    """A number from the environment: finite, within [low, high] (whole when `integer`), else one
    line saying so (`what` it is, "a whole number" by default)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    kind = what or ("a whole number" if integer else "a number")
    try:
        value = float(int(raw)) if integer else float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not low <= value <= high:
        raise HandbookError(
            f"{name} must be {kind} from {_bound(low)} to {_bound(high)}, not {shown(raw[:40])}"
        )
    return value


def _bound(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


# --- one-line messages -------------------------------------------------------------


def one_line(message: str) -> str:
    """A library's message (YAML, MkDocs, urllib) as one line: every run of whitespace one space."""
    return " ".join(message.split())


def shown(value: str) -> str:
    """A value from outside, quoted, control characters escaped (a \\r\\n never breaks a line)."""
    return repr(value)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _size(size: int) -> str:
    return f"{size / MB:.1f} MB" if size >= 100_000 else f"{size:,} bytes"


def _limit(kind: Kind) -> str:
    return f"{kind.limit / MB:g} MB" if kind.limit >= 100_000 else f"{kind.limit:,} bytes"
