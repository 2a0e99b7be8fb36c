"""Which runs of letters are words: the handbook's own prose, and an English word list.

A table whose cells were glued may glue two words with nothing to show the seam
(`Batchall` is the cells `Batch` and `all`); only knowing the words finds it. The
handbook's prose knows its own terms (`ReLU`, `softmax`); the English list is
pyspellchecker's (160,000 words), loaded once, when first needed.
"""

from __future__ import annotations

import functools
import gzip
import json
import pkgutil
import re
from collections.abc import Iterable

from pipeline.errors import HandbookError

LETTERS = re.compile(r"[^\W\d_]+")


# The list pyspellchecker's `SpellChecker("en")` loads, read the way it reads it
# (its spelling machinery, four times slower to set up, is not needed here).
ENGLISH = ("spellchecker", "resources/en.json.gz")
# A letter alone is a word only as these; otherwise it is a symbol (`f`, `x`).
ONE_LETTER_WORDS = frozenset({"a", "i"})
# Two letters are a word if English uses them this often (`to`, `of`, `no`), not
# a symbol or an abbreviation the list happens to hold (`rb`, `ti`, `ne`).
TWO_LETTER_COUNT = 1_000_000


# A word English uses less than this often is rare (`orff`, `lin`): a reading that
# needs one is less likely than one that does not.
RARE_COUNT = 1000


@functools.cache
def english() -> dict[str, int]:
    """The English word list, lower case, with how often each word is used."""
    data = pkgutil.get_data(*ENGLISH)
    if data is None:
        raise HandbookError("pyspellchecker's English word list is missing: run bin/setup")
    counts: dict[str, int] = json.loads(gzip.decompress(data))
    words = {word.lower(): n for word, n in counts.items() if len(word) > 2 or n >= TWO_LETTER_COUNT}
    return words | dict.fromkeys(ONE_LETTER_WORDS, TWO_LETTER_COUNT)


class Words:
    """The words a handbook's prose uses, and English's."""

    def __init__(self, prose: Iterable[str]) -> None:
        self._own = frozenset(
            word.lower() for text in prose for word in LETTERS.findall(text) if len(word) > 1
        )

    def known(self, run: str) -> bool:
        """Whether a run of letters is a word (in any case)."""
        word = run.lower()
        return word in self._own or word in english()

    def rare(self, run: str) -> bool:
        """A word only English's list knows, and uses seldom."""
        word = run.lower()
        return word not in self._own and english().get(word, RARE_COUNT) < RARE_COUNT
