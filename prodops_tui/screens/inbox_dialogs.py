"""The Inbox's small modals: confirm a preview, type a line, pick one of a few, draft an issue.

Every remote string shown here goes through safe_text; Escape always cancels and changes nothing.
"""

from collections.abc import Sequence
from typing import ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from prodops_tui.widgets.safe_text import safe_text

T = TypeVar("T")


class InboxDialog(ModalScreen[T]):
    """A centred box; Escape dismisses it with None."""

    CSS_PATH = "inbox_dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="dialog.cancel"),
    ]


class ConfirmDialog(InboxDialog[bool]):
    """Lines to read (a preview of every change, an import report); Enter does it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,y", "dismiss(True)", "Apply", id="dialog.confirm"),
    ]

    def __init__(self, title: str, lines: Sequence[Content], action: str = "apply") -> None:
        super().__init__()
        self.title_text = title
        self.lines = list(lines)
        self.action_name = action

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -wide"):
            yield Label(safe_text(self.title_text).stylize("bold"))
            with VerticalScroll(id="dialog-lines"):
                yield Static(Content("\n").join(self.lines))
            hint = f"Enter {self.action_name} · Escape cancel"
            yield Label(Content(hint).stylize("$text-muted"))

    def on_mount(self) -> None:
        self.query_one("#dialog-lines").focus()


class TextDialog(InboxDialog[str]):
    """One line of text (tags, a date, a path); Enter submits it."""

    def __init__(self, title: str, hint: str, value: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.hint = hint
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(safe_text(self.title_text).stylize("bold"))
            yield Input(self.value, placeholder=self.hint, compact=True)
            yield Label(Content(self.hint).stylize("$text-muted"))

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)


class ChoiceDialog(InboxDialog[str]):
    """Pick one of a few named options (a view, a kind)."""

    def __init__(self, title: str, options: Sequence[tuple[str, str]], current: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.options = list(options)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(safe_text(self.title_text).stylize("bold"))
            yield OptionList(*(Option(Content(label), id=key) for key, label in self.options))

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        keys = [key for key, _ in self.options]
        if self.current in keys:
            options.highlighted = keys.index(self.current)
        options.focus()

    @on(OptionList.OptionSelected)
    def choose(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)


class NewIssueDialog(InboxDialog[tuple[str, str, str]]):
    """Project, summary and description of a new Jira issue, prefilled; ctrl+s creates it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "create", "Create", id="dialog.create"),
    ]

    def __init__(self, project: str, summary: str, description: str) -> None:
        super().__init__()
        self.draft = (project, summary, description)

    def compose(self) -> ComposeResult:
        project, summary, description = self.draft
        with Vertical(classes="dialog -wide"):
            yield Label(Content("New Jira issue from this feedback").stylize("bold"))
            yield Input(project, placeholder="Project key", id="issue-project", compact=True)
            yield Input(summary, placeholder="Summary", id="issue-summary", compact=True)
            yield TextArea(description, id="issue-description", soft_wrap=True)
            hint = "ctrl+s create and link · Tab next field · Escape cancel"
            yield Label(Content(hint).stylize("$text-muted"))

    def on_mount(self) -> None:
        self.query_one("#issue-summary", Input).focus()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_create()

    def action_create(self) -> None:
        project = self.query_one("#issue-project", Input).value.strip()
        summary = self.query_one("#issue-summary", Input).value.strip()
        if not project or not summary:
            self.notify("A project key and a summary are needed", severity="warning")
            return
        self.dismiss((project, summary, self.query_one(TextArea).text))
