"""Shared fixtures. Tests run from the repository root, where pipeline.paths point."""

from __future__ import annotations

import os

import pytest

from pipeline.model import Handbook
from pipeline.readers.markdown import read_markdown
from tests.layout import BOOK, ROOT



def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", default=False,
        help="Rewrite golden files (tests/golden/, source/books/SLUG/handbook/) instead of comparing.",
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
