"""The Inbox's write keys: each runs services.feedback_actions in a worker, on the marked rows
or the highlighted one; more than one row is previewed first."""

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.content import Content

from prodops_tui.screens.inbox_dialogs import (
    ChoiceDialog,
    ConfirmDialog,
    NewIssueDialog,
    TextDialog,
)
from prodops_tui.screens.inbox_link import LinkDialog, QuoteDialog
from prodops_tui.screens.list_screen import ListScreen
from prodops_tui.store.errors import StoreError
from prodops_tui.widgets.activity import DATA
from prodops_tui.widgets.safe_text import safe_text

if TYPE_CHECKING:
    from prodops_tui.services.feedback_actions import Action, Change
    from prodops_tui.services.feedback_thread import Reading
    from prodops_tui.services.similarity import IssueIndex, Suggestion

ID = 1
"""Position of the feedback id in a table row (seq first, then the mark column's id)."""
IMPORT_KINDS = (("import", "Imported rows"), ("nps", "NPS responses"), ("csat", "CSAT ratings"))


def change_line(change: "Change") -> Content:
    queued = " · Zendesk tag queued" if change.queued else ""
    return Content.assemble(
        safe_text(change.subject).truncate(40, ellipsis=True, pad=True),
        "  ",
        safe_text(change.summary),
        (queued, "$text-muted"),
    )


class InboxActions(ListScreen):
    """Marks, the issue index and the actions behind the Inbox keys."""

    marked: set[str]
    index: "IssueIndex | None" = None
    suggested: "Suggestion | None" = None
    reading: "Reading | None"

    def on_mount(self) -> None:
        super().on_mount()
        self.marked = set()
        self.seen: dict[str, int] = {}
        """Feedback id -> its version when a key opened an action on it (team workspaces: a
        change by someone else meanwhile keeps the decision in the log, unapplied)."""

    def current_id(self) -> str | None:
        row = self.table.row_at(self.table.cursor)
        return None if row is None else str(row[ID])

    def fail(self, error: Exception) -> None:
        self.notify(safe_text(str(error)).plain[:300], severity="error", markup=False)

    def when_editable(self, then: Callable[[], Any]) -> None:
        """Run `then` unless the workspace is read-only or nothing is highlighted."""
        if self.workspace.read_only or self.workspace.activity is None:
            self.notify("Read-only workspace: edits are off", severity="warning")
        elif not self.marked and self.current_id() is None:
            self.notify("No feedback highlighted", severity="warning")
        else:
            self.note_versions(self.targets())
            then()

    @work(thread=True, group="seen")
    def note_versions(self, ids: list[str]) -> None:
        """Remember the versions the member is acting on (a batch: again with its preview)."""
        self.read_versions(ids)

    def read_versions(self, ids: list[str]) -> None:
        from prodops_tui.services.versions import item_version

        activity = self.workspace.activity
        assert activity is not None
        for feedback_id in ids:
            try:
                version = item_version(activity.store(), "feedback", feedback_id)
            except StoreError:
                return  # unchecked then; the write reports a real problem
            if version is not None:
                self.seen[feedback_id] = version

    def targets(self) -> list[str]:
        current = self.current_id()
        return sorted(self.marked) if self.marked else [current] if current else []

    @work(thread=True, exclusive=True, group="index")
    def build_index(self) -> None:
        from prodops_tui.services.similarity import IssueIndex

        activity = self.workspace.activity
        if activity is None or self.index is not None:
            return
        try:
            self.index = IssueIndex.load(activity.store())
        except StoreError as error:
            self.app.call_from_thread(self.fail, error)
            return
        self.app.call_from_thread(self.data_changed)

    def action_mark(self) -> None:
        feedback_id = self.current_id()
        if feedback_id is None:
            return
        self.marked ^= {feedback_id}
        self.table.notify_style_update()  # drops the drawn lines: the mark column redraws
        self.table.refresh()
        self.table.action_cursor_down()
        self.status.noun = f"feedback · {len(self.marked)} marked" if self.marked else "feedback"

    def action_processed(self) -> None:
        self.when_editable(lambda: self.act("processed"))

    def action_archive(self) -> None:
        self.when_editable(lambda: self.act("archive"))

    def action_accept(self) -> None:
        top = self.suggested
        if top is None:
            self.notify("No suggested issue for this feedback", severity="warning")
            return
        self.when_editable(lambda: self.act("link", issue_id=top.id, importance=1))

    def act(self, verb: str, **options: Any) -> None:
        from prodops_tui.services.feedback_actions import Action

        action, ids = Action(verb, **options), self.targets()
        if len(ids) > 1:
            self.preview_action(ids, action)
        else:
            self.apply_action(ids, action)

    @work(thread=True, group="edit")
    def preview_action(self, ids: list[str], action: "Action") -> None:
        from prodops_tui.services.feedback_actions import preview

        activity = self.workspace.activity
        assert activity is not None
        self.read_versions(ids)  # what the preview shows is what the member decides on
        try:
            changes = preview(activity.store(), ids, action)
        except StoreError as error:
            self.app.call_from_thread(self.fail, error)
            return
        title = f"{action.verb.title()} {len(ids)} items: every change"
        dialog = ConfirmDialog(title, [change_line(c) for c in changes])

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.apply_action(ids, action)

        self.app.call_from_thread(self.app.push_screen, dialog, confirmed)

    @work(thread=True, group="edit")
    def apply_action(self, ids: list[str], action: "Action") -> None:
        from prodops_tui.services.feedback_actions import apply
        from prodops_tui.services.versions import ItemChanged

        activity = self.workspace.activity
        assert activity is not None
        seen = {i: self.seen.pop(i) for i in ids if i in self.seen}
        try:
            changes = apply(activity.store(), ids, action, activity.actor, seen=seen)
        except StoreError as error:
            self.app.call_from_thread(self.fail, error)
            if isinstance(error, ItemChanged):  # the others were applied: show what is now
                self.app.call_from_thread(self.reload_marks)
            return
        self.app.call_from_thread(self.done, changes)

    def done(self, changes: "list[Change]") -> None:
        queued = sum(c.queued for c in changes)
        what = changes[0].summary if len(changes) == 1 else f"{len(changes)} items changed"
        note = f"{what}; {queued} Zendesk tag edit(s) queued" if queued else what
        self.notify(safe_text(note).plain[:300], markup=False)
        self.reload_marks()

    def reload_marks(self) -> None:
        """After a write: marks go and the lists read the store again."""
        self.marked.clear()
        self.status.noun = "feedback"
        activity = self.workspace.activity
        if activity is not None:
            activity.changed.publish(DATA)

    def action_link(self) -> None:
        self.when_editable(self.open_picker)

    @work(thread=True, exclusive=True, group="picker")
    def open_picker(self) -> None:
        from prodops_tui.services.feedback_thread import reading
        from prodops_tui.services.similarity import IssueIndex

        activity = self.workspace.activity
        current = self.current_id() or self.targets()[0]
        assert activity is not None
        try:
            if self.index is None:
                self.app.call_from_thread(self.notify, "Indexing the cached issues…")
                self.index = IssueIndex.load(activity.store())
            item = reading(activity.store(), current)
        except StoreError as error:
            self.app.call_from_thread(self.fail, error)
            return
        self.app.call_from_thread(self._pick, self.index, item.text)

    def _pick(self, index: "IssueIndex", text: str) -> None:
        def picked(issue: "Suggestion | None") -> None:
            if issue is not None:
                dialog = QuoteDialog(issue.key, issue.title, text)
                self.app.push_screen(dialog, lambda got: self._link(issue, got))

        self.app.push_screen(LinkDialog(index, text), picked)

    def _link(self, issue: "Suggestion", got: tuple[int, str] | None) -> None:
        if got is not None:
            self.act("link", issue_id=issue.id, importance=got[0], quote=got[1])

    def action_new_issue(self) -> None:
        self.when_editable(self.open_new_issue)

    def open_new_issue(self) -> None:
        item = self.reading
        subject = item.subject if item else ""
        body = item.body if item else ""
        project = self.suggested.key.split("-", 1)[0] if self.suggested else ""

        def drafted(draft: tuple[str, str, str] | None) -> None:
            if draft is not None:
                self.create_issue(draft)

        self.app.push_screen(NewIssueDialog(project, subject, body), drafted)

    @work(thread=True, group="edit")
    def create_issue(self, draft: tuple[str, str, str]) -> None:
        from prodops_tui.services.feedback_actions import IssueDraft, create_issue

        activity = self.workspace.activity
        assert activity is not None
        try:
            _, changes = create_issue(
                activity.store(), self.targets(), IssueDraft(*draft), activity.actor
            )
        except StoreError as error:
            self.app.call_from_thread(self.fail, error)
            return
        self.app.call_from_thread(self.done, changes)
        self.app.call_from_thread(self.notify, "New issue queued for Jira; linked")

    def action_import_csv(self) -> None:
        def kind_chosen(path: str, kind: str | None) -> None:
            if kind:
                self.import_csv(Path(path).expanduser(), kind, dry_run=True)

        def path_chosen(path: str | None) -> None:
            if path:
                dialog = ChoiceDialog("Import as", IMPORT_KINDS)
                self.app.push_screen(dialog, lambda kind: kind_chosen(path, kind))

        dialog = TextDialog("Import feedback from CSV", "path to a .csv file")
        self.when_editable(lambda: self.app.push_screen(dialog, path_chosen))

    @work(thread=True, group="edit")
    def import_csv(self, path: Path, kind: str, dry_run: bool) -> None:
        from prodops_tui.services.feedback_import import CsvProblem, import_feedback, report_lines

        activity = self.workspace.activity
        assert activity is not None
        try:
            report = import_feedback(
                activity.store(), path, kind=kind, dry_run=dry_run, actor=activity.actor
            )
        except (CsvProblem, StoreError, OSError, LookupError) as error:
            self.app.call_from_thread(self.fail, error)
            return
        lines = [safe_text(line) for line in report_lines(report)]
        if not dry_run:
            self.app.call_from_thread(self.notify, lines[-1 - len(report.rejected)].plain)
            self.app.call_from_thread(activity.changed.publish, DATA)
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.import_csv(path, kind, dry_run=False)

        dialog = ConfirmDialog(f"Import {path.name}: preview", lines, action="import")
        self.app.call_from_thread(self.app.push_screen, dialog, confirmed)

    def action_trends(self) -> None:
        from prodops_tui.screens.inbox_trends import TrendsDialog

        self.app.push_screen(TrendsDialog(self.workspace))
