"""The markup of the site's study tools, which pipeline/site_assets/handbook.js drives.

The page script finds these by their `data-study` attributes; without it they
are inert buttons. Only ids, slugs and hrefs land in attributes, all escaped.

- A section page gets a bar under its title: its deck, "Test yourself",
  "Review the ones I missed", how many questions are known, a reset control,
  "Open all" / "Close all", and a status line, unseen, that screen readers
  read out as the self-test moves on (its count, the reveal, each grade).
- The home page gets how many questions are known, overall and per section.

Progress lives in the reader's browser (`localStorage`, per question id), so
it survives reloads and rebuilds: question ids are stable.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from pipeline.model import Handbook, Section


def study_ids(ids: Iterable[str], book: str = "") -> str:
    """The `data-study-ids` attribute: the question ids a progress count covers; and for a later
    book of the site (`book`, its slug), `data-study-book`, under which the script keeps its grades."""
    scope = f' data-study-book="{html.escape(book)}"' if book else ""
    return f'data-study-ids="{html.escape(" ".join(ids))}"{scope}'


def _button(action: str, label: str, *, primary: bool = False, hidden: bool = False) -> str:
    classes = "md-button md-button--primary" if primary else "md-button"
    return (
        f'<button type="button" class="{classes}" data-study="{action}"'
        f"{' hidden' if hidden else ''}>{label}</button>"
    )


def section_toolbar(section: Section, deck_href: str, book: str = "") -> str:
    """Deck download, self-test controls and open/close all, for one section page."""
    ids = study_ids((q.id for q in section.questions), book)
    deck = (
        (
            f'<a class="study-deck" href="{html.escape(deck_href)}" download '
            f'title="This section as Anki flash cards: import the file into Anki">Anki deck</a>'
        )
        if deck_href
        else ""
    )
    return (
        f'<div class="study-bar" data-study-section="{html.escape(section.slug)}" {ids}>\n'
        f'<div class="study-bar__row">{deck}<span class="study-bar__spacer"></span>'
        f"{_button('open-all', 'Open all')}{_button('close-all', 'Close all')}</div>\n"
        f'<div class="study-bar__row">'
        f"{_button('start', 'Test yourself', primary=True)}"
        f"{_button('missed', 'Review the ones I missed', hidden=True)}"
        f'<span class="study-progress" {ids}></span>'
        f"{_button('reset', 'Reset progress', hidden=True)}</div>\n"
        f'<p class="study-status" role="status"></p>\n'
        f"</div>\n"
    )


def home_progress(handbook: Handbook, book: str = "") -> str:
    """How many questions of the whole handbook the reader knows (filled in by the script)."""
    ids = study_ids((q.id for _, q in handbook.questions()), book)
    return (
        f'<p class="study-summary" {ids}><span class="study-progress" {ids} aria-live="polite"></span> '
        f"{_button('reset', 'Reset progress', hidden=True)}</p>"
    )


def section_progress(section: Section, book: str = "") -> str:
    """A section's known count, for its line in the home page's list."""
    return f' <span class="study-progress" {study_ids((q.id for q in section.questions), book)}></span>'
