"""The one exception users see: a one-line message that says what is wrong."""


class HandbookError(Exception):
    """A problem with the input or the environment, explained in one line.

    The CLI prints it as `Error: <message>` and exits non-zero; anything else
    escaping a command is a bug.
    """
