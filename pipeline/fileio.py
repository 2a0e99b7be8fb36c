"""Writing outputs: never half-written, never over something the pipeline did not write.

Every output folder the pipeline makes holds a marker file (`MARKER`) naming the
command that wrote it. Only such a folder, or an empty or missing one, is
replaced as a whole; anything else (a file, a folder of someone's own files) is
refused with one line naming it, and `force` overrides that for a folder,
never for a file. The committed default folders of a checkout made before the
markers existed are adopted on their first run when every file in them is one
the run writes again (nothing else would be lost). A marker counts only as a
small regular file (not a symlink, a FIFO or a folder) holding exactly the text
`marker_text` writes.

Whatever `force` says, one guard (`check_replaceable`) runs before any folder is
replaced or written into: never the working folder, a checkout (this code's, or any around
the working folder or the target, so running from a subfolder changes nothing) or a folder
above them, the home folder, the program itself (its code, its Python, its node_modules), a
folder of the system (a mount point, or just under /), a git repository or its `.git`, a
symbolic link; never a folder that is or holds one of the pipeline's inputs (`source/`,
`source/books/`, a book's folder, its raw/, figures/, Markdown, errata, ids, state or
acceptances), nor one inside a book's raw/, figures/ or Markdown (a book's Markdown is
written by its own `normalize` only, a raw/ by `scrape`); never a folder that holds a git
repository or a checkout's books anywhere below, or more entries than an output of handbook
has. `force` never replaces files git tracks.

Staging folders and temporary files are named `.<name>.handbook-<role>.<pid>.<random>`
beside their target: a run killed midway leaves them, and the next run that writes
there removes those whose process is gone. A folder is swapped in with one atomic
exchange (Linux's renameat2), so a killed run leaves the old output or the new.

Published files are 0644 and folders 0755, whatever the umask or `mkstemp`.
"""

from __future__ import annotations

import contextlib
import csv
import ctypes
import errno
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline import inputs
from pipeline.errors import FORCE, HandbookError
from pipeline.paths import BOOK_INPUTS, BOOKS_DIR, SOURCE_DIR

MARKER = ".handbook-output"
FILE_MODE = 0o644
DIR_MODE = 0o755
CHECKOUT = Path(__file__).resolve().parents[1]  # the checkout this code runs from
STAGING = re.compile(r"^\..+\.handbook-(?:staging|old|tmp)\.(\d+)\.[^.]+$")


def marker_text(writer: str) -> str:
    """The marker's content: which command owns the folder (e.g. "handbook build-site")."""
    return f"Written by `{writer}`, which replaces this folder as a whole on every run.\n"


# --- temporary names, and what a killed run left -------------------------------------


def _temporary_name(target: Path, role: str) -> str:
    return f".{target.name}.handbook-{role}.{os.getpid()}."


def remove_stale(folder: Path) -> None:
    """Remove the staging folders and temporary files a killed run left in `folder` (its
    process is gone); those of a run still going, ours included, stay."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if STAGING.match(name) is None or in_use(name):
            continue
        path = folder / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                path.unlink()


def in_use(name: str) -> bool:
    """Whether `name` is a staging folder or temporary file of a run still going (ours included)."""
    match = STAGING.match(name)
    return match is not None and _alive(int(match.group(1)))


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's process (or no pid at all): not ours to judge
    return True


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write a file through a temporary sibling, then rename it into place (mode 0644).

    Only a regular file is ever replaced: never a folder, a device, a pipe or a symlink.
    """
    if os.path.lexists(path) and (path.is_symlink() or not path.is_file()):
        raise HandbookError(f"{path} is not a regular file: choose a file to write")
    created = make_parents(path, path.parent)
    remove_stale(path.parent)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    tmp = ""
    try:
        fd, tmp = tempfile.mkstemp(prefix=_temporary_name(path, "tmp"), dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.chmod(tmp, FILE_MODE)  # mkstemp makes it private; outputs are meant to be shared
        os.replace(tmp, path)
    except OSError as error:
        _undo(tmp, created)
        raise HandbookError(f"cannot write {path}: {error.strerror or error}") from None
    except BaseException:
        _undo(tmp, created)
        raise


def copy_atomic(original: Path, path: Path) -> None:
    """`write_atomic` for a file the program ships (an asset, KaTeX's), copied as it is: through a
    temporary sibling of its own (another run copying the same file at once has its own), mode 0644."""
    fd, tmp = tempfile.mkstemp(prefix=_temporary_name(path, "tmp"), dir=path.parent)
    os.close(fd)
    try:
        shutil.copyfile(original, tmp)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _undo(tmp: str, created: list[Path]) -> None:
    if tmp:
        Path(tmp).unlink(missing_ok=True)
    remove_empty(created)


def make_parents(target: Path, folder: Path) -> list[Path]:
    """Make `folder` and the folders above it that are missing; the ones made, deepest first
    (so a failed run can take them back), or one line saying why they cannot be."""
    missing = [p for p in (folder, *folder.parents) if not os.path.lexists(p)]
    for parent in (folder, *folder.parents):
        if os.path.lexists(parent) and not parent.is_dir():
            raise HandbookError(f"cannot write {target}: {parent} is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        remove_empty(missing)
        raise HandbookError(f"cannot write {target}: {error.strerror or error}") from None
    return missing


def remove_empty(folders: list[Path]) -> None:
    for folder in folders:  # deepest first
        with contextlib.suppress(OSError):
            folder.rmdir()


# --- ownership ---------------------------------------------------------------------


def writer_of(folder: Path) -> str | None:
    """The command named by a folder's marker, or None when it has none we wrote: the marker must
    be a small regular file (not a symlink or a FIFO) holding exactly `marker_text`'s words."""
    try:
        text = inputs.read_text(folder / MARKER, inputs.MARKER)
    except HandbookError:
        return None
    writer = text.partition("`")[2].partition("`")[0]
    return writer if writer.startswith("handbook ") and text == marker_text(writer) else None


def check_replaceable(target: Path, *, own: Path | None = None) -> None:
    """Refuse, in one line, a folder that no output may replace or write into, `force` or not
    (see the module's docstring). `own` is the one input folder this run rewrites (a book's
    Markdown for its own `normalize`, a book's raw/ for `scrape`), which is no refusal."""
    if target.is_symlink():
        raise HandbookError(f"{target} is a symbolic link: name the output folder itself")
    try:
        resolved = target.resolve()
    except (OSError, RuntimeError) as error:
        raise HandbookError(f"cannot write {target}: {error}") from None
    for place, name in _above_limits(resolved):
        if place.is_relative_to(resolved):
            raise HandbookError(f"{target} is {name} or a folder above it: {_OWN_FOLDER}")
    for place, name in _tool(resolved):
        if resolved.is_relative_to(place):
            raise HandbookError(f"{target} is inside {name} ({place}): {_OWN_FOLDER}")
    if ".git" in resolved.parts or os.path.lexists(resolved / ".git"):
        raise HandbookError(f"{target} is a git repository or inside one's .git: {_OWN_FOLDER}")
    if resolved.is_dir() and (resolved.parent == resolved.parent.parent or os.path.ismount(resolved)):
        raise HandbookError(
            f"{target} is a folder of the system (a mount point or just under /): {_OWN_FOLDER}"
        )
    owned = own.resolve() if own is not None else None
    for source, is_inside_too in _inputs(resolved):
        if source == owned:
            continue
        if source.is_relative_to(resolved):
            raise HandbookError(f"{target} is or holds {source}, an input of handbook: {_OWN_FOLDER}")
        if is_inside_too and resolved.is_relative_to(source):
            raise HandbookError(f"{target} is inside {source}, an input of handbook: {_OWN_FOLDER}")
    _check_contents(target, resolved)


_OWN_FOLDER = "choose a folder of its own for the output"
# The most entries a folder may hold for the guard to look through it: handbook's outputs hold a
# few hundred; a folder of a hundred thousand is someone's data, not an output to replace.
MOST_ENTRIES = 100_000


def _above_limits(resolved: Path) -> list[tuple[Path, str]]:
    """Folders no output may be, or be above: the working folder, every checkout around it or
    around the target, the home folder."""
    places = [(Path.cwd().resolve(), "the working folder"), (Path.home().resolve(), "the home folder")]
    return places + [(checkout, "a handbook checkout") for checkout in _checkouts(resolved)]


def _tool(resolved: Path) -> list[tuple[Path, str]]:
    """The program itself: its code, the Python running it, and KaTeX's node_modules."""
    return [
        (Path(__file__).resolve().parent, "handbook's code"),
        (Path(sys.prefix).resolve(), "the Python environment running handbook"),
        (Path(sys.base_prefix).resolve(), "the Python installation running handbook"),
        ((CHECKOUT / "node_modules").resolve(), "the node_modules handbook uses"),
    ]


def _checkouts(resolved: Path) -> set[Path]:
    """This code's checkout, and every folder around the working folder or the target that holds a
    books folder (a checkout reached from a subfolder, or another one)."""
    cwd = Path.cwd().resolve()
    around = (cwd, *cwd.parents, resolved, *resolved.parents)
    return {CHECKOUT} | {folder for folder in around if (folder / BOOKS_DIR).is_dir()}


def _inputs(resolved: Path) -> list[tuple[Path, bool]]:
    """The inputs of every checkout around (resolved), each with whether a folder inside it is an
    input too: source/, source/books/ and each book's folder hold outputs (a book's Markdown), so
    only they themselves are inputs; a book's raw/, figures/ and Markdown are inputs throughout."""
    found = []
    for checkout in sorted(_checkouts(resolved)):
        books = checkout / BOOKS_DIR
        found += [(checkout / SOURCE_DIR, False)] if (checkout / SOURCE_DIR).is_dir() else []
        found += [(books, False)] if books.is_dir() else []
        try:
            folders = [p for p in books.iterdir() if p.is_dir()] if books.is_dir() else []
        except OSError:
            folders = []
        for folder in folders:
            found.append((folder.resolve(), False))
            found += [
                ((folder / name).resolve(), True) for name in BOOK_INPUTS if os.path.lexists(folder / name)
            ]
    return found


def _check_contents(target: Path, resolved: Path) -> None:
    """A folder that holds a git repository, a handbook checkout, or more entries than any output
    of handbook is refused: what is below it is someone's work (looked through up to MOST_ENTRIES)."""
    if not resolved.is_dir():
        return
    seen = 0
    for root, dirs, names in os.walk(resolved):
        seen += len(dirs) + len(names)
        if seen > MOST_ENTRIES:
            raise HandbookError(
                f"{target} holds more than {MOST_ENTRIES:,} files and folders, more than handbook writes: "
                f"{_OWN_FOLDER}"
            )
        if ".git" in dirs or ".git" in names:
            where = (Path(root) / ".git").relative_to(resolved)
            raise HandbookError(f"{target} holds a git repository ({where}): {_OWN_FOLDER}")
        if Path(root).name == BOOKS_DIR.name and Path(root).parent.name == SOURCE_DIR.name:
            where = Path(root).relative_to(resolved)
            raise HandbookError(f"{target} holds a handbook checkout's books ({where}): {_OWN_FOLDER}")


def check_output_dir(
    target: Path,
    writer: str,
    *,
    force: bool = False,
    adopt: bool = False,
    new_files: set[str] | None = None,
    own: Path | None = None,
) -> None:
    """Refuse, in one line, unless `writer` may replace `target` as a whole.

    `adopt` says `target` is the caller's default folder (the CLI's site/ or
    decks/), which may predate markers: without a marker it is adopted when it
    holds only files the run writes again. `new_files` (paths relative to the
    folder) are those files; without them that decision waits for the swap
    (`replaced_dir` checks again). `own`: see `check_replaceable`.
    """
    check_replaceable(target, own=own)
    if not os.path.lexists(target):
        return
    if not target.is_dir():
        raise HandbookError(
            f"{target} is a file, not a folder: choose a folder for the output (a file is never replaced)"
        )
    entries = sorted(os.listdir(target))
    if not entries:
        return
    owner = writer_of(target)
    if owner == writer:
        return
    if owner is not None and not force:
        raise HandbookError(
            f"{target} holds the output of `{owner}`, not of `{writer}`: choose another folder", remedy=FORCE
        )
    if owner is None and not force and not (adopt and _adoptable(target, new_files)):
        foreign = _foreign_example(target, entries, new_files)
        raise HandbookError(
            f"{target} is not empty and was not written by handbook (it holds {foreign}): "
            "choose an empty or new folder",
            remedy=FORCE,
        )
    tracked = _tracked_file(target) if force else None
    if tracked is not None:
        raise HandbookError(
            f"{target} holds files git tracks ({tracked}), which force never replaces: {_OWN_FOLDER}"
        )


def _tracked_file(folder: Path) -> str | None:
    """A file below `folder` that git tracks, if it is in a git work tree (None without git)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), "ls-files", "-z", "--", "."],
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    first = done.stdout.split(b"\0", 1)[0] if done.returncode == 0 else b""
    return os.fsdecode(first) if first else None


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


# --- replacing a folder ----------------------------------------------------------------


@contextmanager
def replaced_dir(
    target: Path, writer: str, *, force: bool = False, adopt: bool = False, own: Path | None = None
) -> Iterator[Path]:
    """Yield an empty staging folder that replaces `target` only if the block succeeds.

    `target` must be missing, empty, or marked as `writer`'s output (see
    `check_output_dir`; `own`: see `check_replaceable`); the new folder gets the marker.
    """
    check_output_dir(target, writer, force=force, adopt=adopt, own=own)
    created = make_parents(target, target.parent)
    remove_stale(target.parent)
    staging = _staging_dir(target, created)
    try:
        yield staging
        (staging / MARKER).write_text(marker_text(writer), encoding="utf-8")
        _publishable(staging)
        check_output_dir(target, writer, force=force, adopt=adopt, new_files=_files(staging), own=own)
        _swap(staging, target)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        remove_empty(created)
        if error.filename is None or str(staging) in f"{error.filename} {error.filename2}":  # disk full…
            raise HandbookError(f"cannot write {target}: {error.strerror or error}") from None
        raise
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        remove_empty(created)
        raise


def _staging_dir(target: Path, created: list[Path]) -> Path:
    """A fresh folder beside `target`, or one line saying why there can be none."""
    try:
        return Path(tempfile.mkdtemp(prefix=_temporary_name(target, "staging"), dir=target.parent))
    except OSError as error:
        remove_empty(created)
        raise HandbookError(f"cannot write {target}: {error.strerror or error}") from None


def _swap(staging: Path, target: Path) -> None:
    """Put `staging` in place of `target` in one step; the old folder is then removed."""
    if not os.path.lexists(target):
        os.replace(staging, target)
    elif _exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # now the old folder
    else:  # no atomic exchange here: move the old folder aside first, then the new one in
        holder = Path(tempfile.mkdtemp(prefix=_temporary_name(target, "old"), dir=target.parent))
        try:
            os.replace(target, holder / target.name)
            os.replace(staging, target)
        finally:
            shutil.rmtree(holder, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False where it is not supported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


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
        make_parents(target, target)
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
