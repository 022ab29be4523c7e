"""The calendar's data and plan edits: load, conflicts (also live while moving), and the keys
that add, edit and move local plans. CalendarScreen adds the layout and navigation."""

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from textual import getters, work
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Label, Static

from prodops_tui.services.conflicts import Conflict, Plan, conflicts_of, next_free_slot
from prodops_tui.widgets.activity import DATA
from prodops_tui.widgets.safe_text import safe_text
from prodops_tui.widgets.timeline import Timeline
from prodops_tui.widgets.timeline_model import Line, build_lines, with_changes
from prodops_tui.widgets.workspace import Workspace

if TYPE_CHECKING:
    from prodops_tui.services.calendar_data import CalendarData
    from prodops_tui.services.experiments import Saved


def overlay_lines(
    renewals: list[tuple[str, date]], sessions: list[tuple[str, date, date]]
) -> list[Line]:
    """The overlay rows: tool renewals as diamonds, triage sessions as spans."""
    day = timedelta(days=1)
    marks = tuple((when, when + day, "◆") for _, when in renewals)
    lines = [Line(f"Renewals ({len(renewals)})", marks=marks, kind="overlay")] if renewals else []
    spans = tuple((first, stop, "▪") for _, first, stop in sessions)
    lines += [Line(f"Triage ({len(sessions)})", marks=spans, kind="overlay")] if sessions else []
    return lines


class CalendarEditing(Screen[None]):
    """The experiments, their conflicts and the plan being moved; the edit keys."""

    timeline = getters.query_one(Timeline)
    title_line = getters.query_one("#cal-title", Label)
    panel_text = getters.query_one("#cal-panel", Static)

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.rows: dict[str, dict[str, Any]] = {}
        self.plans: dict[str, Plan] = {}
        self.conflicts: list[Conflict] = []
        self.overlay_lines: list[Line] = []
        self.by = "surface"
        self.overlays = True
        self.panel = "details"
        self.shown = Content("")
        """What the side panel shows now."""
        self.grouped: list[Line] = []
        """The lines as last grouped, before the moving plan's changes."""
        self.moving: Plan | None = None
        """The plan being moved (its new dates), until Enter saves or Escape drops it."""
        self.select_after_load = ""
        """The plan to select once loaded: a later reload (a change elsewhere) must not drop it."""

    @work(thread=True, exclusive=True, group="calendar-load")
    def load(self) -> None:
        from prodops_tui.services import calendar_data

        activity = self.workspace.activity
        try:
            store = activity.store if activity else None
            data = calendar_data.load(self.workspace.reader, store, self.workspace.today())
        except calendar_data.FAILURES as error:
            self.app.call_from_thread(self._fail, error)
            return
        self.app.call_from_thread(self._loaded, data)

    def _fail(self, error: Exception) -> None:
        self.notify(safe_text(str(error).splitlines()[0]).plain, severity="error", markup=False)

    def _loaded(self, data: "CalendarData") -> None:
        self.rows = {str(row["id"]): row for row in data.rows}
        self.plans = data.plans
        self.conflicts = data.conflicts
        self.overlay_lines = overlay_lines(data.renewals, data.sessions)
        self.redraw()
        if self.select_after_load:
            self.timeline.select_id(self.select_after_load)
            self.select_after_load = ""

    def current_conflicts(self) -> list[Conflict]:
        """The conflicts with the moving plan at its new dates, or the saved ones."""
        if self.moving is None:
            return self.conflicts
        kept = [c for c in self.conflicts if self.moving.id not in (c.first, c.second)]
        return kept + conflicts_of(self.moving, self.plans.values())

    def redraw(self, regroup: bool = True) -> None:
        """Show the experiments; `regroup=False` (a move) only updates dates and conflict marks."""
        conflicts = self.current_conflicts()
        conflicted = {side for c in conflicts for side in (c.first, c.second)}
        if regroup or not self.grouped:
            overlays = self.overlay_lines if self.overlays else []
            self.grouped = build_lines(
                self.rows.values(), self.plans, conflicted, self.by, overlays
            )
        self.timeline.set_lines(with_changes(self.grouped, conflicted, self.moving))
        self._title(len(conflicts))

    def _title(self, count: int) -> None:
        scale = self.timeline.view.scale.name
        parts = [f"Calendar · by {self.by} · {scale}", f"{len(self.rows)} experiments"]
        if self.moving is not None:
            parts = [f"Moving to {self.moving.start} → {self.moving.end}"]
        parts.append(f"{count} conflict(s)" if count else "no conflicts")
        if self.moving is not None:
            parts.append("Enter saves, Esc cancels")
        self.title_line.update(safe_text(" · ".join(parts)))

    def _slot(self, plan_id: str) -> tuple[date, date] | None:
        plan = self.moving if self.moving and self.moving.id == plan_id else self.plans[plan_id]
        return next_free_slot(plan, self.plans.values(), not_before=self.workspace.today())

    def _local_plan(self, verb: str) -> Plan | None:
        """The selected plan if it is local (GrowthBook ones are changed in GrowthBook)."""
        bar = self.timeline.bar
        if bar is None:
            self.notify(f"Select a plan to {verb}", severity="warning")
            return None
        if not bar.local:
            self.notify(
                f"{bar.name} comes from GrowthBook: {verb} it there",
                severity="warning",
                markup=False,
            )
            return None
        if self.workspace.read_only:
            self.notify("Read-only workspace: edits are off", severity="warning")
            return None
        return self.plans[bar.id]

    def action_move(self) -> None:
        plan = self._local_plan("move")
        if plan is not None and plan.start is not None:
            self.moving = plan
            self.redraw(regroup=False)

    def action_commit(self) -> None:
        if self.moving is not None and self.moving.start is not None:
            plan, self.moving = self.moving, None
            self.save_move(plan.id, plan.start)

    def action_slot(self) -> None:
        plan = self._local_plan("move")
        if plan is None:
            return
        slot = self._slot(plan.id)
        if slot is None:
            self.notify("No free slot: an open-ended test blocks this plan", severity="warning")
        elif slot[0] == plan.start and not self.moving:
            self.notify("This plan is already in a free slot")
        else:
            self.moving = None
            self.save_move(plan.id, slot[0])

    @work(thread=True, group="calendar-save")
    def save_move(self, plan_id: str, start: date) -> None:
        from prodops_tui.services.calendar_data import FAILURES
        from prodops_tui.services.experiments import move_plan

        activity = self.workspace.activity
        assert activity is not None
        try:
            store, today = activity.store(), self.workspace.today()
            saved = move_plan(store, plan_id, start, activity.actor, today)
        except FAILURES as error:
            self.app.call_from_thread(self._fail, error)
            return
        self.app.call_from_thread(self._saved, saved, "Moved")

    def _saved(self, saved: "Saved", verb: str) -> None:
        count = len(saved.conflicts)
        note = f"{verb}: {count} conflict(s), c shows why" if count else f"{verb}: no conflicts"
        self.notify(note, severity="warning" if count else "information")
        self.select_after_load = saved.id
        self.load()
        if self.workspace.activity is not None:
            self.workspace.activity.changed.publish(DATA)

    def action_new(self) -> None:
        from prodops_tui.screens.experiment_form import ExperimentForm

        if self.workspace.read_only:
            self.notify("Read-only workspace: edits are off", severity="warning")
            return
        start = self.timeline.view.cursor
        values = {"start": start.isoformat(), "end": (start + timedelta(days=28)).isoformat()}
        values |= {"variations": "Control 50, Treatment 50"}
        self.app.push_screen(ExperimentForm("New plan", values), lambda v: self._submit(v, None))

    def action_edit(self) -> None:
        from prodops_tui.screens.experiment_form import ExperimentForm
        from prodops_tui.services.plan_fields import form_values

        plan = self._local_plan("edit")
        if plan is not None:
            values = form_values(self.rows[plan.id])
            title = f"Edit {values['name']}"
            self.app.push_screen(ExperimentForm(title, values), lambda v: self._submit(v, plan.id))

    def _submit(self, values: dict[str, str] | None, plan_id: str | None) -> None:
        if values is not None:
            self.save_plan(values, plan_id)

    @work(thread=True, group="calendar-save")
    def save_plan(self, values: dict[str, str], plan_id: str | None) -> None:
        from prodops_tui.services.calendar_data import FAILURES
        from prodops_tui.services.experiments import save_plan

        activity = self.workspace.activity
        assert activity is not None
        try:
            store, today = activity.store(), self.workspace.today()
            saved = save_plan(store, values, activity.actor, plan_id, today)
        except FAILURES as error:
            self.app.call_from_thread(self._fail, error)
            return
        self.app.call_from_thread(self._saved, saved, "Saved" if plan_id else "Added")

    def action_power(self) -> None:
        from prodops_tui.screens.power_dialog import PowerDialog
        from prodops_tui.services import calendar_data

        bar = self.timeline.bar
        if bar is None or self.workspace.activity is None:
            self.notify("Select an experiment first", severity="warning")
            return
        plan = self.plans[bar.id]
        store = self.workspace.activity.store
        traffic = calendar_data.traffic_reader(store, plan, self.workspace.today())
        share = plan.share if plan.design == "ab" else 1.0
        self.app.push_screen(PowerDialog(bar.name, share, traffic))
