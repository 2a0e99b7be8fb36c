"""One date for an output, taken from its sources, never from the clock.

Site dates and Anki modification times must stay fixed for identical input
(byte-identical builds) and move forward when the input changes (so Anki
updates notes on re-import). The rule, in order:

1. `SOURCE_DATE_EPOCH`, if set (the reproducible-builds convention);
2. if every input is tracked and unmodified in git, the date of the last commit
   touching them: the same on every clone;
3. else the newest modification time among the inputs, never older than that
   last commit (so an edit made after a commit always dates later).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from pipeline.errors import HandbookError


def source_time(inputs: Sequence[Path]) -> tuple[int, str]:
    """Seconds since 1970 for these inputs, and which rule gave them."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not (epoch.isascii() and epoch.isdigit() and len(epoch) <= 12):
            raise HandbookError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not {epoch[:40]!r}")
        return int(epoch), "SOURCE_DATE_EPOCH"
    committed = git_commit_time(inputs)
    if committed is not None and git_clean(inputs):
        return committed, "the last git commit"
    newest = max((int(path.stat().st_mtime) for path in inputs if path.exists()), default=0)
    return max(newest, committed or 0), "file modification times"


def source_date(*handbook_dirs: Path) -> int:
    """The date of a book's pages, or of a site's (sitemap, "last update"): its Markdown's source time."""
    return source_time(sorted(path for folder in handbook_dirs for path in folder.glob("*.md")))[0]


def git_commit_time(paths: Sequence[Path]) -> int | None:
    """The date of the last commit touching `paths`, if they are in one git checkout."""
    stamp = _git(paths, "log", "-1", "--format=%ct", "--")
    return int(stamp) if stamp and stamp.isdigit() else None


def git_clean(paths: Sequence[Path]) -> bool:
    """Whether all `paths` are tracked and unmodified."""
    return (
        _git(paths, "ls-files", "--error-unmatch", "--") is not None
        and _git(paths, "status", "--porcelain", "--") == ""
    )


def _git(paths: Sequence[Path], *args: str) -> str | None:
    """git's output for `args` followed by the paths, or None when git is missing or refuses."""
    absolute = [str(path.resolve()) for path in paths]
    if not absolute:
        return None
    try:
        done = subprocess.run(
            ["git", *args, *absolute],
            cwd=Path(absolute[0]).parent,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None
