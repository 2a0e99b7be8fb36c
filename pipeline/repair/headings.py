"""Section titles and slugs: restore a heading the scrape lost, slug every section.

A lost heading leaves an empty slot in the table of contents; the reader keeps
the section with an empty title. Its questions name their topic, so the title
is the content word they share most (in plural, capitalized: "Autoencoders").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from pipeline.model import Handbook, Section, map_sections, plain_text
from pipeline.slugs import slugify

STOPWORDS = frozenset(
    "a an and are as at be between by can do does for from how in into is it its of on or "
    "the their this to type types use used using what when where which who why with you your "
    "vs versus".split()
)


def _stem(word: str) -> str:
    word = word.lower()
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _topic(section: Section) -> str:
    counts: Counter[str] = Counter()
    for question in section.questions:
        words = re.findall(r"[A-Za-z][A-Za-z-]{2,}", plain_text(question.title).replace("$", " "))
        counts.update({_stem(w) for w in words if w.lower() not in STOPWORDS})
    if not counts:
        return "Untitled section"
    word, _ = min(counts.items(), key=lambda item: (-item[1], item[0]))
    return (word + "s").capitalize()


def restore_headings(handbook: Handbook) -> tuple[Handbook, int]:
    """Give a lost section heading its title back and every section a slug."""
    restored = sum(1 for s in handbook.sections if not s.title)
    return map_sections(handbook, _titled), restored


def _titled(section: Section) -> Section:
    title = section.title or _topic(section)
    return replace(section, title=title, slug=section.slug or slugify(title))
