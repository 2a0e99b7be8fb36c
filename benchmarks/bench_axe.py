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

from mkdocs.commands.build import build
from mkdocs.config import load_config
from playwright.sync_api import sync_playwright

from pipeline.site import build_site
from tests.layout import BOOK
from tests.website.axe import SCHEMES, nodes_per_rule, set_scheme, violations
from tests.website.site_fixtures import CHROMIUM, CHROMIUM_ARGS

BARE_CONFIG = """\
site_name: Bare Material
docs_dir: {docs}
site_dir: {site}
theme:
  name: material
  font: false
  features: [navigation.instant, navigation.top, navigation.footer, content.code.copy,
             toc.follow, search.highlight, search.suggest]
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      primary: indigo
      toggle: {{icon: material/weather-night, name: Switch to dark mode}}
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      primary: indigo
      toggle: {{icon: material/weather-sunny, name: Switch to light mode}}
plugins: [search]
copyright: Questions and answers © the author, from the original post.
markdown_extensions:
  - attr_list
  - tables
  - toc: {{permalink: true}}
  - pymdownx.arithmatex: {{generic: true}}
  - pymdownx.highlight
  - pymdownx.superfences
"""
OPEN_ALL = "() => document.querySelectorAll('details').forEach((d) => { d.open = true; })"


def bare_material(work: Path) -> Path:
    config_file = work / "bare.yml"
    site = work / "bare-site"
    config_file.write_text(BARE_CONFIG.format(docs=BOOK.handbook_dir.resolve(), site=site), encoding="utf-8")
    config = load_config(str(config_file))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
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
