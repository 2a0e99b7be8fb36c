"""The one exception users see: a one-line message that says what is wrong."""

from __future__ import annotations

# What would override a refusal, in the library's own terms; the CLI names the option for it
# (pipeline.cli.REMEDIES), so no library message speaks of command-line flags.
FORCE = "force"  # replace an output folder that holds something else
ONE_BOOK = "one-book"  # name the one book that a trial run's files belong to
ALLOW_DROPPED = "allow-dropped"  # accept that questions are gone from the snapshot
OUTPUT_FOLDER = "output-folder"  # name a folder for the output of a file that is no book's


class HandbookError(Exception):
    """A problem with the input or the environment, explained in one line.

    `remedy` (FORCE, ONE_BOOK, ALLOW_DROPPED, OUTPUT_FOLDER) says what the caller could ask for instead.
    The CLI prints it as `Error: <message>` and exits non-zero; anything else
    escaping a command is a bug.
    """

    def __init__(self, message: str, *, remedy: str | None = None) -> None:
        super().__init__(message)
        self.remedy = remedy
