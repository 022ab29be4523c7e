"""ConflictsDialog: edits the service refused because the item changed there; re-apply or
discard each one (never a silent overwrite)."""

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

from prodops_tui.store.errors import StoreError
from prodops_tui.widgets.activity import DATA, Activity
from prodops_tui.widgets.safe_text import safe_text

if TYPE_CHECKING:
    from prodops_tui.services.edits import ConflictEdit


def describe(edit: "ConflictEdit") -> Content:
    """One conflict as literal text: key, op, our value, then the service's message."""
    return Content.assemble(
        safe_text(edit.key).stylize("bold"),
        f" {edit.op} → ",
        safe_text(edit.value),
        "\n  ",
        safe_text(edit.message).stylize("$text-muted"),
    )


class ConflictsDialog(ModalScreen[None]):
    """Every edit in conflict; `r` re-applies the highlighted one on the new remote version,
    `x` discards it."""

    DEFAULT_CSS = """
    ConflictsDialog {
        align: center middle;
        & > Vertical {
            width: 90%;
            max-width: 100;
            height: auto;
            max-height: 80%;
            padding: 0 1;
            border: round $error;
            background: $surface;
        }
        & OptionList { height: auto; max-height: 20; border: none; padding: 0; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "resolve('reapply')", "Re-apply", id="conflicts.reapply"),
        Binding("x", "resolve('discard')", "Discard", id="conflicts.discard"),
        Binding("escape", "dismiss(None)", "Close", id="conflicts.close"),
    ]

    def __init__(self, activity: Activity) -> None:
        super().__init__()
        self.activity = activity

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Conflicts: loading…", id="conflicts-title")
            yield OptionList()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.load()

    @work(thread=True, exclusive=True, group="conflicts")
    def load(self) -> None:
        from prodops_tui.services.edits import conflicts

        try:
            found = conflicts(self.activity.store())
        except StoreError as error:
            self.app.call_from_thread(self._fail, error)
            return
        self.app.call_from_thread(self._show, found)

    def _show(self, found: "list[ConflictEdit]") -> None:
        title = f"Conflicts: {len(found)}" if found else "No conflicts"
        self.query_one("#conflicts-title", Label).update(Content(title))
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(describe(edit), id=edit.id) for edit in found])
        if found:
            options.highlighted = 0

    def _fail(self, error: Exception) -> None:
        self.notify(safe_text(str(error)).plain, severity="error", markup=False)

    def action_resolve(self, action: str) -> None:
        if self.activity.read_only:
            self.notify("Read-only workspace: edits are off", severity="warning")
            return
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return
        edit_id = options.get_option_at_index(options.highlighted).id
        if edit_id is not None:
            self.resolve(edit_id, action)

    @work(thread=True, group="conflicts-resolve")
    def resolve(self, edit_id: str, action: str) -> None:
        """Resolve the edit; a discard then re-reads its item from the service."""
        import asyncio

        from prodops_tui.services.background import restore_discarded
        from prodops_tui.services.push import resolve_conflict

        store = self.activity.store()
        try:
            resolve_conflict(store, edit_id, "reapply" if action == "reapply" else "discard")
            problems = asyncio.run(restore_discarded(store)) if action == "discard" else []
        except StoreError as error:
            self.app.call_from_thread(self._fail, error)
            return
        self.app.call_from_thread(self._resolved, action, problems)

    def _resolved(self, action: str, problems: list[str]) -> None:
        if action == "reapply":
            self.notify("Edit re-applied: it goes out with the next push")
        elif problems:
            line = (
                f"Edit discarded; the service's value comes back with the next push: {problems[0]}"
            )
            self.notify(safe_text(line).plain, severity="warning", markup=False)
        else:
            self.notify("Edit discarded: the service's value is shown again")
        self.activity.changed.publish(DATA)
        self.load()
