"""Time `handbook build-site` against a bare `mkdocs build` of the same pages, whole processes.

The baseline is the plain setup anyone would start from: the same Markdown
folder, Material with the same features and search, Python-Markdown with
arithmatex, highlighting and superfences, no hook. Ours adds reading the
handbook through the canonical reader, the sanitizing writer, the site's source
folder (pages, navigation, KaTeX, assets, decks), the staleness check, the
reproducible date and the atomic swap. Each is a process of its own, started
the way a user starts it, run alternately (A B A B ...) after a warm-up of each;
the ratio is taken pair by pair and its median printed (the machine's speed
drifts; a pair does not). Goal: median ratio at most 1.15 (it was 1.24 when the
pages were made by MkDocs hooks). The warm-up builds the site's source and fills
its cache of compiled templates, as any earlier build-site in a checkout has. Then
`build-site --engine zensical` is timed the same way, against the same baseline.

    .venv/bin/python benchmarks/bench_site.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.layout import BOOK, ROOT

BIN = Path(sys.executable).parent
GOAL = 1.15

BASELINE_CONFIG = """\
site_name: Baseline
docs_dir: {docs}
site_dir: {site}
theme:
  name: material
  font: false
  features: [navigation.instant, navigation.top, navigation.footer, content.code.copy,
             content.action.edit, toc.follow, search.highlight, search.suggest]
plugins: [search]
markdown_extensions:
  - tables
  - toc: {{permalink: true}}
  - pymdownx.arithmatex: {{generic: true}}
  - pymdownx.highlight
  - pymdownx.superfences
"""


def mkdocs_build(config_file: Path) -> None:
    """What `mkdocs build -f config_file` does, in this process (bench_axe's bare build)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(config_file))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()


def timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one run of `command`, from its start to its exit."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def pairs(ours: list[str], baseline: list[str], rounds: int) -> list[tuple[tuple[float, float], ...]]:
    timed(ours), timed(baseline)  # warm-up: file caches, .pyc files, a stale normalize
    return [(timed(ours), timed(baseline)) for _ in range(rounds)]


def report(name: str, runs: list[tuple[tuple[float, float], ...]]) -> float:
    ours = [a for a, _ in runs]
    base = [b for _, b in runs]
    wall = statistics.median(a[0] / b[0] for a, b in runs)
    cpu = statistics.median(a[1] / b[1] for a, b in runs)
    print(
        f"{name:>28}: median {statistics.median(w for w, _ in ours):.3f}s wall, "
        f"{statistics.median(c for _, c in ours):.3f}s cpu; bare mkdocs build "
        f"{statistics.median(w for w, _ in base):.3f}s wall; ratio {wall:.2f} wall, {cpu:.2f} cpu "
        f"(median of {len(runs)} pairs)"
    )
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    rounds = parser.parse_args().rounds
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        config = work / "mkdocs.yml"
        config.write_text(
            BASELINE_CONFIG.format(docs=BOOK.handbook_dir, site=work / "baseline-site"), "utf-8"
        )
        baseline = [str(BIN / "mkdocs"), "build", "-q", "-f", str(config)]
        handbook = [str(BIN / "handbook"), "build-site"]
        mkdocs = report(
            "build-site (mkdocs)", pairs([*handbook, "--site", str(work / "site")], baseline, rounds)
        )
        zensical = [*handbook, "--engine", "zensical", "--site", str(work / "zensical-site")]
        report("build-site --engine zensical", pairs(zensical, baseline, rounds))
    print(
        f"goal: build-site (mkdocs) at most {GOAL} of a bare mkdocs build: {'met' if mkdocs <= GOAL else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
