"""The built site → questions, to prove each one reached its page intact.

Reads the static HTML MkDocs wrote (before any script runs): every
`details.question` with its id, the title in its summary and the answer below,
through the shared HTML-fragment reader.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import HandbookError
from pipeline.model import Question
from pipeline.readers.html_fragment import element_blocks, element_inlines, parse_html


def read_page(text: str) -> list[Question]:
    questions = []
    for details in parse_html(text).select("details.question"):
        title = details.select_one("summary .question-title")
        answer = details.select_one("div.answer")
        if title is None or answer is None:
            raise HandbookError(f"question block {details.get('id')!r} lacks its title or answer")
        questions.append(Question(str(details.get("id", "")), element_inlines(title), element_blocks(answer)))
    return questions


def read_site(site_dir: Path) -> dict[str, list[Question]]:
    """Section page folder name (`NN-slug`) → its questions, in page order."""
    if not (site_dir / "index.html").is_file():
        raise HandbookError(f"no built site in {site_dir}: run `handbook build-site` first")
    return {
        page.parent.name: read_page(page.read_text(encoding="utf-8"))
        for page in sorted(site_dir.glob("[0-9][0-9]*-*/index.html"))
    }
