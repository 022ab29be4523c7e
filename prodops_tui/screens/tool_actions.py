"""What the Tools screen's tool keys do: add, edit, retire, delete (after a yes) and export.
Store work runs in thread workers; each outcome is one notification."""

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.content import Content

from prodops_tui.screens.dialogs import ConfirmDialog
from prodops_tui.screens.health_panel import Shown
from prodops_tui.screens.tool_form import ToolForm
from prodops_tui.store.errors import StoreError
from prodops_tui.store.reads import Row
from prodops_tui.widgets.activity import DATA
from prodops_tui.widgets.safe_text import safe_text

if TYPE_CHECKING:
    from prodops_tui.screens.list_screen import ListScreen
    from prodops_tui.widgets.activity import Activity

    _Base = ListScreen
else:
    _Base = object

FORM_FIELDS = (
    *("name", "category", "owner", "status", "seats_bought", "seats_used"),
    *("monthly_cost", "renewal_date", "connection_id", "notes"),
)
"""The detail row's columns after `id`, as the form's field ids."""


def _field(value: Any) -> str:
    """A stored value as the form shows it: 1350.0 as 1350, None as empty."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def one_line(exc: BaseException) -> str:
    return safe_text(str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)).plain


class ToolActions(_Base):
    """Mixed into ToolsScreen (a ListScreen over DETAIL rows with `shown` and `current`)."""

    shown: dict[str, Shown]
    current: Row | None

    def say(self, line: str, severity: str = "information") -> None:
        self.notify(safe_text(line).plain, severity=severity, markup=False)  # type: ignore[arg-type]

    def _writable(self) -> "Activity | None":
        activity = self.workspace.activity
        if self.workspace.read_only or activity is None:
            self.say("Read-only workspace: edits, sync and sign-in are off", "warning")
            return None
        return activity

    def _tool(self) -> Row | None:
        """The highlighted tool's detail row (one small read when the pane is behind)."""
        row = self.table.row_at(self.table.cursor)
        if row is None:
            self.say("No tool highlighted", "warning")
            return None
        if self.current is not None and self.current[0] == row[0]:
            return self.current
        found = self.workspace.reader.rows(self.spec.detail_query, [row[0]])
        return found[0] if found else None

    def _changed(self, line: str, warnings: tuple[str, ...] = ()) -> None:
        self.say(line)
        for warning in warnings:
            self.say(warning, "warning")
        if self.workspace.activity is not None:
            self.workspace.activity.changed.publish(DATA)

    def action_add(self) -> None:
        if self._writable() is not None:
            self.app.push_screen(ToolForm("Add a tool", {"status": "active"}, self._submit))

    def action_edit(self) -> None:
        tool = self._tool() if self._writable() else None
        if tool is not None:
            values = {k: _field(v) for k, v in zip(FORM_FIELDS, tool[2:], strict=True)}
            title = f"Edit {tool[2]}"
            self.app.push_screen(ToolForm(title, values, partial(self._submit, str(tool[1]))))

    def _submit(self, *args: Any) -> str | None:
        """Save the form (thread): add when no tool id is given, else edit; an error line."""
        from prodops_tui.services.tools import add_tool, edit_tool

        *tool_id, values = args
        activity = self.workspace.activity
        assert activity is not None
        today = self.workspace.today()
        try:
            if tool_id:
                checked = edit_tool(activity.store(), tool_id[0], values, activity.actor, today)
            else:
                _, checked = add_tool(activity.store(), values, activity.actor, today)
        except StoreError as exc:
            return one_line(exc)
        verb = "Saved" if tool_id else "Added"
        self.app.call_from_thread(
            self._changed, f"{verb} {values.get('name', '')}", checked.warnings
        )
        return None

    def action_retire(self) -> None:
        tool = self._tool() if self._writable() else None
        if tool is not None:
            self.change(str(tool[1]), str(tool[2]), "retire")

    def action_delete(self) -> None:
        tool = self._tool() if self._writable() else None
        if tool is None:
            return
        question = Content.assemble("Delete ", safe_text(str(tool[2])), "?")
        detail = Content("The decision log keeps its last values; r retires it instead.")

        def answered(yes: bool | None) -> None:
            if yes:
                self.change(str(tool[1]), str(tool[2]), "delete")

        self.app.push_screen(ConfirmDialog(question, detail), answered)

    @work(thread=True, group="tool-edit")
    def change(self, tool_id: str, name: str, what: str) -> None:
        from prodops_tui.services.tools import delete_tool, retire_tool

        activity = self.workspace.activity
        assert activity is not None
        try:
            if what == "delete":
                delete_tool(activity.store(), tool_id, activity.actor)
                line = f"Deleted {name}: its last values are in the decision log"
            elif retire_tool(activity.store(), tool_id, activity.actor):
                line = f"Retired {name}; e edits the status back"
            else:
                line = f"{name} was already retired"
        except StoreError as exc:
            self.app.call_from_thread(self.say, one_line(exc), "error")
            return
        self.app.call_from_thread(self._changed, line)

    @work(thread=True, group="tool-export")
    def action_export(self) -> None:
        from prodops_tui.services.export import export

        activity = self.workspace.activity
        if activity is None:
            return
        path = Path.cwd() / f"tools-{self.workspace.today().isoformat()}.csv"
        try:
            with path.open("w", encoding="utf-8", newline="") as out:
                written = export(activity.store(), "tools", "csv", out)
        except (OSError, StoreError) as exc:
            self.app.call_from_thread(self.say, f"Export failed: {one_line(exc)}", "error")
            return
        self.app.call_from_thread(self.say, f"Wrote {written} tools to {path}")
