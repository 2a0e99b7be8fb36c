"""The authoring loop: `handbook serve` shows an edit of a book's Markdown within seconds, with either engine;
and an engine run on the checkout's own mkdocs.yml never writes into site/."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from pipeline.book import markdown_book
from pipeline.site import build_site
from pipeline.writers.markdown import write_markdown
from tests.layout import ROOT
from tests.website.site_fixtures import sample_handbook

SERVE = """
import sys
from pathlib import Path
from pipeline.book import markdown_book
from pipeline.site import serve_site
folder = Path(sys.argv[1])
sys.exit(serve_site(markdown_book(folder / "handbook"), config_file=folder / "mkdocs.yml", source_dir=folder / "source",
                    engine=sys.argv[2], dev_addr=sys.argv[3]))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def page_text(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def wait_for(url: str, text: str, seconds: float) -> float:
    """Seconds until the page at `url` holds `text`; fails after `seconds`."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if text in page_text(url):
            return time.monotonic() - start
        time.sleep(0.2)
    pytest.fail(f"{url} did not show {text!r} within {seconds} s")


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_an_edit_of_the_markdown_shows_in_the_preview_within_seconds(engine: str, tmp_path: Path) -> None:
    write_markdown(sample_handbook(), tmp_path / "handbook")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    address = f"127.0.0.1:{free_port()}"
    server = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(tmp_path), engine, address],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        start_new_session=True,  # the engine's server is its child: stopped with it
    )
    try:
        url = f"http://{address}/01-first/"
        wait_for(url, "sum-of-squares", 60)  # the engine's first build
        page = tmp_path / "handbook" / "01-first.md"
        page.write_text(page.read_text(encoding="utf-8").replace("zebrafish", "okapi"), encoding="utf-8")
        seconds = wait_for(url, "okapi", 15)
        print(f"{engine}: the edit showed after {seconds:.1f} s")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_an_engine_run_on_the_checkouts_mkdocs_yml_never_writes_site(engine: str, tmp_path: Path) -> None:
    write_markdown(sample_handbook(), tmp_path / "handbook")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    build_site(markdown_book(tmp_path / "handbook"), tmp_path / "site", config_file=tmp_path / "mkdocs.yml")
    before = sorted(p.relative_to(tmp_path / "site") for p in (tmp_path / "site").rglob("*"))
    subprocess.run(
        [sys.executable, "-m", engine, "build"],
        cwd=tmp_path,
        capture_output=True,
        timeout=120,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert sorted(p.relative_to(tmp_path / "site") for p in (tmp_path / "site").rglob("*")) == before
