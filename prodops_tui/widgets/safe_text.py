"""The only path for remote strings into the UI: literal text, no markup or control codes."""

from textual.content import Content

from prodops_tui.services.clean import clean


def safe_text(remote: str) -> Content:
    """A remote string as literal text: no markup, control codes or bidi overrides."""
    return Content(clean(remote))


def safe_value(value: object) -> Content:
    """Any cached value as literal text; None becomes empty."""
    if value is None:
        return Content("")
    return safe_text(value if isinstance(value, str) else str(value))


def safe_markdown(remote: str) -> str:
    """Remote Markdown source without control codes or bidi overrides, for the Markdown widget.

    The widget never parses Textual markup; its links post `Markdown.LinkClicked`, which the
    detail pane handles itself (web links only).
    """
    return clean(remote)
