"""Writing outputs: never half-written, never over something the pipeline did not write.

Every output folder the pipeline makes holds a marker file (`MARKER`) naming the
command that wrote it. Only such a folder, or an empty or missing one, is
replaced as a whole; anything else (a file, a folder of someone's own files) is
refused with one line naming it, and `--force` overrides that for a folder,
never for a file. The committed default folders of a checkout made before the
markers existed are adopted on their first run when every file in them is one
the run writes again (nothing else would be lost).

Published files are 0644 and folders 0755, whatever the umask or `mkstemp`.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.errors import HandbookError

MARKER = ".handbook-output"
FILE_MODE = 0o644
DIR_MODE = 0o755
# The handbook's page is about 0.1 MB as text and 0.5 MB as HTML; far more is not the handbook
# (a scrape's download stops at the same limit).
MAX_SNAPSHOT_BYTES = 5_000_000


def marker_text(writer: str) -> str:
    """The marker's content: which command owns the folder (e.g. "handbook build-site")."""
    return f"Written by `{writer}`, which replaces this folder as a whole on every run.\n"


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write a file through a temporary sibling, then rename it into place (mode 0644).

    Only a regular file is ever replaced: never a folder, a device or a pipe.
    """
    if os.path.lexists(path) and not path.is_file():
        raise HandbookError(f"{path} is not a regular file: choose a file to write")
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.chmod(tmp, FILE_MODE)  # mkstemp makes it private; outputs are meant to be shared
        os.replace(tmp, path)
    except OSError as error:
        Path(tmp).unlink(missing_ok=True)
        raise HandbookError(f"cannot write {path}: {error.strerror or error}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_regular_file(path: Path, limit: int, what: str) -> bytes:
    """The bytes of a regular file of at most `limit` bytes, or one line saying why not.

    Opened without blocking and checked on the open descriptor, so a FIFO or a
    device named as input is refused instead of waiting forever.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise HandbookError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise HandbookError(f"{path} is {_kind(info.st_mode)}: {what} must be a regular file")
        if info.st_size > limit:
            raise HandbookError(
                f"{path} is {info.st_size / 1e6:.1f} MB, over the {limit / 1e6:g} MB limit for {what}: "
                "is it the right file?"
            )
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        raise HandbookError(f"cannot read {path}: {error.strerror or error}") from None
    finally:
        os.close(fd)
    if len(data) > limit:  # grew while we read it
        raise HandbookError(f"{path} is over the {limit / 1e6:g} MB limit for {what}: is it the right file?")
    return data


def read_text_input(path: Path, what: str, limit: int = MAX_SNAPSHOT_BYTES) -> str:
    """A UTF-8 input file (errata, ids, Markdown) read like a snapshot: regular and bounded, BOM dropped."""
    try:
        return read_regular_file(path, limit, what).decode("utf-8-sig")  # a byte-order mark is not content
    except UnicodeDecodeError as error:
        raise HandbookError(f"{path} is not UTF-8 text (bad byte at offset {error.start})") from None


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


def writer_of(folder: Path) -> str | None:
    """The command named by a folder's marker, or None when it has none."""
    try:
        text = (folder / MARKER).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return text.partition("`")[2].partition("`")[0] or "another handbook command"


def check_output_dir(
    target: Path, writer: str, *, force: bool = False, adopt: bool = False, new_files: set[str] | None = None
) -> None:
    """Refuse, in one line, unless `writer` may replace `target` as a whole.

    `adopt` says `target` is the caller's default folder (the CLI's site/ or
    decks/), which may predate markers: without a marker it is adopted when it
    holds only files the run writes again. `new_files` (paths relative to the
    folder) are those files; without them that decision waits for the swap
    (`replaced_dir` checks again).
    """
    if not os.path.lexists(target):
        return
    if not target.is_dir():
        raise HandbookError(
            f"{target} is a file, not a folder: choose a folder for the output (--force never replaces a file)"
        )
    entries = sorted(os.listdir(target))
    if not entries:
        return
    owner = writer_of(target)
    if owner == writer:
        return
    if owner is not None and not force:
        raise HandbookError(
            f"{target} holds the output of `{owner}`, not of `{writer}`: "
            "choose another folder, or pass --force to replace it"
        )
    if owner is None and not force and not (adopt and _adoptable(target, new_files)):
        foreign = _foreign_example(target, entries, new_files)
        raise HandbookError(
            f"{target} is not empty and was not written by handbook (it holds {foreign}): "
            "choose an empty or new folder, or pass --force to replace it"
        )


def _adoptable(target: Path, new_files: set[str] | None) -> bool:
    return new_files is None or _files(target) <= new_files


def _foreign_example(target: Path, entries: list[str], new_files: set[str] | None) -> str:
    if new_files is not None:
        extra = sorted(_files(target) - new_files)
        if extra:
            return extra[0]
    return entries[0]


def _files(folder: Path) -> set[str]:
    """Every file below `folder`, as a relative POSIX path."""
    return {
        (Path(root) / name).relative_to(folder).as_posix()
        for root, _, names in os.walk(folder)
        for name in names
    }


def _publishable(folder: Path) -> None:
    """Folders 0755 and files 0644 below `folder` (and itself), whatever wrote them."""
    folder.chmod(DIR_MODE)
    for root, dirs, names in os.walk(folder):
        for name in dirs:
            (Path(root) / name).chmod(DIR_MODE)
        for name in names:
            (Path(root) / name).chmod(FILE_MODE)


@contextmanager
def replaced_dir(target: Path, writer: str, *, force: bool = False, adopt: bool = False) -> Iterator[Path]:
    """Yield an empty staging folder that replaces `target` only if the block succeeds.

    `target` must be missing, empty, or marked as `writer`'s output (see
    `check_output_dir`); the new folder gets the marker.
    """
    check_output_dir(target, writer, force=force, adopt=adopt)
    staging = _staging_dir(target)
    try:
        yield staging
        (staging / MARKER).write_text(marker_text(writer), encoding="utf-8")
        _publishable(staging)
        check_output_dir(target, writer, force=force, adopt=adopt, new_files=_files(staging))
        _swap(staging, target)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        if error.filename is None or str(staging) in f"{error.filename} {error.filename2}":  # disk full…
            raise HandbookError(f"cannot write {target}: {error.strerror or error}") from None
        raise
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _staging_dir(target: Path) -> Path:
    """A fresh folder beside `target`, or one line saying why there can be none."""
    for parent in (target.parent, *target.parent.parents):
        if os.path.lexists(parent) and not parent.is_dir():
            raise HandbookError(f"cannot write {target}: {parent} is a file, not a folder")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    except OSError as error:
        raise HandbookError(f"cannot write {target}: {error.strerror or error}") from None


def _swap(staging: Path, target: Path) -> None:
    # The old folder moves into a fresh hiding place, so no other file is ever clobbered.
    holder = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
    try:
        if os.path.lexists(target):
            os.replace(target, holder / target.name)
        os.replace(staging, target)
    finally:
        shutil.rmtree(holder, ignore_errors=True)


def write_into_dir(
    target: Path, files: dict[str, bytes], writer: str, *, force: bool = False, adopt: bool = False
) -> None:
    """Add or replace just these files in `target`; every other file there stays.

    A missing or empty folder is made and marked as `writer`'s; a folder of
    other files takes them only with `force` (and stays unmarked, so it is
    never replaced as a whole later).
    """
    check_output_dir(target, writer, force=force, adopt=adopt)
    if not os.path.lexists(target) or not any(target.iterdir()):
        shutil.rmtree(_staging_dir(target))  # the same checks and messages as a whole folder
        target.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        target.chmod(DIR_MODE)
        write_atomic(target / MARKER, marker_text(writer))
    for name, data in files.items():
        write_atomic(target / name, data)


def write_subdir(
    root: Path,
    name: str,
    files: dict[str, bytes],
    writer: str,
    *,
    replace_all: bool,
    force: bool = False,
    adopt: bool = False,
) -> None:
    """Write `files` into `root/name`, an output folder of its own inside `root`, a folder of such folders.

    With `replace_all` they replace `root/name` as a whole (`replaced_dir`), else
    they are added to it (`write_into_dir`). A missing or empty `root` is made
    along with its first folder, in one rename, both marked as `writer`'s.
    """
    check_output_dir(root, writer, force=force, adopt=adopt)
    if os.path.lexists(root) and any(root.iterdir()):
        if replace_all:
            with replaced_dir(root / name, writer, force=force) as staging:
                for file, data in files.items():
                    (staging / file).write_bytes(data)
        else:
            write_into_dir(root / name, files, writer, force=force)
        return
    with replaced_dir(root, writer, force=force, adopt=adopt) as staging:
        (staging / name).mkdir()
        (staging / name / MARKER).write_text(marker_text(writer), encoding="utf-8")
        for file, data in files.items():
            (staging / name / file).write_bytes(data)


def tsv_text(header: tuple[str, ...], rows: Iterable[tuple[object, ...]]) -> str:
    """A tab-separated state file: the header, then one line per row."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
