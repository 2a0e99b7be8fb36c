"""Time `handbook build-site` against a bare `mkdocs build` of the same pages.

The baseline is the plain setup anyone would start from: the same Markdown
folder, Material with the same features and search, Python-Markdown with
arithmatex and highlighting, no hook. Ours adds reading the handbook through
the canonical reader, the sanitizing writer, KaTeX and our assets copied into
the site, the staleness check, the reproducible date and the atomic swap.
Both run here, in the same process, alternately; a warm-up round of each
comes first. Goal: ratio at most 1.2.

    .venv/bin/python benchmarks/bench_site.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

from pipeline.site import build_site
from pipeline.site_layout import _read_once
from tests.layout import BOOK

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


def baseline(work: Path) -> None:
    """`mkdocs build` of the canonical Markdown with a plain Material config."""
    config_file = work / "mkdocs.yml"
    config_file.write_text(
        BASELINE_CONFIG.format(docs=BOOK.handbook_dir.resolve(), site=work / "baseline-site"),
        encoding="utf-8",
    )
    mkdocs_build(config_file)


def mkdocs_build(config_file: Path) -> None:
    """What `mkdocs build -f config_file` does, in this process."""
    config = load_config(str(config_file))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()


def ours(work: Path) -> None:
    _read_once.cache_clear()  # as in a fresh `handbook build-site`: read the Markdown once
    build_site(BOOK, work / "site")


def timed(run: Callable[[Path], None], work: Path) -> float:
    start = time.perf_counter()
    run(work)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        timed(baseline, work), timed(ours, work)  # warm-up: imports, caches, a stale normalize
        times: dict[str, list[float]] = {"baseline": [], "build-site": []}
        for _ in range(rounds):
            times["baseline"].append(timed(baseline, work))
            times["build-site"].append(timed(ours, work))
    for name, values in times.items():
        print(
            f"{name:>10}: best {min(values):.3f}s, median {statistics.median(values):.3f}s over {rounds} rounds"
        )
    best = min(times["build-site"]) / min(times["baseline"])
    median = statistics.median(times["build-site"]) / statistics.median(times["baseline"])
    print(
        f"ratio build-site / bare mkdocs build: {best:.2f} (best), {median:.2f} (median); goal: at most 1.2"
    )


if __name__ == "__main__":
    main()
