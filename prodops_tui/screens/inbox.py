"""Inbox: feedback to take to zero. Link it to an issue (`l`, or `a` for the suggestion), make a
new issue (`n`), tag (`t`), mark processed (`d`), archive (`x`), snooze (`h`); `space` marks
rows for one action on all of them after a preview. Writes are local and queued (offline-safe).
"""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Static

from prodops_tui.models.enums import FeedbackState
from prodops_tui.screens.inbox_actions import InboxActions
from prodops_tui.screens.inbox_dialogs import ChoiceDialog, TextDialog
from prodops_tui.screens.inbox_reading import DETAIL, render_feedback, render_reading
from prodops_tui.screens.list_screen import ListSpec
from prodops_tui.store.errors import StoreError
from prodops_tui.store.reads import ListQuery
from prodops_tui.widgets.columns import DAY_WIDTH, ColumnSpec, count, day, money, number
from prodops_tui.widgets.workspace import Workspace

if TYPE_CHECKING:
    from prodops_tui.services.feedback_thread import Reading

COLUMNS = (
    ColumnSpec("kind", "Kind", 6),
    ColumnSpec("subject", "Subject", 24, flex=True),
    ColumnSpec("requester", "Requester", 14, drop=1),
    ColumnSpec("org_name", "Org", 14, drop=2),
    ColumnSpec("org_tier", "Tier", 10, drop=4),
    ColumnSpec("org_arr", "ARR", 9, align="right", formatter=money, drop=3),
    ColumnSpec("channel", "Channel", 7, drop=8),
    ColumnSpec("tags", "Tags", 12, drop=7),
    ColumnSpec("score", "Score", 5, align="right", formatter=number, drop=6),
    ColumnSpec("state", "State", 9, drop=9),
    ColumnSpec("linked_issues", "Links", 5, align="right", formatter=count, drop=5),
    ColumnSpec("updated", "Updated", DAY_WIDTH, formatter=day),
)
VIEWS = (
    *((state.value, state.value.title()) for state in FeedbackState),
    ("all", "All feedback"),
    ("kind:ticket", "Tickets"),
    ("kind:csat", "CSAT ratings"),
    ("kind:nps", "NPS responses"),
    ("kind:import", "Imported rows"),
)


READ_DELAY = 0.08
"""Seconds the cursor rests on a row before its thread and suggestions are read."""


def view_filters(view: str) -> tuple[tuple[str, str], ...]:
    if view == "all":
        return ()
    if view.startswith("kind:"):
        return (("kind", view.removeprefix("kind:")),)
    return (("state", view),)


def snooze_date(text: str, today: date) -> datetime:
    """`+7d`, `+2w` or `YYYY-MM-DD` -> 08:00 UTC that day; ValueError for anything else."""
    value = text.strip().lower()
    if value.startswith("+") and value[-1:] in ("d", "w") and value[1:-1].isdigit():
        days = int(value[1:-1]) * (7 if value.endswith("w") else 1)
        return datetime.combine(today + timedelta(days=days), time(8), UTC)
    return datetime.combine(date.fromisoformat(value), time(8), UTC)


class InboxScreen(InboxActions):
    """New feedback first: tickets, CSAT and NPS responses with their org's tier and ARR."""

    CSS_PATH = "inbox.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "link", "Link", tooltip="Link to an issue as evidence", id="inbox.link"),
        Binding("d", "processed", "Done", tooltip="Mark processed", id="inbox.processed"),
        *(
            Binding(key, action, label, tooltip=tip, id=f"inbox.{action}", show=False)
            for key, action, label, tip in (
                ("x", "archive", "Archive", "Archive"),
                ("a", "accept", "Accept", "Link to the suggested issue"),
                ("n", "new_issue", "New issue", "Create a Jira issue, linked"),
                ("t", "tag", "Tag", "Add or remove tags/themes"),
                ("h", "snooze", "Snooze", "Snooze until a date"),
                ("space", "mark", "Mark", "Mark for a bulk action"),
                ("w", "view", "Which", "Show a state or kind (new, archived, NPS…)"),
                ("i", "import_csv", "Import", "Import feedback from CSV"),
                ("s", "trends", "Trends", "Themes, NPS, CSAT, top issues"),
            )
        ),
    ]

    def __init__(self, workspace: Workspace) -> None:
        mark = ColumnSpec("id", " ", 1, formatter=self.mark_cell, sortable=False)
        columns = (mark, *COLUMNS)
        query = ListQuery(
            "feedback", tuple(c.key for c in columns), filters=view_filters(FeedbackState.NEW)
        )
        super().__init__(
            workspace, ListSpec(query, columns, DETAIL, render_feedback, "new feedback")
        )
        self.view = FeedbackState.NEW.value
        self._rest: Timer | None = None
        self.reading: Reading | None = None

    def mark_cell(self, feedback_id: Any) -> Content:
        return Content("•").stylize("$text-accent") if feedback_id in self.marked else Content("")

    def on_mount(self) -> None:
        super().on_mount()
        self.detail.mount(Static("", id="inbox-reading"))
        self.set_timer(0.5, self.build_index)

    def follow_cursor(self, event: Any) -> None:
        super().follow_cursor(event)
        self.data_changed()

    def data_changed(self) -> None:
        """Read the highlighted item's thread and suggestions once the cursor rests."""
        if self._rest is not None:
            self._rest.stop()
        self._rest = self.set_timer(READ_DELAY, self._read_current)

    def _read_current(self) -> None:
        feedback_id = self.current_id()
        if feedback_id is not None:
            self.load_reading(feedback_id)

    @work(thread=True, group="reading")
    def load_reading(self, feedback_id: str, fetched: bool = False, problem: str = "") -> None:
        from prodops_tui.services.feedback_thread import reading, wants_thread
        from prodops_tui.services.similarity import duplicates

        activity = self.workspace.activity
        if activity is None:
            return
        try:
            item = reading(activity.store(), feedback_id)
            index = self.index
            issues = index.rank(item.text, 3) if index is not None else []
            idf = index.idf if index is not None else None
            twins = duplicates(activity.store(), feedback_id, item.text, idf, limit=3)
        except StoreError as error:
            self.app.call_from_thread(self.fail, error)
            return
        fetch = wants_thread(item) and not fetched
        note = "reading the thread from Zendesk…" if fetch else problem
        self.app.call_from_thread(self._show_reading, item, issues, twins, note)
        if fetch:
            self.app.call_from_thread(self.fetch_thread, feedback_id)

    def _show_reading(
        self, item: "Reading", issues: list[Any], twins: list[Any], note: str
    ) -> None:
        place = self.query("#inbox-reading")  # not there while mounting or taken down
        if item.id != self.current_id() or not place:
            return
        self.reading = item
        self.suggested = issues[0] if issues else None
        place.first(Static).update(render_reading(item, issues, twins, note))

    @work(group="thread")
    async def fetch_thread(self, feedback_id: str) -> None:
        from prodops_tui.services.background import Secrets
        from prodops_tui.services.feedback_thread import fetch_comments

        activity = self.workspace.activity
        assert activity is not None
        try:
            await fetch_comments(activity.store(), feedback_id, Secrets())
        except Exception as error:  # network, credentials, store: one line in the pane
            problem = str(error).splitlines()[0] if str(error) else type(error).__name__
            if feedback_id == self.current_id():
                self.load_reading(feedback_id, fetched=True, problem=f"No thread: {problem}")
            return
        if feedback_id == self.current_id():
            self.load_reading(feedback_id, fetched=True)

    def action_view(self) -> None:
        def chosen(view: str | None) -> None:
            if view is None:
                return
            self.view = view
            filters = view_filters(view)
            self.table.set_query(replace(self.table.wanted_query, filters=filters))
            self.status.noun = dict(VIEWS)[view].lower()

        self.app.push_screen(ChoiceDialog("View", VIEWS, self.view), chosen)

    def action_tag(self) -> None:
        def chosen(text: str | None) -> None:
            if text:
                words = text.replace(",", " ").split()
                add = tuple(w for w in words if not w.startswith("-"))
                remove = tuple(w[1:] for w in words if w.startswith("-") and len(w) > 1)
                self.act("tag", add=add, remove=remove)

        hint = "tags or themes, space separated; -tag removes one"
        self.when_editable(lambda: self.app.push_screen(TextDialog("Tag", hint), chosen))

    def action_snooze(self) -> None:
        def chosen(text: str | None) -> None:
            if not text:
                return
            try:
                until = snooze_date(text, self.workspace.today())
            except ValueError:
                self.notify("Snooze until YYYY-MM-DD, +Nd or +Nw", severity="warning")
                return
            self.act("snooze", until=until)

        dialog = TextDialog("Snooze until", "YYYY-MM-DD, +3d or +2w", "+7d")
        self.when_editable(lambda: self.app.push_screen(dialog, chosen))
