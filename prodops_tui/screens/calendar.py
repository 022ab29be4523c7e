"""Calendar: every experiment on one timeline, conflicts marked, plans added, edited and moved."""

from datetime import timedelta
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Label, Static

from prodops_tui.screens.calendar_edits import CalendarEditing
from prodops_tui.screens.calendar_panel import conflict_lines, details, results_lines
from prodops_tui.widgets.activity import DATA
from prodops_tui.widgets.timeline import Timeline


def _key(key: str, action: str, description: str, show: bool = True) -> Binding:
    return Binding(key, action, description, show=show, id=f"calendar.{action.split('(')[0]}")


class CalendarScreen(CalendarEditing):
    """Bars by surface or market; the selected experiment's details, conflicts or results."""

    CSS_PATH = "calendar.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        _key("n", "new", "New"),
        _key("e", "edit", "Edit"),
        _key("m", "move", "Move"),
        _key("c", "panel('conflicts')", "Conflicts"),
        _key("r", "panel('results')", "Results"),
        _key("p", "power", "Power", show=False),
        _key("o", "overlays", "Overlays", show=False),
        _key("g", "group", "Group", show=False),
        _key("t", "today", "Today", show=False),
        _key("s", "slot", "Free slot", show=False),
        _key("left,h", "step(-1)", "Day back", show=False),
        _key("right,l", "step(1)", "Day on", show=False),
        _key("shift+left,H", "step(-7)", "Week back", show=False),
        _key("shift+right,L", "step(7)", "Week on", show=False),
        _key("left_square_bracket,pageup", "step(-30)", "Month back", show=False),
        _key("right_square_bracket,pagedown", "step(30)", "Month on", show=False),
        _key("up,k", "select(-1)", "Previous", show=False),
        _key("down,j", "select(1)", "Next", show=False),
        _key("plus,equals_sign", "zoom(-1)", "Zoom in", show=False),
        _key("minus", "zoom(1)", "Zoom out", show=False),
        _key("enter", "commit", "Save move", show=False),
        _key("escape", "cancel", "Cancel / details", show=False),
        Binding("tab", "app.next_mode", "Next screen", show=False, id="mode.next"),
        Binding(
            "shift+tab", "app.previous_mode", "Previous screen", show=False, id="mode.previous"
        ),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    def compose(self) -> ComposeResult:
        yield Label("Calendar: loading…", id="cal-title")
        with Horizontal(id="cal-body"):
            yield Timeline(self.workspace.today(), id="cal-timeline")
            with VerticalScroll(id="cal-side"):
                yield Static("", id="cal-panel")
        from prodops_tui.widgets.status_bar import StatusBar

        yield StatusBar(self.workspace)
        yield Footer()

    def on_mount(self) -> None:
        self.timeline.focus()
        self.load()
        if self.workspace.activity is not None:
            self.workspace.activity.changed.subscribe(self, self._activity_changed)

    def _activity_changed(self, what: str) -> None:
        if what == DATA and self.moving is None:
            self.load()

    @on(Timeline.Selected)
    def show_panel(self) -> None:
        bar = self.timeline.bar
        row = self.rows.get(bar.id) if bar else None
        mine = [c for c in self.current_conflicts() if bar and bar.id in (c.first, c.second)]
        content: Content
        if self.panel == "conflicts":
            names = {key: str(value.get("name") or key) for key, value in self.rows.items()}
            content = conflict_lines(row, mine, names, self._slot(bar.id) if bar and mine else None)
        elif self.panel == "results":
            content = results_lines(row)
        else:
            plan = self.plans.get(bar.id) if bar else None
            content = details(row, mine, plan.end if plan else None)
        if content != self.shown:  # a move re-selects the bar on every key
            self.shown = content
            self.panel_text.update(content)

    def action_step(self, days: int) -> None:
        if self.moving is not None and self.moving.start is not None:
            self.moving = self.moving.moved_to(self.moving.start + timedelta(days=days))
            self.redraw(regroup=False)
            self.timeline.jump(self.moving.start or self.workspace.today())
            return
        self.timeline.move_cursor(days)

    def action_select(self, step: int) -> None:
        if self.moving is None:
            self.timeline.select_step(step)

    def action_zoom(self, step: int) -> None:
        self.timeline.zoom(step)
        self._title(len(self.current_conflicts()))

    def action_today(self) -> None:
        self.timeline.jump(self.workspace.today())

    def action_group(self) -> None:
        self.by = "market" if self.by == "surface" else "surface"
        self.redraw()

    def action_overlays(self) -> None:
        self.overlays = not self.overlays
        self.redraw()
        self.notify("Overlays shown" if self.overlays else "Overlays hidden")

    def action_panel(self, name: str) -> None:
        self.panel = "details" if self.panel == name else name
        self.show_panel()

    def action_cancel(self) -> None:
        if self.moving is not None:
            self.moving = None
            self.redraw(regroup=False)
            self.notify("Move cancelled")
        else:
            self.panel = "details"
            self.show_panel()
