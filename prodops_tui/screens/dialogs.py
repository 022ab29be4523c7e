"""Small typed modals: pick a priority, confirm something that cannot be undone, type a line
of text, pick one of a few options."""

from collections.abc import Callable, Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
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


DIALOG_CSS = """
& { align: center middle; }
& > Vertical {
    width: 70;
    max-width: 100%;
    height: auto;
    max-height: 100%;
    padding: 0 1;
    border: round $primary;
    background: $surface;
}
& OptionList { height: auto; max-height: 14; border: none; padding: 0; }
& .-error { color: $text-error; }
& .-hint { color: $text-muted; }
"""
"""The shared look of the small modals (wrap it in the dialog's own selector)."""

Check = Callable[[str], str | None]
"""Validates what was typed: None if fine, else the one-line reason shown in the dialog."""


class TextDialog(ModalScreen[str | None]):
    """Ask for one line of text; Enter accepts unless `check` objects, Escape cancels."""

    DEFAULT_CSS = "TextDialog {" + DIALOG_CSS + "}"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="dialog.cancel"),
    ]

    def __init__(
        self, title: Content, placeholder: str, *, value: str = "", check: Check | None = None
    ) -> None:
        super().__init__()
        self.title_content = title
        self.placeholder = placeholder
        self.value = value
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_content)
            yield Input(self.value, placeholder=self.placeholder, id="text-value")
            yield Label("Enter accepts, Escape cancels", classes="-hint", id="text-note")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def accept(self, event: Input.Submitted) -> None:
        event.stop()
        problem = self.check(event.value) if self.check else None
        if problem:
            note = self.query_one("#text-note", Label)
            note.update(Content(problem))
            note.set_classes("-error")
            return
        self.dismiss(event.value)


class PickDialog(ModalScreen[str | None]):
    """Pick one of a few options (id, label); Escape cancels."""

    DEFAULT_CSS = "PickDialog {" + DIALOG_CSS + "}"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="dialog.cancel"),
    ]

    def __init__(self, title: Content, options: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self.title_content = title
        self.options = options

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_content)
            yield OptionList(*(Option(safe_text(label), id=key) for key, label in self.options))

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def choose(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
