"""Saved-view dialogs: pick a view to switch to (or delete one), and name the current view."""

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from prodops_tui.services.view_spec import NAME_LIMIT, SavedView, sort_text
from prodops_tui.widgets.safe_text import safe_text

if TYPE_CHECKING:
    from prodops_tui.screens.list_screen import ListScreen
    from prodops_tui.store.store import Store

T = TypeVar("T")

DIALOG_CSS = """
{name} {{
    align: center middle;
    & > Vertical {{
        width: 72;
        max-width: 100%;
        height: auto;
        max-height: 90%;
        padding: 0 1;
        border: round $primary;
        background: $surface;
    }}
    & OptionList {{ height: auto; max-height: 14; border: none; padding: 0; }}
    & Input {{ border: none; height: 1; padding: 0 1; background: $boost; }}
    & .hint {{ color: $text-muted; }}
    & .error {{ color: $text-error; }}
}}
"""


def describe(view: SavedView) -> Content:
    """One line: the query, then the sort and the number of columns."""
    extras = [f"sort {sort_text(view.sort)}"] if view.sort else []
    extras += [f"{len(view.columns)} columns"] if view.columns else []
    query = safe_text(view.query or "(every row)")
    return Content.assemble(query, (f"  {' · '.join(extras)}", "$text-muted"))


class ViewsDialog(ModalScreen[SavedView | None]):
    """The screen's saved views: Enter switches to one, `x` deletes it, Escape closes."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ViewsDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Close", id="views.close"),
        Binding("x,delete", "delete", "Delete view", id="views.delete"),
    ]

    def __init__(self, views: list[SavedView], delete: Callable[[SavedView], None]) -> None:
        super().__init__()
        self.views = {view.name: view for view in views}
        self.delete = delete

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Saved views: Enter switch · x delete · Esc close", classes="hint")
            yield OptionList(*(self._option(view) for view in self.views.values()))
            yield Label("No saved views yet: V saves the current one", id="views-empty")

    def _option(self, view: SavedView) -> Option:
        name = safe_text(view.name).stylize("bold")
        return Option(Content.assemble(name, "  ", describe(view)), id=view.name)

    def on_mount(self) -> None:
        self._show_empty()
        self.query_one(OptionList).focus()

    def _show_empty(self) -> None:
        self.query_one("#views-empty").display = not self.views

    @on(OptionList.OptionSelected)
    def choose(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.views.get(str(event.option.id)))

    def action_delete(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return
        option = options.get_option_at_index(options.highlighted)
        view = self.views.pop(str(option.id))
        options.remove_option(str(option.id))
        self._show_empty()
        self.delete(view)


class SaveViewDialog(ModalScreen[str | None]):
    """Name the current query, sort and columns; Enter saves (a taken name is replaced)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="SaveViewDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="views.cancel"),
    ]

    def __init__(self, view: SavedView, taken: set[str]) -> None:
        super().__init__()
        self.view = view
        self.taken = taken

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Save this view as (Enter save · Esc cancel)", classes="hint")
            yield Input(self.view.name, placeholder="View name", max_length=NAME_LIMIT)
            yield Label(describe(self.view))
            yield Label("", id="view-problem", classes="error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Changed)
    def warn_taken(self, event: Input.Changed) -> None:
        taken = " ".join(event.value.split()) in self.taken
        self._problem("a view of this name exists: Enter replaces it" if taken else "")

    @on(Input.Submitted)
    def save(self, event: Input.Submitted) -> None:
        name = " ".join(event.value.split())
        if not name:
            self._problem("a view needs a name")
            return
        self.dismiss(name)

    def _problem(self, text: str) -> None:
        self.query_one("#view-problem", Label).update(Content(text))


class ViewKeeper:
    """A list screen's saved views: read, saved and deleted in workers, errors in one line."""

    def __init__(self, screen: "ListScreen") -> None:
        self.screen = screen
        self.name = ""
        """The view switched to last: saving offers its name."""

    def load(self, saving: bool) -> None:
        """Read the screen's views, then show the picker (or the save dialog)."""
        self._run(partial(self._load, saving))

    def delete(self, view: SavedView) -> None:
        self._run(partial(self._delete, view))

    def _run(self, job: Callable[[], None]) -> None:
        self.screen.run_worker(job, thread=True, group="views")

    def _load(self, saving: bool) -> None:
        from prodops_tui.services.saved_views import list_views

        views = self._call(lambda store: list_views(store, self.screen.view_screen))
        if views is not None:
            self.screen.app.call_from_thread(self._ask_name if saving else self._pick, views)

    def _pick(self, views: list[SavedView]) -> None:
        self.screen.app.push_screen(ViewsDialog(views, self.delete), self.screen.open_view)

    def _ask_name(self, views: list[SavedView]) -> None:
        view = self.screen.current_view(self.name)

        def named(name: str | None) -> None:
            if name:
                self._run(partial(self._save, replace(view, name=name)))

        self.screen.app.push_screen(SaveViewDialog(view, {v.name for v in views}), named)

    def _save(self, view: SavedView) -> None:
        from prodops_tui.services.saved_views import save_view

        now = self.screen.workspace.clock()
        replaced = self._call(lambda store: save_view(store, view, now))
        if replaced is not None:
            self.name = view.name
            self._tell(f"{'Replaced' if replaced else 'Saved'} view {view.name}")

    def _delete(self, view: SavedView) -> None:
        from prodops_tui.services.saved_views import delete_view

        deleted = self._call(lambda store: delete_view(store, view.screen, view.name))
        if deleted is not None:
            self._tell(f"Deleted view {view.name}" if deleted else f"No view {view.name}")

    def _call(self, action: "Callable[[Store], T]") -> "T | None":
        """The action's result on the workspace store, or None after telling what went wrong."""
        from prodops_tui.store.errors import StoreError

        activity = self.screen.workspace.activity
        if activity is None:
            self._tell("Saved views need the workspace store", "warning")
            return None
        try:
            return action(activity.store())
        except (StoreError, ValueError) as error:
            self._tell(str(error), "error")
            return None

    def _tell(self, text: str, severity: SeverityLevel = "information") -> None:
        line = safe_text(text).plain
        self.screen.app.call_from_thread(self.screen.notify, line, severity=severity, markup=False)
