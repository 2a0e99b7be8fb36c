"""Hostile metadata in a real browser: the title, subtitle, author and source_url
of the handbook hold script payloads; on every page no dialog may fire and no
element may have been injected."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from dataclasses import replace

import pytest

from pipeline.book import markdown_book
from pipeline.model import Meta
from pipeline.site import build_site
from pipeline.writers.markdown import write_markdown
from tests.website.site_fixtures import sample_handbook

# Each payload marks what it would inject with the class `pwned`.
META = Meta(
    title='Title <img src=x class=pwned onerror=alert("title")></title><script class=pwned>alert(1)</script>',
    subtitle='Subtitle <svg class=pwned onload=alert("subtitle")>',
    author='Author "><img src=x class=pwned onerror=alert("author")>',
    source_url='https://example.org/"><img src=x class=pwned onerror=alert("source_url")>',
)
FOUND = """() => ({
  pwned: document.querySelectorAll(".pwned").length,
  handlers: [...document.querySelectorAll("*")].filter(
    (e) => [...e.attributes].some((a) => a.name.toLowerCase().startsWith("on"))).length,
  javascriptLinks: [...document.querySelectorAll("a[href]")].filter(
    (a) => a.href.trim().toLowerCase().startsWith("javascript:")).length,
  title: document.title,
  header: document.querySelector(".md-header__topic .md-ellipsis").textContent.trim(),
})"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    """The sample handbook with hostile metadata, built and served on 127.0.0.1."""
    root = tmp_path_factory.mktemp("hostile-meta")
    handbook = replace(sample_handbook(), meta=META)
    write_markdown(handbook, root / "handbook")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), None)  # type: ignore[arg-type]
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    build_site(markdown_book(root / "handbook"), root / "site", site_url=url)
    server.RequestHandlerClass = functools.partial(_QuietHandler, directory=str(root / "site"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    pages = [""] + [f"{n:02d}-{s.slug}/" for n, s in enumerate(handbook.sections, start=1)] + ["404.html"]
    yield url, pages
    server.shutdown()
    server.server_close()


def test_no_payload_runs_or_injects_on_any_page(browser, hostile_site: tuple[str, list[str]]) -> None:
    url, pages = hostile_site
    context = browser.new_context()
    context.set_default_timeout(10_000)
    tab = context.new_page()
    dialogs: list[str] = []
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        for page in pages:
            tab.goto(url + page, wait_until="load")
            found = tab.evaluate(FOUND)
            assert found["pwned"] == 0 and found["handlers"] == 0, (page, found)
            assert found["javascriptLinks"] == 0, (page, found)
            assert found["header"] == META.title, (page, found)  # the title is shown, as text
            assert found["title"].endswith(META.title), (page, found)
    finally:
        context.close()
    assert dialogs == []
