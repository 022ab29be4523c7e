"""Linking feedback to an issue: a picker ranked by similarity, then importance and a quote."""

import re
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from prodops_tui.screens.inbox_dialogs import InboxDialog
from prodops_tui.widgets.safe_text import safe_text

if TYPE_CHECKING:
    from prodops_tui.services.similarity import IssueIndex, Suggestion

IMPORTANCE = {1: "+1 nice-to-have", 2: "+2 important", 3: "+3 blocker"}
NO_QUOTE = "no-quote"
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
SHOWN = 20


def sentences(text: str) -> list[str]:
    """The text's sentences and lines, trimmed, as quote candidates."""
    found = (part.strip() for part in _SENTENCE.split(text))
    return list(dict.fromkeys(part for part in found if len(part) >= 3))


def suggestion_label(item: "Suggestion") -> Content:
    return Content.assemble(
        safe_text(item.key).truncate(10, pad=True).stylize("$text-accent"),
        (f" {item.score:4.2f} ", "$text-muted"),
        safe_text(item.title),
    )


class LinkDialog(InboxDialog["Suggestion"]):
    """Issues ranked by similarity to the feedback; typing narrows them by word or key."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", "Next", show=False, id="link.down"),
        Binding("up", "move(-1)", "Previous", show=False, id="link.up"),
    ]

    def __init__(self, index: "IssueIndex", text: str) -> None:
        super().__init__()
        self.index = index
        self.text = text
        self.found: list[Suggestion] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -wide"):
            yield Label(Content("Link to an issue").stylize("bold"))
            yield Input(placeholder="Type to narrow: words or a key", compact=True)
            yield OptionList(id="link-results")
            hint = "Enter choose · ↑↓ move · Escape cancel"
            yield Label(Content(hint).stylize("$text-muted"))

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.search("")

    @on(Input.Changed)
    def typed(self, event: Input.Changed) -> None:
        self.search(event.value)

    @work(thread=True, exclusive=True, group="link-search")
    def search(self, typed: str) -> None:
        found = self.index.rank(self.text, SHOWN, typed=typed)
        self.app.call_from_thread(self._show, typed, found)

    def _show(self, typed: str, found: "list[Suggestion]") -> None:
        if typed != self.query_one(Input).value:
            return
        self.found = found
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(suggestion_label(s), id=s.id) for s in found])
        if found:
            options.highlighted = 0

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            current = options.highlighted or 0
            options.highlighted = max(0, min(options.option_count - 1, current + step))

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        event.stop()
        highlighted = self.query_one(OptionList).highlighted
        if highlighted is not None and highlighted < len(self.found):
            self.dismiss(self.found[highlighted])

    @on(OptionList.OptionSelected)
    def choose(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.found[event.option_index])


class QuoteDialog(InboxDialog[tuple[int, str]]):
    """How much it matters (1, 2, 3) and, optionally, the sentence that says so."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "importance(1)", "+1", id="link.importance1"),
        Binding("2", "importance(2)", "+2", id="link.importance2"),
        Binding("3", "importance(3)", "+3", id="link.importance3"),
    ]

    def __init__(self, key: str, title: str, text: str, importance: int = 1) -> None:
        super().__init__()
        self.heading = Content.assemble("Link to ", safe_text(key).stylize("bold"), " ")
        self.heading += safe_text(title)
        self.quotes = sentences(text)
        self.importance = importance

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -wide"):
            yield Label(self.heading.truncate(96, ellipsis=True))
            yield Label("", id="link-importance")
            options = [Option(Content("(no quote)"), id=NO_QUOTE)]
            options += [Option(safe_text(q), id=f"q{n}") for n, q in enumerate(self.quotes)]
            yield OptionList(*options)
            hint = "1/2/3 importance · ↑↓ pick a quote · Enter link · Escape cancel"
            yield Label(Content(hint).stylize("$text-muted"))

    def on_mount(self) -> None:
        self.action_importance(self.importance)
        self.query_one(OptionList).focus()

    def action_importance(self, level: int) -> None:
        self.importance = level
        shown = "   ".join(
            f"[{name}]" if n == level else f" {name} " for n, name in IMPORTANCE.items()
        )
        self.query_one("#link-importance", Label).update(Content(f"Importance {shown}"))

    @on(OptionList.OptionSelected)
    def choose(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = event.option_index - 1
        self.dismiss((self.importance, self.quotes[index] if index >= 0 else ""))
