"""Backlog: the cached Jira issues, newest first, snoozed ones hidden until their day, with the
highlighted issue in full beside them. The triage keys decide about the highlighted issue, or
about the marked ones (space) after a preview; `u` undoes the last decision."""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.timer import Timer

from prodops_tui.screens.backlog_detail import DETAIL, render_context, render_issue
from prodops_tui.screens.list_screen import ListScreen, ListSpec
from prodops_tui.screens.triage_flow import Target, TriageFlow
from prodops_tui.store.errors import StoreError
from prodops_tui.store.reads import ListQuery, Row
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
from prodops_tui.widgets.detail_pane import DetailPane
from prodops_tui.widgets.safe_text import safe_text, safe_value
from prodops_tui.widgets.workspace import Workspace

if TYPE_CHECKING:
    from prodops_tui.services.triage_plan import Change

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
AWAKE = (("awake", "true"),)
"""The default queue: issues not snoozed, or whose snooze is over."""
BADGE_STYLES = {
    "queued": WARN,
    "conflict": ALERT,
    "rejected": ALERT,
    "deleted": ALERT,
    "pushed": DIM,
}
BADGE_AFTER = 1 + [c.key for c in COLUMNS].index("priority")
KEY, SUMMARY, PRIORITY, ID = 1, 3, BADGE_AFTER, 1 + BADGE_AFTER
LABELS = 2 + [c.key for c in COLUMNS].index("labels")
"""Positions in a table row (seq first) of the issue's key, summary, priority, id, labels."""
SETTLE = 1.5
"""Seconds without a decision before the list reloads for the changes it was told about."""
MARK = "●"


def _key(action: str, key: str, label: str, tip: str, show: bool = False) -> Binding:
    return Binding(key, action, label, tooltip=tip, id=f"backlog.{action.split('(')[0]}", show=show)


class BacklogScreen(ListScreen):
    """Every cached issue, filterable by the full-text index, with its description beside it."""

    CSS_PATH = "backlog.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        _key("triage('accept')", "1", "Accept", "Accept: move to the ready status"),
        _key("triage('duplicate')", "2", "Dup of", "Close as a duplicate of another issue"),
        _key("triage('decline')", "3", "Decline", "Decline with a reason (posted to Jira)"),
        _key("triage('snooze')", "h", "Snooze", "Hide from the queue until a date"),
        _key("triage('priority')", "p", "Priority", "Set the priority"),
        _key("triage('labels')", "l", "Labels", "Add or remove labels"),
        _key("triage('assignee')", "a", "Assign", "Assign to an assignable user"),
        _key("triage('transition')", "t", "Move", "Move along the workflow"),
        _key("triage('comment')", "c", "Comment", "Comment on the issue in Jira"),
        _key("triage('score')", "s", "Score in", "Type in reach, impact, confidence, effort"),
        _key("breakdown", "b", "Breakdown", "Where the score comes from"),
        _key("mark", "space", "Mark", "Mark the row for a batch"),
        _key("clear_marks", "M", "Unmark all", "Clear every mark"),
        _key("undo", "u", "Undo", "Undo your last decision"),
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
        key = ColumnSpec("key", "Key", 9, formatter=self.key_cell)
        badge = ColumnSpec("id", "Sync", 8, formatter=self.badge_cell, sortable=False, drop=1)
        columns = (key, *COLUMNS[1:BADGE_AFTER], badge, *COLUMNS[BADGE_AFTER:])
        query = ListQuery("issue", tuple(c.key for c in columns), filters=AWAKE)
        super().__init__(workspace, ListSpec(query, columns, DETAIL, render_issue, "issues"))
        self.badges: dict[str, str] = {}
        """Issue id -> queued / pushed / conflict / rejected: its latest edit's state."""
        self.marked: dict[str, Target] = {}
        """Issue key -> the marked issue, in marking order."""
        self.flow = TriageFlow(
            self, workspace, self.decided, patch=self.repaint_decided, restore=self.restore_rows
        )
        self._settle: Timer | None = None
        """While triaging: the reload waiting for the keys to pause."""
        self._reload_waiting = False
        self._fetched: set[str] = set()
        """Issues whose comments were asked of Jira since the screen opened."""

    def key_cell(self, key: Any) -> Content:
        if str(key) in self.marked:
            return Content.assemble((MARK, "bold $accent"), safe_value(key))
        return safe_value(key)

    def badge_cell(self, issue_id: Any) -> Content:
        badge = self.badges.get(str(issue_id), "")
        return Content(badge).stylize(BADGE_STYLES[badge]) if badge else Content("")

    def on_mount(self) -> None:
        super().on_mount()
        # After the first rows are drawn: reading the outbox imports the write store.
        self.set_timer(0.5, self.load_badges)
        self.set_timer(0.5, self.flow.warm)

    def data_changed(self) -> None:
        self.load_badges()

    def reload_list(self) -> None:
        """While decisions come in, the decided rows are patched where they are and the full
        reload (a 100k-row snapshot) waits until the keys pause."""
        if self._settle is None:
            super().reload_list()
        else:
            self._reload_waiting = True

    def _settled(self) -> None:
        self._settle = None
        if self._reload_waiting:
            self._reload_waiting = False
            super().reload_list()

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
            self.table.repaint()

    def target(self, row: Row) -> Target:
        labels = tuple(x for x in str(row[LABELS] or "").split(", ") if x)
        priority, summary = str(row[PRIORITY] or ""), str(row[SUMMARY])
        return Target(int(row[0]), str(row[ID]), str(row[KEY]), priority, summary, labels)

    def targets(self) -> list[Target]:
        """The marked issues, else the highlighted one."""
        if self.marked:
            return list(self.marked.values())
        row = self.table.row_at(self.table.cursor)
        return [self.target(row)] if row is not None else []

    def action_triage(self, kind: str) -> None:
        self.flow.start(kind, self.targets())

    def action_undo(self) -> None:
        self.flow.undo()

    def action_breakdown(self) -> None:
        row = self.table.row_at(self.table.cursor)
        if row is not None and self.workspace.activity is not None:
            self.flow.show_breakdown(self.target(row))

    def action_mark(self) -> None:
        row = self.table.row_at(self.table.cursor)
        if row is None:
            return
        target = self.target(row)
        if self.marked.pop(target.key, None) is None:
            self.marked[target.key] = target
        self._show_marks()
        self.table.action_cursor_down()

    def action_clear_marks(self) -> None:
        self.marked.clear()
        self._show_marks()

    def _show_marks(self) -> None:
        self.status.noun = f"issues · {len(self.marked)} marked" if self.marked else "issues"
        self.table.repaint()

    def repaint_decided(self, targets: list[Target], changes: Sequence["Change"]) -> None:
        """Show a decision's changes in its rows at once, before the store is read again; a
        snoozed issue leaves the queue."""
        seq_of = {t.key: t.seq for t in targets}
        cells: dict[int, dict[str, Any]] = {}
        asleep: set[int] = set()
        for change in changes:
            if change.key in seq_of:
                shown = change.new
                shown = ", ".join(map(str, shown)) if isinstance(shown, list) else shown
                cells.setdefault(seq_of[change.key], {})[change.field] = shown
                if change.field == "snoozed_until" and shown:
                    asleep.add(seq_of[change.key])
        self.table.patch_rows(cells)
        if asleep and AWAKE[0] in self.table.list_query.filters:
            self.table.drop_rows(asleep)

    def restore_rows(self, targets: list[Target]) -> None:
        """A refused decision: the list as stored, now."""
        self.table.release([t.seq for t in targets])
        self.table.reload(keep_cursor=True)

    def decided(self, targets: list[Target]) -> None:
        """The decided rows are read again; marks of them go."""
        for target in targets:
            self.marked.pop(target.key, None)
        self._show_marks()
        if targets:
            self.table.refresh_rows([t.seq for t in targets])
            if self._settle is not None:
                self._settle.stop()
            self._settle = self.set_timer(SETTLE, self._settled)
        self.load_badges()
        if self.detail.seq is not None:
            self.detail.show(self.detail.seq)

    def action_session(self) -> None:
        from prodops_tui.screens.session_start import offer_session

        offer_session(self, self.workspace, self.table)

    @on(DetailPane.Shown)
    def add_context(self, event: DetailPane.Shown) -> None:
        if event.row is not None and self.workspace.activity is not None:
            self.load_context(event.seq, str(event.row[-1]))

    @work(thread=True, exclusive=True, group="detail-context")
    def load_context(self, seq: int, issue_id: str) -> None:
        """Comments, feedback, experiments and decisions; comments from Jira if none cached."""
        from prodops_tui.services.issue_context import issue_context

        activity = self.workspace.activity
        assert activity is not None
        try:
            context = issue_context(activity.store(), issue_id)
        except StoreError as error:
            self.app.call_from_thread(self.detail.show_extra, seq, safe_text(str(error)))
            return
        self.app.call_from_thread(self.detail.show_extra, seq, render_context(context))
        if context.comments or issue_id in self._fetched or self.workspace.read_only:
            return
        self._fetched.add(issue_id)
        from prodops_tui.services import jira_lookups

        try:
            jira_lookups.run(jira_lookups.refresh_comments, activity.store(), issue_id)
            context = issue_context(activity.store(), issue_id)
        except Exception as error:  # offline, no credential: said in the pane, not a crash
            context.comments_note = f"Comments not fetched: {str(error).splitlines()[0]}"
        self.app.call_from_thread(self.detail.show_extra, seq, render_context(context))
