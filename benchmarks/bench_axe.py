"""axe-core's violations on every page of the site, light and dark, against a bare Material build.

Prints nodes per rule (and impact) over the home page and every section, in both
colour schemes, for our site (`handbook build-site`) and for a plain `mkdocs build`
of the same Markdown with Material's defaults and the same palettes (no hook, no
stylesheet or script of ours). The accessibility issue's closing note gives both.
Pages are checked as a reader first sees them (questions closed), and with
`--open` after opening every question (what the test checks: the answers too).

    .venv/bin/python benchmarks/bench_axe.py [--open] [--site DIR]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import tempfile
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml
from playwright.sync_api import sync_playwright

from benchmarks.bench_site import BASELINE_CONFIG, mkdocs_build
from pipeline.paths import MKDOCS_CONFIG
from pipeline.site import build_site
from tests.layout import BOOK
from tests.website.axe import SCHEMES, nodes_per_rule, set_scheme, violations
from tests.website.site_fixtures import CHROMIUM, CHROMIUM_ARGS

OPEN_ALL = "() => document.querySelectorAll('details').forEach((d) => { d.open = true; })"


def bare_material(work: Path) -> Path:
    """bench_site's bare Material build, with our palettes (so it has a dark scheme too), the
    attribute syntax the questions' `{#id}` needs, and a copyright line in its footer."""
    site = work / "bare-site"
    config = yaml.safe_load(BASELINE_CONFIG.format(docs=BOOK.handbook_dir.resolve(), site=site))
    config["theme"]["palette"] = yaml.safe_load(MKDOCS_CONFIG.read_text(encoding="utf-8"))["theme"]["palette"]
    config["markdown_extensions"].insert(0, "attr_list")
    config["copyright"] = "Questions and answers © the author, from the original post."
    config_file = work / "bare.yml"
    config_file.write_text(yaml.safe_dump(config), encoding="utf-8")
    mkdocs_build(config_file)
    return site


@contextmanager
def served(folder: Path) -> Iterator[str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=folder))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


def site_counts(browser, folder: Path, open_all: bool) -> tuple[Counter, int]:
    """Nodes per (rule, impact) over the home page and every section page, both schemes."""
    pages = ["", *sorted(p.parent.name + "/" for p in folder.glob("[0-9][0-9]*-*/index.html"))]
    found = []
    with served(folder) as url:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        for path in pages:
            page.goto(url + path)
            page.wait_for_load_state("load")
            if open_all:
                page.evaluate(OPEN_ALL)
            for scheme in SCHEMES:
                set_scheme(page, scheme)
                found += violations(page, path or "/", scheme, skip=())
        context.close()
    return nodes_per_rule(found), len(pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open", action="store_true", help="open every question before checking")
    parser.add_argument("--site", type=Path, help="a built site to check (default: build one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        work = Path(tmp)
        ours = args.site or (build_site(BOOK, work / "site").site_dir)
        bare = bare_material(work)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        (our_counts, pages), (bare_counts, _) = (site_counts(browser, s, args.open) for s in (ours, bare))
        browser.close()
    print(f"| rule (impact) | nodes, our site ({pages} pages × 2 schemes) | a bare Material build |")
    print("| --- | --- | --- |")
    for rule, impact in sorted(set(our_counts) | set(bare_counts)):
        print(f"| {rule} ({impact}) | {our_counts[rule, impact]} | {bare_counts[rule, impact]} |")


if __name__ == "__main__":
    main()
