"""Fixtures for the site tests: the sample site built once per session, browser tabs.

The canonical site, its server and site_url, and the browser are in tests/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from pipeline.book import markdown_book
from pipeline.readers.markdown import read_markdown
from pipeline.site import build_site
from pipeline.writers.markdown import write_markdown
from tests.layout import BOOK
from tests.session_builds import once_per_session, serve
from tests.website.site_fixtures import (
    HOSTILE_MARKDOWN,
    SERIES_TITLE,
    BuiltSite,
    SeriesSite,
    sample_handbook,
    write_second_book,
)


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The sample handbook plus a hostile section, written as canonical Markdown and built."""
    root = tmp_path_factory.mktemp("sample")
    handbook_dir = root / "handbook"
    write_markdown(sample_handbook(), handbook_dir)
    (handbook_dir / "03-hostile.md").write_text(HOSTILE_MARKDOWN, encoding="utf-8")
    report = build_site(markdown_book(handbook_dir), root / "site")
    return BuiltSite(read_markdown(handbook_dir), root / "site", report)


def _series_build(factory: pytest.TempPathFactory) -> tuple[Path, tuple]:
    def build(folder: Path) -> tuple:
        second = write_second_book(folder / "second" / "handbook")
        url = serve(folder / "site")
        return (
            url,
            second,
            build_site(
                BOOK,
                folder / "site",
                more_books=[markdown_book(second)],
                series_title=SERIES_TITLE,
                site_url=url,
            ),
        )

    return once_per_session(factory, "series-site", build)


@pytest.fixture(scope="session")
def series_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The two-book site's address."""
    return _series_build(tmp_path_factory)[1][0]


@pytest.fixture(scope="session")
def series_site(tmp_path_factory: pytest.TempPathFactory) -> SeriesSite:
    """The real handbook and a small second book (hostile title) as one site, built once."""
    folder, (_, second, report) = _series_build(tmp_path_factory)
    return SeriesSite(folder / "site", (BOOK.handbook_dir, second), report)


VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    },
}
CLIPBOARD = ["clipboard-read", "clipboard-write"]


class Tab:
    """A tab in a context of its own that records every request, script error and dialog."""

    def __init__(self, browser, viewport: str, origin: str, **context_options: object) -> None:
        self.origin = origin
        self.context = browser.new_context(**VIEWPORTS[viewport], **context_options)
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.page.viewport_name = viewport
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))

    def check(self) -> None:
        """Every request stayed on the site's origin, no script failed, no dialog opened (since the last check)."""
        foreign = [
            url for url in self.requests if not url.startswith((self.origin, "data:", "blob:", "about:"))
        ]
        errors, dialogs = list(self.errors), list(self.dialogs)
        for seen in (self.requests, self.errors, self.dialogs):
            seen.clear()
        assert foreign == [], f"requests left the site's origin: {foreign}"
        assert errors == [], f"script errors: {errors}"
        assert dialogs == [], f"a script opened a dialog: {dialogs}"


@contextmanager
def _fresh_tab(browser, viewport: str, origin: str) -> Iterator[object]:
    """A tab in a new context (empty storage and cache), checked when the test is done."""
    tab = Tab(browser, viewport, origin, permissions=CLIPBOARD)
    try:
        yield tab.page
    finally:
        tab.context.close()
    tab.check()


@pytest.fixture(scope="module")
def _module_tabs() -> Iterator[dict[tuple[str, str], Tab]]:
    """One tab per viewport and site, shared by a module's tests (a context per test costs a cold cache)."""
    tabs: dict[tuple[str, str], Tab] = {}
    yield tabs
    for tab in tabs.values():
        tab.context.close()


@contextmanager
def _shared_tab(tabs: dict, browser, viewport: str, origin: str) -> Iterator[object]:
    """The module's tab for this viewport and site, reset for the test: no media emulated, and
    afterwards no storage left behind (grades, palette) and the test's own requests checked.
    (`visit` loads its page anew even when the tab is already there.)"""
    if (viewport, origin) not in tabs:
        tabs[viewport, origin] = Tab(browser, viewport, origin, permissions=CLIPBOARD)
    tab = tabs[viewport, origin]
    tab.page.emulate_media(media="null", color_scheme="null")
    tab.check()
    yield tab.page
    if tab.page.url.startswith(origin):
        tab.page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
    tab.check()


@pytest.fixture
def page(_module_tabs, browser, site_url: str) -> Iterator[object]:
    """A desktop-sized tab (shared within the module) that must keep to the site's origin."""
    with _shared_tab(_module_tabs, browser, "desktop", site_url) as tab:
        yield tab


@pytest.fixture(params=sorted(VIEWPORTS))
def any_page(request: pytest.FixtureRequest, _module_tabs, browser, site_url: str) -> Iterator[object]:
    """The same, once desktop-sized and once phone-sized (touch, small screen); `.viewport_name` says which."""
    with _shared_tab(_module_tabs, browser, request.param, site_url) as tab:
        yield tab


@pytest.fixture
def fresh_page(browser, site_url: str) -> Iterator[object]:
    """A desktop-sized tab in a context of its own: for tests that set storage or init scripts."""
    with _fresh_tab(browser, "desktop", site_url) as tab:
        yield tab


@pytest.fixture(params=sorted(VIEWPORTS))
def fresh_any_page(request: pytest.FixtureRequest, browser, site_url: str) -> Iterator[object]:
    """A fresh tab (empty storage), desktop- and phone-sized."""
    with _fresh_tab(browser, request.param, site_url) as tab:
        yield tab


@pytest.fixture
def series_page(_module_tabs, browser, series_url: str) -> Iterator[object]:
    """A desktop-sized tab on the two-book site (shared within the module); no dialog may open."""
    with _shared_tab(_module_tabs, browser, "desktop", series_url) as tab:
        yield tab
