"""TeX in the site: hostile commands never build; an allowed link stays inert under KaTeX's trust: false."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

from pipeline.book import markdown_book
from pipeline.errors import HandbookError
from pipeline.model import Handbook
from pipeline.site import build_site
from pipeline.writers.markdown import write_markdown
from tests.builders import handbook, math, para, question, section


def handbook_with(tex: str) -> Handbook:
    return handbook(
        section("links", "Links", question("q-link", "Where does it point?", para("See ", math(tex), "."))),
        title="Links",
    )


def test_hostile_tex_builds_no_site(tmp_path: Path) -> None:
    write_markdown(handbook_with(r"\href{javascript:alert(1)}{x}"), tmp_path / "handbook")
    with pytest.raises(HandbookError, match="question 'q-link' has a formula that cannot be published"):
        build_site(markdown_book(tmp_path / "handbook"), tmp_path / "site")
    assert not (tmp_path / "site").exists()


def test_a_web_link_in_tex_renders_as_no_link_in_chromium(browser, tmp_path: Path) -> None:
    write_markdown(
        handbook_with(r"\href{https://example.com/}{x} + \url{https://example.com/}"), tmp_path / "handbook"
    )
    build_site(markdown_book(tmp_path / "handbook"), tmp_path / "site")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path / "site"))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    context = browser.new_context()
    try:
        tab = context.new_page()
        tab.goto(f"http://127.0.0.1:{server.server_address[1]}/01-links/")
        tab.locator("details").first.evaluate("d => d.open = true")
        tab.wait_for_selector(".katex, .katex-error", state="attached")
        found = tab.evaluate("""() => ({
            links: document.querySelectorAll('.katex a, .katex-error a').length,
            scripts: [...document.querySelectorAll('[href]')].filter(e => /^\\s*javascript:/i.test(e.getAttribute('href'))).length,
        })""")
        assert found == {"links": 0, "scripts": 0}  # trust: false typesets \\href as text, never a link
    finally:
        context.close()
        server.shutdown()
        server.server_close()
