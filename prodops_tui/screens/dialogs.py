"""Small typed modals: pick a priority, confirm something that cannot be undone."""

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from prodops_tui.models.enums import JIRA_PRIORITIES as PRIORITIES
from prodops_tui.widgets.safe_text import safe_text


class PriorityDialog(ModalScreen[str | None]):
    """Choose a Jira priority for one issue; Escape leaves it as it is."""

    DEFAULT_CSS = """
    PriorityDialog {
        align: center middle;
        & > Vertical {
            width: 36;
            height: auto;
            padding: 0 1;
            border: round $primary;
            background: $surface;
        }
        & OptionList { height: auto; border: none; padding: 0; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="dialog.cancel"),
    ]

    def __init__(self, key: str, current: str) -> None:
        super().__init__()
        self.key = key
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content.assemble("Priority of ", safe_text(self.key)))
            yield OptionList(*(Option(Content(name), id=name) for name in PRIORITIES))

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.current in PRIORITIES:
            options.highlighted = PRIORITIES.index(self.current)
        options.focus()

    @on(OptionList.OptionSelected)
    def choose(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class ConfirmDialog(ModalScreen[bool]):
    """Ask before something that cannot be undone from the keyboard: y or Enter goes ahead,
    n or Escape keeps things as they are."""

    DEFAULT_CSS = """
    ConfirmDialog {
        align: center middle;
        & > Vertical {
            width: 60;
            max-width: 100%;
            height: auto;
            padding: 0 1;
            border: round $error;
            background: $surface;
        }
        & Label { width: 1fr; }
        & .confirm-hint { color: $text-muted; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "dismiss(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "dismiss(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: Content, detail: Content | None = None) -> None:
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question.stylize("bold"))
            if self.detail is not None:
                yield Label(self.detail)
            yield Label("y / Enter: yes · n / Escape: no", classes="confirm-hint")
