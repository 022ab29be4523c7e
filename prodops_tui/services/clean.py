"""Remote text made inert for any output: no control codes or bidi overrides."""

import re

UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""Control characters (tab and newline excepted) and the bidi embedding/override/isolate marks."""


def clean(remote: str) -> str:
    """The text with every unsafe character replaced by U+FFFD."""
    return UNSAFE.sub("\ufffd", remote)
