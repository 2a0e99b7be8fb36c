"""Slugs: the lower-case, hyphenated names that ids, section files and book folders use."""

from __future__ import annotations

import re


def slugify(text: str, max_words: int = 12, max_length: int = 80) -> str:
    """Lower-case words joined by hyphens, at most `max_words` and `max_length` characters."""
    words = re.findall(r"[a-z0-9]+", text.lower().replace("'", "").replace("’", ""))
    slug = ""
    for word in words[:max_words]:
        if slug and len(slug) + 1 + len(word) > max_length:
            break
        slug = f"{slug}-{word}" if slug else word[:max_length]
    return slug or "untitled"
