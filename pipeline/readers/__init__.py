"""Readers turn a snapshot into the document model; the manifest names which one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath

from pipeline.errors import HandbookError
from pipeline.model import Handbook

Reader = Callable[[str, str], Handbook]


def _text_dump(text: str, source_url: str) -> Handbook:
    from pipeline.readers.text_dump import read_text_dump

    return read_text_dump(text, source_url)


def _html(text: str, source_url: str) -> Handbook:
    from pipeline.readers.html_page import read_html_page

    return read_html_page(text, source_url)


READERS: dict[str, Reader] = {"text-dump": _text_dump, "html": _html}
# A saved snapshot's reader by its extension, and the extension a snapshot gets for its reader.
FILE_READERS = {".html": "html", ".htm": "html", ".txt": "text-dump"}
READER_EXTENSIONS = {"html": ".html", "text-dump": ".txt"}


def reader_for(name: str) -> Reader:
    try:
        return READERS[name]
    except KeyError:
        raise HandbookError(
            f"unknown reader {name!r} in the manifest; known: {', '.join(sorted(READERS))}"
        ) from None


def reader_for_file(filename: str) -> str:
    """The reader for a snapshot file, by its extension (a dump's, when the extension says nothing)."""
    return FILE_READERS.get(PurePath(filename).suffix.lower(), "text-dump")
