"""The triage keys of a screen that shows issues: each asks what it needs (dialogs), previews a
batch, then writes through services.triage in a worker and tells the screen which rows changed.
Backlog uses it; a triage session can too."""

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from textual.content import Content
from textual.screen import Screen

from prodops_tui.screens.dialogs import PickDialog, PriorityDialog, TextDialog
from prodops_tui.screens.triage_ask import duplicate_choices, people_choices
from prodops_tui.screens.triage_dialogs import (
    BreakdownDialog,
    FuzzyPickDialog,
    PreviewDialog,
    ScoreDialog,
    breakdown_text,
)
from prodops_tui.store.errors import StoreError
from prodops_tui.widgets.activity import DATA, Activity
from prodops_tui.widgets.safe_text import safe_text
from prodops_tui.widgets.workspace import Workspace

if TYPE_CHECKING:
    from prodops_tui.services.similarity import IssueIndex
    from prodops_tui.services.triage_plan import Action, Change
    from prodops_tui.store.store import Store

KINDS = (
    *("accept", "duplicate", "decline", "snooze", "priority", "labels", "assignee"),
    *("transition", "comment", "score"),
)


POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="triage")
"""Threads for triage reads and writes, apart from the app's default executor."""


@dataclass(frozen=True)
class Target:
    """An issue a key acts on, as the screen shows it."""

    seq: int
    id: str
    key: str
    priority: str = ""
    summary: str = ""
    labels: tuple[str, ...] = ()


Done = Callable[[list[Target]], None]
"""Told which issues a decision (or undo) changed, on the UI thread."""
Patch = Callable[[list[Target], Sequence["Change"]], None]
"""Told how they changed (to repaint rows before the store is read again)."""


class TriageFlow:
    """Dialogs and writes of the triage keys for one screen."""

    def __init__(
        self,
        screen: Screen[Any],
        workspace: Workspace,
        done: Done,
        session: str | None = None,
        *,
        patch: Patch | None = None,
        restore: Done | None = None,
    ) -> None:
        self.screen = screen
        self.workspace = workspace
        self.done = done
        self.patch = patch
        """Shows changes in the rows: the expected ones as the key is pressed, the written
        ones when the worker is done."""
        self.restore = restore
        """Shows the rows as stored again after a write was refused."""
        self.ready: str | None = None
        """The status accept moves to, read in a worker (None until then)."""
        self.session = session
        self._index: IssueIndex | None = None
        self.seen: dict[str, int] = {}
        """Issue id -> its version when a key opened a decision on it (team workspaces: a
        change by someone else meanwhile keeps the decision in the log, unapplied)."""

    @property
    def app(self) -> Any:
        return self.screen.app

    def activity(self) -> Activity | None:
        activity = self.workspace.activity
        if self.workspace.read_only or activity is None:
            self.screen.notify("Read-only workspace: edits are off", severity="warning")
            return None
        return activity

    def tell(self, text: str, error: bool = False) -> None:
        """One line, never markup; from a worker thread."""
        line = safe_text(text.splitlines()[0] if text else "").plain
        kind = "error" if error else "information"
        self.app.call_from_thread(self.screen.notify, line, severity=kind, markup=False)

    def start(self, kind: str, targets: list[Target]) -> None:
        """Ask what the key needs, then decide (one issue) or preview (several)."""
        if self.activity() is None or not targets:
            if not targets:
                self.screen.notify("No issue highlighted", severity="warning")
            return
        from prodops_tui.screens import triage_questions

        self._note_versions(targets)
        triage_questions.ask(self, kind, targets)

    def warm(self) -> None:
        """Read what the keys show before their writes (the ready status), off the UI thread."""
        self._run(self._read_ready, "triage-seen")

    def _read_ready(self) -> None:
        from prodops_tui.services.triage import get_ready_status

        try:
            self.ready = get_ready_status(self.store())
        except StoreError:
            self.ready = None  # the status then shows when the write is done

    def _note_versions(self, targets: list[Target]) -> None:
        def job() -> None:
            from prodops_tui.services.versions import item_version

            self._read_ready()
            for target in targets:
                try:
                    version = item_version(self.store(), "issue", target.id)
                except StoreError:
                    continue  # unchecked then; the write reports a real problem
                if version is not None:
                    self.seen[target.id] = version

        self._run(job, "triage-seen")

    def decide(self, targets: list[Target], action: "Action") -> None:
        if len(targets) > 1:
            self._preview(targets, action)
        else:
            self._write(targets, action)

    def _run(self, job: Callable[[], None], group: str) -> None:
        """Run `job` off the UI thread on the triage pool: the default executor (6 threads on
        2 cores) is often full of long list reads, and a decision must not queue behind them."""

        async def in_pool() -> None:
            await asyncio.get_running_loop().run_in_executor(POOL, job)

        self.screen.run_worker(in_pool(), group=group, exit_on_error=False)

    def _preview(self, targets: list[Target], action: "Action") -> None:
        def job() -> None:
            from prodops_tui.services.triage import preview

            try:
                changes = preview(self.store(), [t.id for t in targets], action)
            except StoreError as error:
                self.tell(str(error), error=True)
                return
            if not changes:
                self.tell("Nothing would change")
                return
            title = f"{action.kind.capitalize()}: {len(targets)} marked issues"

            def chosen(apply: bool | None) -> None:
                if apply:
                    self._write(targets, action)

            self.app.call_from_thread(self.app.push_screen, PreviewDialog(title, changes), chosen)

        self._run(job, "triage-preview")

    def store(self) -> "Store":
        activity = self.workspace.activity
        assert activity is not None
        return activity.store()

    def _write(self, targets: list[Target], action: "Action") -> None:
        activity = self.workspace.activity
        assert activity is not None
        self._show_expected(targets, action)

        def job() -> None:
            from prodops_tui.services.triage import batch

            ids = [t.id for t in targets]
            seen = {i: self.seen.pop(i) for i in ids if i in self.seen}
            try:
                decided = batch(
                    self.store(), ids, action, activity.actor, session_id=self.session, seen=seen
                )
            except StoreError as error:
                self.tell(str(error), error=True)
                self.app.call_from_thread(self._refused, targets)
                return
            except BaseException:
                self.app.call_from_thread(self._refused, targets)  # rows stop showing it
                raise
            self.app.call_from_thread(self._written, targets, decided.changes)
            what = targets[0].key if len(targets) == 1 else f"{len(targets)} issues"
            queued = f", {len(decided.outbox)} write(s) queued" if decided.outbox else ""
            self.tell(f"{what}: {action.kind}{queued}")

        self._run(job, "triage-write")

    def _show_expected(self, targets: list[Target], action: "Action") -> None:
        """Repaint the rows as the decision will leave them, before the worker writes it."""
        if self.patch is None:
            return
        from prodops_tui.services.triage_expect import expected_changes

        expected = [
            change
            for t in targets
            for change in expected_changes(action, t.key, t.labels, self.ready)
        ]
        if expected:
            self.patch(targets, expected)

    def _refused(self, targets: list[Target]) -> None:
        """Nothing was written: the rows show what is stored, and the lists what is now."""
        if self.restore is not None:
            self.restore(targets)
        self._publish()

    def _written(self, targets: list[Target], changes: Sequence["Change"] = ()) -> None:
        """Rows repaint from the local change now; lists elsewhere reload right after."""
        if self.patch is not None:
            self.patch(targets, changes)
        self.done(targets)
        self.screen.set_timer(0.05, self._publish)

    def _publish(self) -> None:
        activity = self.workspace.activity
        if activity is not None:
            activity.changed.publish(DATA)

    def undo(self) -> None:
        activity = self.activity()
        if activity is None:
            return

        def job() -> None:
            from prodops_tui.services.triage_undo import undo_last

            try:
                undone = undo_last(self.store(), activity.actor)
            except StoreError as error:
                self.tell(str(error), error=True)
                return
            how = f"{undone.dropped} unsent write(s) dropped" if undone.dropped else ""
            if undone.compensating:
                how = f"{how}, " if how else ""
                how += f"{undone.compensating} reverting write(s) queued"
            self.app.call_from_thread(self._written, [])
            self.tell(f"Undid {', '.join(undone.keys)}" + (f": {how}" if how else ""))

        self._run(job, "triage-write")

    def show_breakdown(self, target: Target) -> None:
        def job() -> None:
            from prodops_tui.services.scoring import breakdown

            try:
                found = breakdown(self.store(), target.id)
            except StoreError as error:
                self.tell(str(error), error=True)
                return
            dialog = BreakdownDialog(breakdown_text(target.key, found))
            self.app.call_from_thread(self.app.push_screen, dialog)

        self._run(job, "triage-read")

    def issue_index(self) -> "IssueIndex":
        """Every cached issue for the duplicate picker (built once, in a worker)."""
        if self._index is None:
            from prodops_tui.services.similarity import IssueIndex

            self._index = IssueIndex.load(self.store())
        return self._index

    def today(self) -> date:
        return self.workspace.today()

    def pick_duplicate(self, targets: list[Target], chosen: Callable[[str | None], None]) -> None:
        exclude = {t.id for t in targets}
        summary = targets[0].summary

        def search(typed: str) -> list[tuple[str, str]]:
            return duplicate_choices(self.issue_index(), summary, typed, exclude)

        title = Content.assemble("Duplicate of… (", safe_text(targets[0].key), ")")
        self.app.push_screen(FuzzyPickDialog(title, search, "Key or words"), chosen)

    def pick_person(
        self, targets: list[Target], people: dict[str, str], chosen: Callable[[str | None], None]
    ) -> None:
        title = Content.assemble("Assign ", safe_text(targets[0].key), " to…")
        dialog = FuzzyPickDialog(title, lambda typed: people_choices(people, typed), "Name")
        self.app.push_screen(dialog, chosen)

    def ask_text(
        self, title: str, placeholder: str, chosen: Callable[[str | None], None], check: Any
    ) -> None:
        self.app.push_screen(TextDialog(Content(title), placeholder, check=check), chosen)

    def ask_priority(self, target: Target, chosen: Callable[[str | None], None]) -> None:
        self.app.push_screen(PriorityDialog(target.key, target.priority), chosen)

    def ask_pick(
        self, title: str, options: list[tuple[str, str]], chosen: Callable[[str | None], None]
    ) -> None:
        self.app.call_from_thread(self.app.push_screen, PickDialog(Content(title), options), chosen)

    def ask_score(
        self, target: Target, current: dict[str, Any], chosen: Callable[[Any], None]
    ) -> None:
        self.app.call_from_thread(self.app.push_screen, ScoreDialog(target.key, current), chosen)
