"""Triage dialogs: a fuzzy picker (duplicate-of, assignee), the preview of a batch, the score
inputs and the score's breakdown."""

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from prodops_tui.screens.dialogs import DIALOG_CSS
from prodops_tui.widgets.safe_text import safe_text, safe_value

if TYPE_CHECKING:
    from prodops_tui.services.scoring import Breakdown
    from prodops_tui.services.triage_plan import Change

Search = Callable[[str], list[tuple[str, str]]]
"""Typed text -> the best (id, label) matches; runs in a worker thread."""
SCORE_FIELDS = (
    ("reach", "Reach (people per quarter)"),
    ("impact", "Impact (0.25, 0.5, 1, 2 or 3)"),
    ("confidence", "Confidence (0 to 1, or 80%)"),
    ("effort", "Effort (points)"),
)


class FuzzyPickDialog(ModalScreen[str | None]):
    """Type to narrow a long list; Enter takes the highlighted match, Escape cancels."""

    DEFAULT_CSS = "FuzzyPickDialog {" + DIALOG_CSS + "}"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="dialog.cancel"),
        Binding("down", "move(1)", "Next", show=False, id="pick.down"),
        Binding("up", "move(-1)", "Previous", show=False, id="pick.up"),
    ]

    def __init__(self, title: Content, search: Search, placeholder: str = "Type to search") -> None:
        super().__init__()
        self.title_content = title
        self.search = search
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_content)
            yield Input(placeholder=self.placeholder, id="pick-text")
            yield OptionList(id="pick-list")
            yield Label("↑↓ choose · Enter takes it · Escape cancels", classes="-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.find("")

    @on(Input.Changed)
    def typed(self, event: Input.Changed) -> None:
        self.find(event.value)

    @work(thread=True, exclusive=True, group="pick")
    def find(self, text: str) -> None:
        found = self.search(text)
        self.app.call_from_thread(self._show, text, found)

    def _show(self, text: str, found: list[tuple[str, str]]) -> None:
        if text != self.query_one(Input).value:
            return
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(safe_text(label), id=key) for key, label in found])
        options.highlighted = 0 if found else None

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            now = options.highlighted or 0
            options.highlighted = max(0, min(options.option_count - 1, now + step))

    @on(Input.Submitted)
    def take(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected)
    def choose(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


def change_line(change: "Change") -> Content:
    """`API-7  priority  Medium -> High` with every value shown literally."""
    return Content.assemble(
        safe_text(change.key).stylize("bold"),
        "  ",
        (change.field, "$text-muted"),
        "  ",
        safe_value(_shown(change.old)),
        " → ",
        safe_value(_shown(change.new)).stylize("$text-success"),
    )


def _shown(value: Any) -> Any:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return "—" if value in (None, "") else value


class PreviewDialog(ModalScreen[bool]):
    """Every change a batch would make; Enter applies them all, Escape changes nothing."""

    DEFAULT_CSS = (
        "PreviewDialog {" + DIALOG_CSS + "& VerticalScroll { height: auto; max-height: 14; } }"
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "dismiss(True)", "Apply all", id="preview.apply"),
        Binding("escape", "dismiss(False)", "Cancel", id="preview.cancel"),
    ]

    def __init__(self, title: str, changes: Sequence["Change"]) -> None:
        super().__init__()
        self.title_text = title
        self.changes = changes

    def compose(self) -> ComposeResult:
        issues = len({c.key for c in self.changes})
        with Vertical() as box:
            box.border_title = self.title_text
            yield Label(f"{len(self.changes)} change(s) to {issues} issue(s):")
            with VerticalScroll(id="preview-lines"):
                yield Static(Content("\n").join(change_line(c) for c in self.changes))
            yield Label("Enter applies all in one batch · Escape cancels", classes="-hint")


def parse_score(values: dict[str, str]) -> tuple[dict[str, float | None], str]:
    """The typed score inputs (blank clears one), or the first problem as one line."""
    parsed: dict[str, float | None] = {}
    for name, text in values.items():
        text = text.strip()
        if not text:
            parsed[name] = None
            continue
        percent = text.endswith("%")
        try:
            number = float(text.rstrip("%").replace(",", ""))
        except ValueError:
            return {}, f"{name}: {text!r} is not a number"
        parsed[name] = number / 100 if percent else number
    return parsed, ""


class ScoreDialog(ModalScreen[dict[str, float | None] | None]):
    """Type in reach, impact, confidence and effort; a blank input goes back to derived."""

    DEFAULT_CSS = "ScoreDialog {" + DIALOG_CSS + "}"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="dialog.cancel"),
    ]

    def __init__(self, key: str, current: dict[str, Any]) -> None:
        super().__init__()
        self.key = key
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content.assemble("Score inputs of ", safe_text(self.key)))
            for name, label in SCORE_FIELDS:
                value = self.current.get(name)
                yield Input("" if value is None else f"{value:g}", placeholder=label, id=name)
            yield Label("Blank = derived · Enter saves · Escape cancels", classes="-hint", id="n")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def save(self, event: Input.Submitted) -> None:
        event.stop()
        typed = {name: self.query_one(f"#{name}", Input).value for name, _ in SCORE_FIELDS}
        parsed, problem = parse_score(typed)
        if problem:
            note = self.query_one("#n", Label)
            note.update(Content(problem))
            note.set_classes("-error")
            return
        self.dismiss(parsed)


def breakdown_text(key: str, found: "Breakdown") -> Content:
    """The score, its model and each input with where it came from."""
    score = "no score" if found.score is None else f"{found.score:g}"
    lines = [Content.assemble(safe_text(key).stylize("bold"), f"  {found.model}: {score}")]
    if found.why_none:
        lines.append(Content(found.why_none).stylize("$text-warning"))
    for part in found.parts:
        value = "—" if part.value is None else f"{part.value:g}"
        lines.append(
            Content.assemble(
                (f"{part.name:<11}", "$text-muted"), f"{value:>9}  ", safe_text(part.source)
            )
        )
    return Content("\n").join(lines)


class BreakdownDialog(ModalScreen[None]):
    """Where the highlighted issue's score comes from."""

    DEFAULT_CSS = "BreakdownDialog {" + DIALOG_CSS + "}"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,b,enter", "dismiss(None)", "Close", id="dialog.close"),
    ]

    def __init__(self, text: Content) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Score breakdown"
            yield Static(self.text)
