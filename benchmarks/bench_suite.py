"""Time the whole suite (`bin/test`) against an earlier commit's suite, run back to back.

On a shared machine one suite's time drifts by a third from run to run, so a
single figure says little; the two suites run alternately, and their ratio says
how the suite changed. The baseline is a detached git worktree of the earlier
commit in the temporary folder, set up by its own `bin/setup` (a venv and npm
packages, about a minute) the first time. The default, ae0d8d5, is the last
commit before the series of books, and the goal is a suite no slower than it
was then. Goal: ratio at most 1.0.

    .venv/bin/python benchmarks/bench_suite.py [--baseline REV] [--rounds N]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUMMARY = re.compile(r"^(\d+) passed.* in ([\d.]+)s", re.M)


def baseline_checkout(revision: str) -> Path:
    """The baseline commit checked out and set up beside this one (made once, then reused)."""
    folder = Path(tempfile.gettempdir()) / f"handbook-suite-{revision}"
    if not folder.is_dir():
        subprocess.run(["git", "worktree", "add", "--detach", str(folder), revision], cwd=ROOT, check=True)
    if not (folder / ".venv").is_dir():
        subprocess.run(["bin/setup"], cwd=folder, check=True)
    return folder


def suite(checkout: Path) -> tuple[float, str]:
    """Wall seconds of `bin/test` in `checkout`, and its summary line."""
    start = time.perf_counter()
    result = subprocess.run(
        ["bin/test", "-q", "-p", "no:cacheprovider"], cwd=checkout, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    found = SUMMARY.search(result.stdout)
    if result.returncode != 0 or not found:
        raise SystemExit(f"bin/test failed in {checkout}:\n{result.stdout[-2000:]}")
    return seconds, f"{found.group(1)} passed"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="ae0d8d5", help="the commit to compare with")
    parser.add_argument("--rounds", type=int, default=2)
    options = parser.parse_args()
    checkouts = {"baseline": baseline_checkout(options.baseline), "today": ROOT}
    times: dict[str, list[float]] = {name: [] for name in checkouts}
    for round_number in range(1, options.rounds + 1):
        for name, checkout in checkouts.items():
            seconds, summary = suite(checkout)
            times[name].append(seconds)
            print(f"round {round_number}: {name:>8} {seconds:6.1f}s ({summary})", flush=True)
    ratio = statistics.median(times["today"]) / statistics.median(times["baseline"])
    print(f"ratio today / {options.baseline}: {ratio:.2f} (medians)")


if __name__ == "__main__":
    main()
