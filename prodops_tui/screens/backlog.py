"""Backlog: the cached Jira issues, newest first, with the selected issue's description; `p`
changes an issue's priority (saved locally, queued for Jira)."""

from contextlib import suppress
from typing import Any, ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.content import Content

from prodops_tui.screens.dialogs import PriorityDialog
from prodops_tui.screens.list_screen import ListScreen, ListSpec
from prodops_tui.store.errors import StoreError
from prodops_tui.store.reads import ListQuery, Row
from prodops_tui.widgets.activity import DATA
from prodops_tui.widgets.columns import (
    ALERT,
    DIM,
    MINUTE_WIDTH,
    WARN,
    ColumnSpec,
    count,
    minute,
    number,
)
from prodops_tui.widgets.detail_pane import Detail
from prodops_tui.widgets.safe_text import safe_text, safe_value
from prodops_tui.widgets.workspace import Workspace

COLUMNS = (
    ColumnSpec("key", "Key", 9),
    ColumnSpec("type", "Type", 7, drop=2),
    ColumnSpec("summary", "Summary", 20, flex=True),
    ColumnSpec("status", "Status", 11),
    ColumnSpec("priority", "Priority", 8),
    ColumnSpec("assignee", "Assignee", 12, drop=3),
    ColumnSpec("labels", "Labels", 12, drop=6),
    ColumnSpec("score", "Score", 5, align="right", formatter=number, drop=4),
    ColumnSpec("evidence_count", "Evid.", 5, align="right", formatter=count, drop=5),
    ColumnSpec("updated", "Updated", MINUTE_WIDTH, formatter=minute),
)
DETAIL = ListQuery(
    "issue",
    (
        "key",
        "summary",
        "type",
        "status",
        "priority",
        "assignee",
        "labels",
        "triage_state",
        "estimate",
        "score",
        "evidence_count",
        "description_md",
    ),
)


def render_issue(row: Row) -> Detail:
    """The issue's headline facts, then its description rendered as Markdown."""
    _, key, summary, kind, status, priority, assignee, labels, triage, estimate, score, ev, md = row
    facts = [
        ("Type", kind),
        ("Status", status),
        ("Priority", priority),
        ("Assignee", assignee),
        ("Labels", labels),
        ("Triage", triage),
        ("Estimate", estimate),
        ("Score", score),
        ("Evidence", ev),
    ]
    lines = [
        Content.assemble(
            safe_text(key).stylize("bold $text-accent"), " ", safe_text(summary).stylize("bold")
        )
    ]
    lines += [
        Content.assemble((f"{label:<9}", "$text-muted"), safe_value(value))
        for label, value in facts
        if value not in (None, "")
    ]
    return Detail(Content("\n").join(lines), md or "")


BADGE_STYLES = {"queued": WARN, "conflict": ALERT, "rejected": ALERT, "pushed": DIM}
BADGE_AFTER = 1 + [c.key for c in COLUMNS].index("priority")
KEY, PRIORITY, ID = 1, BADGE_AFTER, 1 + BADGE_AFTER
"""Positions in a table row (seq first) of the issue's key, priority and id (its badge)."""


class BacklogScreen(ListScreen):
    """Every cached issue, filterable by the full-text index, with its description beside it."""

    CSS_PATH = "backlog.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "p", "priority", "Priority", tooltip="Set the issue's priority", id="backlog.priority"
        ),
        Binding(
            "S",
            "session",
            "Session",
            tooltip="Triage session over this list",
            id="backlog.session",
            show=False,
        ),
    ]

    def __init__(self, workspace: Workspace) -> None:
        badge = ColumnSpec("id", "Sync", 8, formatter=self.badge_cell, sortable=False, drop=1)
        columns = (*COLUMNS[:BADGE_AFTER], badge, *COLUMNS[BADGE_AFTER:])
        query = ListQuery("issue", tuple(c.key for c in columns))
        super().__init__(workspace, ListSpec(query, columns, DETAIL, render_issue, "issues"))
        self.badges: dict[str, str] = {}
        self.seen: dict[str, int | None] = {}
        """Issue id -> its version when the member opened a decision on it."""
        """Issue id -> queued / pushed / conflict / rejected: its latest edit's state."""

    def badge_cell(self, issue_id: Any) -> Content:
        badge = self.badges.get(str(issue_id), "")
        return Content(badge).stylize(BADGE_STYLES[badge]) if badge else Content("")

    def on_mount(self) -> None:
        super().on_mount()
        # After the first rows are drawn: reading the outbox imports the write store.
        self.set_timer(0.5, self.load_badges)

    def data_changed(self) -> None:
        self.load_badges()

    @work(thread=True, exclusive=True, group="badges")
    def load_badges(self) -> None:
        activity = self.workspace.activity
        if activity is None:
            return
        from prodops_tui.services.edits import badges

        try:
            found = badges(activity.store())
        except StoreError as error:
            self.app.call_from_thread(
                self.notify, safe_text(str(error)).plain, severity="error", markup=False
            )
            return
        self.app.call_from_thread(self._show_badges, found)

    def _show_badges(self, found: dict[str, str]) -> None:
        if found != self.badges:
            self.badges = found
            self.table.reload(keep_cursor=True)

    def action_session(self) -> None:
        from prodops_tui.screens.session_start import offer_session

        offer_session(self, self.workspace, self.table)

    def action_priority(self) -> None:
        if self.workspace.read_only or self.workspace.activity is None:
            self.notify("Read-only workspace: edits are off", severity="warning")
            return
        row = self.table.row_at(self.table.cursor)
        if row is None:
            self.notify("No issue highlighted", severity="warning")
            return
        key, current, issue_id = str(row[KEY]), str(row[PRIORITY] or ""), str(row[ID])

        def chosen(name: str | None) -> None:
            if name and name != current:
                self.save_priority(issue_id, key, name, self.seen.pop(issue_id, None))

        self.note_version(issue_id)
        self.app.push_screen(PriorityDialog(key, current), chosen)

    @work(thread=True, group="seen")
    def note_version(self, issue_id: str) -> None:
        """The version the member decides on: changed meanwhile, the edit is not applied."""
        from prodops_tui.services.versions import item_version

        activity = self.workspace.activity
        assert activity is not None
        with suppress(StoreError):  # unchecked then; the save reports a real problem
            self.seen[issue_id] = item_version(activity.store(), "issue", issue_id)

    @work(thread=True, group="edit")
    def save_priority(self, issue_id: str, key: str, name: str, seen: int | None) -> None:
        """One write transaction: the issue, its decision and the outbox row (services.edits)."""
        from prodops_tui.services.edits import set_priority

        activity = self.workspace.activity
        assert activity is not None
        try:
            set_priority(activity.store(), issue_id, name, activity.actor, seen_version=seen)
        except StoreError as error:
            self.app.call_from_thread(
                self.notify, safe_text(str(error)).plain, severity="error", markup=False
            )
            self.app.call_from_thread(activity.changed.publish, DATA)  # show what it is now
            return
        note = safe_text(f"{key} priority {name}: queued for Jira").plain
        self.app.call_from_thread(self.notify, note, markup=False)
        self.app.call_from_thread(activity.changed.publish, DATA)
