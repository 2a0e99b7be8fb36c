"""Shared fixtures. Tests run from the repository root, where pipeline.paths point.

The real book's site and full Anki export are built once per session, across
pytest-xdist workers too (tests/session_builds.py); tests read them, and copy
them before changing anything.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.anki import export_anki
from pipeline.model import Handbook
from pipeline.readers.markdown import read_markdown
from pipeline.site import build_site
from tests.layout import BOOK, ROOT
from tests.session_builds import DECKS_SITE_URL, DECKS_TIMESTAMP, once_per_session, serve
from tests.website.site_fixtures import CHROMIUM, CHROMIUM_ARGS, BuiltSite


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite the golden canonical Markdown (source/books/SLUG/handbook/) instead of comparing.",
    )


@pytest.fixture(autouse=True, scope="session")
def _repository_root() -> None:
    os.chdir(ROOT)


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def canonical() -> Handbook:
    """The committed canonical handbook."""
    return read_markdown(BOOK.handbook_dir)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium, headless, one per worker (Playwright's sync API allows one per process);
    browser tests run on every worker, each with its own."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt install chromium)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# --- built once per session, across workers ----------------------------------------


@pytest.fixture(scope="session")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The address of a server on 127.0.0.1 that serves the canonical site (see canonical_site)."""
    return canonical_site_build(tmp_path_factory)[1][0]


def canonical_site_build(factory: pytest.TempPathFactory, engine: str = "mkdocs") -> tuple[Path, tuple]:
    """The real book's site as `engine` builds it, once per session, and served: (folder, (url, report))."""

    def build(folder: Path) -> tuple:
        url = serve(folder / "site")
        return url, build_site(BOOK, folder / "site", site_url=url, engine=engine)

    return once_per_session(factory, f"canonical-site-{engine}", build)


def canonical_built_site(factory: pytest.TempPathFactory, engine: str = "mkdocs") -> BuiltSite:
    folder, (_, report) = canonical_site_build(factory, engine)
    return BuiltSite(read_markdown(BOOK.handbook_dir), folder / "site", report)


@pytest.fixture(scope="session")
def canonical_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The real handbook's site, built once, with its server's address as its site_url.

    Material's instant navigation only works with a right site_url.
    """
    return canonical_built_site(tmp_path_factory)


@pytest.fixture(scope="session")
def canonical_decks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real handbook's full export (decks/<book>/: every section's deck and the book's), built once.

    Its cards link the site at DECKS_SITE_URL and its notes are dated DECKS_TIMESTAMP
    (a fresh state file, beside the folder, as `question-state.tsv`).
    """

    def build(folder: Path) -> None:
        export_anki(
            BOOK,
            folder / "decks",
            None,
            site_url=DECKS_SITE_URL,
            state_file=folder / "question-state.tsv",
            timestamp=DECKS_TIMESTAMP,
        )

    return once_per_session(tmp_path_factory, "canonical-decks", build)[0] / "decks"
