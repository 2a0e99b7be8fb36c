"""The package's import graph: every module of pipeline/ is one the product runs.

Generators and tools that only tests and benchmarks use live under tests/, so a
module of pipeline/ that the `handbook` command does not reach is dead code or a
generator in the wrong place. (The site's engines run no code of ours: the site's
source they build is plain files, see pipeline/site_source.py.) (The layers themselves are
import-linter's contracts in pyproject.toml, run by `lint-imports` in CI.)
"""

from __future__ import annotations

import grimp

from pipeline import figure_style, figures

ENTRY_POINTS = ("pipeline.cli",)


def test_every_module_of_the_package_is_reached_from_the_cli() -> None:
    graph = grimp.build_graph("pipeline")
    reached = set(ENTRY_POINTS)
    for entry in ENTRY_POINTS:
        reached |= graph.find_upstream_modules(entry)
    # Each figure script is run by pipeline.figures as a process of its own and imports the
    # shared style; figures.py reads the style's bytes (every figure's digest) instead of importing it.
    assert figures.FIGURE_STYLE.samefile(figure_style.__file__)
    reached.add(figure_style.__name__)
    packages = {name.rpartition(".")[0] for name in reached}  # a package is reached with its modules
    unreached = sorted(graph.modules - reached - packages)
    assert not unreached, f"modules `handbook` does not import: {unreached}"
