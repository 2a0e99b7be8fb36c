"""The benchmark scripts still import against today's library (they are run by hand, not here)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from tests.layout import ROOT

SCRIPTS = sorted((ROOT / "benchmarks").glob("bench_*.py"))


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_a_benchmark_imports_and_has_a_main_guard(script: Path) -> None:
    spec = importlib.util.spec_from_file_location(f"benchmark_{script.stem}", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    try:
        spec.loader.exec_module(module)  # runs nothing: main is guarded
    finally:
        del sys.modules[spec.name]
    assert 'if __name__ == "__main__":' in script.read_text(encoding="utf-8")
