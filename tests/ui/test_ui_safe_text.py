"""safe_text: remote strings become literal text without control codes (RELIABILITY.md §1.3)."""

from textual.content import Content

from prodops_tui.widgets.safe_text import safe_text, safe_value


def test_markup_stays_literal() -> None:
    text = safe_text("[@click=app.quit]x[/] [b]bold")
    assert isinstance(text, Content)
    assert text.plain == "[@click=app.quit]x[/] [b]bold"
    assert not text.spans


def test_escapes_c1_and_bidi_are_replaced_but_tabs_and_newlines_kept() -> None:
    text = safe_text("a\x1b]52;c;SGVsbG8=\x07b\x9dc\u202ed\x7fe\tf\ng")
    assert text.plain == "a\ufffd]52;c;SGVsbG8=\ufffdb\ufffdc\ufffdd\ufffde\tf\ng"


def test_values_of_any_type() -> None:
    assert safe_value(None).plain == ""
    assert safe_value(3.5).plain == "3.5"
