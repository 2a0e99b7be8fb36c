"""Fixtures for the site tests: the sample site built once per session, browser tabs.

The canonical site, its server and site_url, and the browser are in tests/conftest.py."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from pipeline.paths import HANDBOOK_DIR
from pipeline.readers.markdown import read_markdown
from pipeline.site import build_site
from pipeline.writers.markdown import write_markdown
from tests.session_builds import once_per_session, serve
from tests.website.site_fixtures import (
    HOSTILE_MARKDOWN, SERIES_TITLE, BuiltSite, SeriesSite, sample_handbook, write_second_book,
)


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The sample handbook plus a hostile section, written as canonical Markdown and built."""
    root = tmp_path_factory.mktemp("sample")
    handbook_dir = root / "handbook"
    write_markdown(sample_handbook(), handbook_dir)
    (handbook_dir / "03-hostile.md").write_text(HOSTILE_MARKDOWN, encoding="utf-8")
    report = build_site(handbook_dir, root / "site")
    return BuiltSite(read_markdown(handbook_dir), root / "site", report)


def _series_build(factory: pytest.TempPathFactory) -> tuple[Path, tuple]:
    def build(folder: Path) -> tuple:
        second = write_second_book(folder / "second" / "handbook")
        url = serve(folder / "site")
        return url, second, build_site(HANDBOOK_DIR, folder / "site", more_books=[second],
                                       series_title=SERIES_TITLE, site_url=url)

    return once_per_session(factory, "series-site", build)


@pytest.fixture(scope="session")
def series_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The two-book site's address."""
    return _series_build(tmp_path_factory)[1][0]


@pytest.fixture(scope="session")
def series_site(tmp_path_factory: pytest.TempPathFactory) -> SeriesSite:
    """The real handbook and a small second book (hostile title) as one site, built once."""
    folder, (_, second, report) = _series_build(tmp_path_factory)
    return SeriesSite(folder / "site", (HANDBOOK_DIR, second), report)


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
