"""Fixtures for the site tests: sites built once per session, a local server, a browser."""

from __future__ import annotations

import functools
import http.server
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from pipeline.paths import HANDBOOK_DIR
from pipeline.readers.markdown import read_markdown
from pipeline.site import build_site
from pipeline.writers.markdown import write_markdown
from tests.website.site_fixtures import (
    CHROMIUM, CHROMIUM_ARGS, HOSTILE_MARKDOWN, SERIES_TITLE, BuiltSite, SeriesSite, sample_handbook, write_second_book,
)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def served_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("canonical") / "site"


@contextmanager
def _serve(directory: Path) -> Iterator[str]:
    """A server on 127.0.0.1 (an ephemeral port) for a site's folder; yields its address."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def site_url(served_dir: Path) -> Iterator[str]:
    """The canonical site's address."""
    with _serve(served_dir) as url:
        yield url


@pytest.fixture(scope="session")
def canonical_site(served_dir: Path, site_url: str) -> BuiltSite:
    """The real handbook, built once, with the server's address as its site_url.

    Material's instant navigation only works with a right site_url.
    """
    report = build_site(HANDBOOK_DIR, served_dir, site_url=site_url)
    return BuiltSite(read_markdown(HANDBOOK_DIR), served_dir, report)


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The sample handbook plus a hostile section, written as canonical Markdown and built."""
    root = tmp_path_factory.mktemp("sample")
    handbook_dir = root / "handbook"
    write_markdown(sample_handbook(), handbook_dir)
    (handbook_dir / "03-hostile.md").write_text(HOSTILE_MARKDOWN, encoding="utf-8")
    report = build_site(handbook_dir, root / "site")
    return BuiltSite(read_markdown(handbook_dir), root / "site", report)


@pytest.fixture(scope="session")
def series_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("series")


@pytest.fixture(scope="session")
def series_url(series_root: Path) -> Iterator[str]:
    """The two-book site's address."""
    with _serve(series_root / "site") as url:
        yield url


@pytest.fixture(scope="session")
def series_site(series_root: Path, series_url: str) -> SeriesSite:
    """The real handbook and a small second book (hostile title) as one site, built once."""
    second = write_second_book(series_root / "second" / "handbook")
    report = build_site(HANDBOOK_DIR, series_root / "site", more_books=[second], series_title=SERIES_TITLE,
                        site_url=series_url)
    return SeriesSite(series_root / "site", (HANDBOOK_DIR, second), report)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt install chromium)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
              "device_scale_factor": 2},
}


@contextmanager
def _tab(browser, site_url: str, **context_options: object) -> Iterator[object]:
    """A fresh tab; afterwards, every request it made must have stayed on the site's origin."""
    context = browser.new_context(**context_options)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    requests: list[str] = []
    tab.on("request", lambda request: requests.append(request.url))
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    foreign = [url for url in requests if not url.startswith(site_url) and not url.startswith(("data:", "blob:"))]
    assert foreign == [], f"requests left the site's origin: {foreign}"
    assert errors == [], f"script errors: {errors}"


@pytest.fixture
def page(browser, site_url: str) -> Iterator[object]:
    """A desktop-sized tab that must keep to the site's origin."""
    with _tab(browser, site_url, **VIEWPORTS["desktop"]) as tab:
        yield tab


@pytest.fixture(params=sorted(VIEWPORTS))
def any_page(request: pytest.FixtureRequest, browser, site_url: str) -> Iterator[object]:
    """The same, once desktop-sized and once phone-sized (touch, small screen)."""
    options = dict(VIEWPORTS[request.param], permissions=["clipboard-read", "clipboard-write"])
    with _tab(browser, site_url, **options) as tab:
        tab.viewport_name = request.param
        yield tab


@pytest.fixture
def series_page(browser, series_url: str) -> Iterator[object]:
    """A desktop-sized tab on the two-book site; no dialog may open (no injected script runs)."""
    with _tab(browser, series_url, **VIEWPORTS["desktop"]) as tab:
        dialogs: list[str] = []
        tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        yield tab
        assert dialogs == [], f"a script opened a dialog: {dialogs}"
