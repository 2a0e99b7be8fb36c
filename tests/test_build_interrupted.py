"""`kill -9` at five moments of `handbook build`: every output is the old one or the new one,
and the next build leaves no staging folder behind; Ctrl-C at the staged moments is one line and
leaves no staging folder at all.

One project (its own copy of source/ and mkdocs.yml) is made stale (an errata comment, a
figure script's comment), then `handbook build` runs as a process of its own and is killed
at each moment in turn (held there by a start-up shim where the moment is a staged folder,
which exists too briefly to catch by watching), each run picking up where the last one died: while the Markdown is
staged, when the figures start, when the decks start, while the decks are staged, while the
site is staged. A last build completes and `handbook check` passes. Every output, after
every kill, is byte for byte what it was before that run or what the last build made.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from tests.cli_rows import digests
from tests.layout import BOOK_DIR, ROOT

HANDBOOK = Path(sys.executable).with_name("handbook")
STAGING = re.compile(r"\.handbook-(?:staging|old|tmp)\.\d+\.")
OUTPUTS = (
    "site",
    "decks",
    f"{BOOK_DIR}/handbook",
    f"{BOOK_DIR}/question-state.tsv",
    f"{BOOK_DIR}/question-ids.tsv",
)
ENV = {"SOURCE_DATE_EPOCH": "1700000000"}
PATIENCE = 300  # seconds: a build that takes longer is stuck


# Loaded at start-up by the build under test (through PYTHONPATH): it holds the build just
# before a staged folder named in HANDBOOK_HOLD is swapped into place, and says so in the file
# HANDBOOK_HELD, so the kill lands at that moment every time, however loaded the machine is.
HOLDER = """
import os, time
from pathlib import Path

names = set(filter(None, os.environ.get("HANDBOOK_HOLD", "").split(",")))
if names:
    from pipeline import fileio

    swap = fileio._swap

    def held(staging, target):
        if target.name in names:
            Path(os.environ["HANDBOOK_HELD"]).write_text(str(target))
            while True:
                time.sleep(1)
        swap(staging, target)

    fileio._swap = held
"""


@dataclass(frozen=True)
class Moment:
    """Where a build is killed: while a folder named in `hold` is staged, or once its output says `stage` started."""

    hold: tuple[str, ...] = ()
    stage: str = ""

    def env(self, held: Path) -> dict[str, str]:
        return {
            "PYTHONPATH": str(held.parent),
            "HANDBOOK_HOLD": ",".join(self.hold),
            "HANDBOOK_HELD": str(held),
        }

    def reached(self, held: Path, output: str) -> bool:
        return held.exists() if self.hold else f"] {self.stage} …" in output


MOMENTS = {
    "the Markdown staged": Moment(hold=("handbook",)),
    "the figures started": Moment(stage="figures"),
    "the decks started": Moment(stage="anki"),
    "the decks staged": Moment(hold=("decks", BOOK_DIR.name)),
    "the site staged": Moment(hold=("site",)),
}


def build_until(project: Path, moment: Moment, shim: Path, sig: int = signal.SIGKILL) -> tuple[int, str]:
    """Run `handbook build`, send it `sig` at `moment`; its exit status and what it said on stderr."""
    held = shim / "held"
    held.unlink(missing_ok=True)
    process = subprocess.Popen(
        [str(HANDBOOK), "build"],
        cwd=project,
        env=os.environ | ENV | moment.env(held),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    output: list[str] = []
    errors: list[str] = []
    readers = [
        threading.Thread(target=lambda: output.extend(process.stdout), daemon=True),  # type: ignore[arg-type]
        threading.Thread(target=lambda: errors.extend(process.stderr), daemon=True),  # type: ignore[arg-type]
    ]
    for reader in readers:
        reader.start()
    deadline = time.monotonic() + PATIENCE
    while process.poll() is None and time.monotonic() < deadline:
        if moment.reached(held, "".join(output)):
            process.send_signal(sig)
            break
        time.sleep(0.005)
    process.wait(timeout=PATIENCE)
    for reader in readers:
        reader.join()
    return process.returncode, "".join(errors)


def run(project: Path, command: str) -> None:
    """`handbook COMMAND` to its end, which must be a success."""
    done = subprocess.run(
        [str(HANDBOOK), command],
        cwd=project,
        env=os.environ | ENV,
        capture_output=True,
        text=True,
        timeout=PATIENCE,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def outputs(project: Path) -> dict[str, dict[str, str]]:
    """Each output's files and digests; a killed run's staging folder inside one (decks/ holds the
    book's) is not part of it: the next run removes it, and `leftovers` proves that."""
    found = {}
    for name in OUTPUTS:
        path = project / name
        files = digests(path) if path.is_dir() else {"": path.read_bytes().hex() if path.exists() else ""}
        found[name] = {key: value for key, value in files.items() if not STAGING.search(key)}
    return found


def leftovers(project: Path) -> list[str]:
    return [
        str(Path(root, name).relative_to(project))
        for root, dirs, names in os.walk(project)
        for name in dirs + names
        if STAGING.search(name)
    ]


def stale_project(tmp_path: Path) -> tuple[Path, Path]:
    """A project whose Markdown and one figure are stale, and the folder of the start-up shim."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copytree(ROOT / "source", project / "source")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    with (project / BOOK_DIR / "errata.toml").open("a", encoding="utf-8") as errata:
        errata.write("\n# reviewed again\n")  # the Markdown is stale: normalize runs
    with (project / BOOK_DIR / "figures" / "mse-loss.py").open("a", encoding="utf-8") as script:
        script.write("\n# drawn again\n")  # one figure is stale: figures draws it
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(HOLDER, encoding="utf-8")
    return project, shim


def test_a_build_killed_at_five_moments_leaves_old_or_new_outputs_and_no_staging(tmp_path: Path) -> None:
    project, shim = stale_project(tmp_path)
    states = [outputs(project)]
    for name, moment in MOMENTS.items():
        assert build_until(project, moment, shim)[0] == -signal.SIGKILL, f"the build ended before {name}"
        states.append(outputs(project))
    run(project, "build")
    assert leftovers(project) == []
    new = outputs(project)
    for before, (name, after) in zip(states, zip(MOMENTS, states[1:], strict=True), strict=False):
        for output in OUTPUTS:
            assert after[output] in (before[output], new[output]), f"{output} after a kill when {name}"
    run(project, "check")
    assert leftovers(project) == []


def test_ctrl_c_while_a_folder_is_staged_is_one_line_and_leaves_nothing_staged(tmp_path: Path) -> None:
    """SIGINT (Ctrl-C) at the moments a folder is staged: exit 1, one `Error:` line, no traceback,
    the staging folder gone at once (not left for the next run), every output old or new."""
    project, shim = stale_project(tmp_path)
    staged = {
        "the Markdown staged": f"{BOOK_DIR}/handbook",
        "the decks staged": "decks",
        "the site staged": "site",
    }
    for name, output in staged.items():
        before = outputs(project)
        status, said = build_until(project, MOMENTS[name], shim, signal.SIGINT)
        assert status == 1, f"{name}: {said}"
        assert said.startswith("Error: interrupted") and said.count("\n") == 1, f"{name}: {said}"
        assert leftovers(project) == [], name
        assert outputs(project)[output] == before[output], (
            f"{output} changed by a run stopped while staging it"
        )
