"""HelpScreen: the keys of the screen underneath, read from its live bindings."""

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

LONG = 28
"""More keys than this go in two columns (on a wide terminal)."""


@dataclass(frozen=True)
class KeyHelp:
    """One action and every key bound to it."""

    keys: str
    description: str
    binding_id: str


class HelpScreen(ModalScreen[None]):
    """A list of the keys that work where you are, with their ids for the keymap."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss", "Close", id="help.close"),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    """Wide terminals show long key lists in two columns, so all of them fit on one screen."""
    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        & #help-columns { height: auto; }
        & #help-columns > Static { width: 1fr; }
        &.-narrow #help-columns { layout: vertical; }
        &.-wide.-long > VerticalScroll { width: 116; }
        & > VerticalScroll {
            width: 72;
            max-width: 100%;
            height: auto;
            max-height: 90%;
            padding: 0 1;
            border: round $primary;
            border-title-color: $text-primary;
            background: $panel;
        }
    }
    """

    def __init__(self, title: str, keys: list[KeyHelp]) -> None:
        super().__init__()
        self.title_text = title
        self.keys = keys

    def compose(self) -> ComposeResult:
        width = max((len(k.keys) for k in self.keys), default=4) + 2
        lines = [
            Content.assemble(
                (k.keys.ljust(width), "bold $text-accent"),
                k.description.ljust(24),
                (k.binding_id, "$text-muted"),
            )
            for k in self.keys
        ]
        scroll = VerticalScroll()
        scroll.border_title = f"Keys: {self.title_text}"
        scroll.can_focus = False
        half = (len(lines) + 1) // 2 if len(lines) > LONG else len(lines)
        self.set_class(len(lines) > LONG, "-long")
        with scroll, Horizontal(id="help-columns"):
            yield Static(Content("\n").join(lines[:half]))
            if lines[half:]:
                yield Static(Content("\n").join(lines[half:]))
