"""What the timeline draws, as plain data: scales, rows, and one line as (text, style) runs.

No Textual here: the widget turns runs into Strips, tests read them as text.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from prodops_tui.services.conflicts import Plan
from prodops_tui.widgets.safe_text import safe_text


@dataclass(frozen=True)
class Scale:
    """How many columns one day takes (or how many days one column holds)."""

    name: str
    cols_per_day: int
    days_per_col: int


SCALES = (Scale("days", 3, 1), Scale("weeks", 1, 1), Scale("months", 1, 7))
STATE_MARKS = {"draft": ("D", "┄"), "scheduled": ("S", "═"), "running": ("R", "█")}
STOPPED_MARK = ("X", "░")
"""State -> (letter, fill): readable without colour (16-colour terminals, monochrome)."""


@dataclass(frozen=True)
class Bar:
    """One experiment on the timeline."""

    id: str
    name: str
    state: str
    start: date
    stop: date
    local: bool
    conflict: bool = False
    dated: bool = True
    """False for a GrowthBook test without phases: listed, selectable, not drawn."""

    @property
    def marks(self) -> tuple[str, str]:
        return STATE_MARKS.get(self.state, STOPPED_MARK)


@dataclass(frozen=True)
class Line:
    """A row of the timeline: a group heading, an overlay or an experiment."""

    label: str
    bar: Bar | None = None
    marks: tuple[tuple[date, date, str], ...] = ()
    """Overlay spans (start, stop, symbol)."""
    kind: str = "bar"
    """"group", "overlay" or "bar"."""


def _market(plan: Plan) -> str:
    if plan.design == "geo" and plan.treated:
        return ", ".join(sorted(plan.treated))
    if plan.design == "switchback" and plan.regions:
        return ", ".join(sorted(plan.regions))
    return "all markets"


def group_key(plan: Plan, by: str) -> str:
    """The group an experiment falls in: its surface, or its markets (geo treated markets,
    switchback regions, "all markets" for an A/B)."""
    if by == "market":
        return _market(plan)
    return plan.surface or "(no surface)"


UNDATED = "(no dates)"
"""The group of experiments without a start, last whatever the grouping."""


def bar_of(row: Mapping[str, Any], plan: Plan, conflicted: set[str]) -> Bar:
    start = plan.start or date.min
    stop = plan.end or start + timedelta(days=1)
    return Bar(
        plan.id,
        safe_text(plan.name).plain,
        str(row.get("status") or "draft"),
        start,
        max(stop, start + timedelta(days=1)),
        row.get("source") == "local",
        plan.id in conflicted,
        plan.start is not None,
    )


def _short(name: str, group: str) -> str:
    """The name without its group as a prefix ("Checkout: sticky CTA" under checkout)."""
    head, sep, rest = name.partition(": ")
    return rest if sep and rest and head.casefold() == group.casefold() else name


def build_lines(
    rows: Iterable[Mapping[str, Any]],
    plans: Mapping[str, Plan],
    conflicted: set[str],
    by: str,
    overlays: Sequence[Line] = (),
) -> list[Line]:
    """Overlay lines, then groups (sorted) of bars (by start, then name); `plans` holds each
    row's Plan by id (read once, with the dates the calendar assumes)."""
    groups: dict[str, list[Bar]] = {}
    for row in rows:
        plan = plans[str(row["id"])]
        bar = bar_of(row, plan, conflicted)
        key = safe_text(group_key(plan, by)).plain if bar.dated else UNDATED
        groups.setdefault(key, []).append(bar)
    lines = list(overlays)
    for key in sorted(groups, key=lambda k: (k == UNDATED, k.casefold())):
        lines.append(Line(key, kind="group"))
        for bar in sorted(groups[key], key=lambda b: (b.start, b.name, b.id)):
            lines.append(Line(_short(bar.name, key), bar))
    return lines


def with_changes(lines: Sequence[Line], conflicted: set[str], moved: Plan | None) -> list[Line]:
    """The same lines with conflict marks from `conflicted` and the moved plan's new dates (it
    keeps its row while it moves): a move repaints without regrouping every experiment."""
    changed: list[Line] = []
    for line in lines:
        bar = line.bar
        if bar is not None and moved is not None and bar.id == moved.id and moved.start:
            bar = replace(bar, start=moved.start, stop=moved.stop)
        if bar is not None and (bar.id in conflicted) != bar.conflict:
            bar = replace(bar, conflict=not bar.conflict)
        changed.append(line if bar is line.bar else replace(line, bar=bar))
    return changed


@dataclass
class View:
    """The visible window: first day, scale and the cursor day."""

    origin: date
    scale: Scale
    cursor: date
    columns: int = 60

    def day_at(self, column: int) -> tuple[date, date]:
        """The days [first, stop) a column covers."""
        first = self.origin + timedelta(
            days=(column // self.scale.cols_per_day) * self.scale.days_per_col
        )
        return first, first + timedelta(days=self.scale.days_per_col)

    def column_of(self, day: date) -> int:
        """The first column showing `day` (negative or past the end when outside)."""
        groups = (day - self.origin).days // self.scale.days_per_col
        return groups * self.scale.cols_per_day

    @property
    def span_days(self) -> int:
        return self.columns // self.scale.cols_per_day * self.scale.days_per_col

    def follow(self) -> None:
        """Scroll so the cursor day is visible, with a margin of a sixth of the window."""
        margin = timedelta(days=self.span_days // 6)
        end = self.origin + timedelta(days=self.span_days)
        if self.cursor < self.origin + margin or self.cursor >= end - margin:
            self.origin = self.cursor - timedelta(days=self.span_days // 3)
        step = self.scale.days_per_col
        self.origin -= timedelta(days=(self.origin.toordinal() % step))


Run = tuple[str, str]
"""(text, style name); style "" is the default."""


@dataclass
class Canvas:
    """A line of single-width cells with a style per cell, merged into runs at the end."""

    width: int
    chars: list[str] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.chars = [" "] * self.width
        self.styles = [""] * self.width

    def put(self, column: int, text: str, style: str = "") -> None:
        for offset, char in enumerate(text):
            if 0 <= column + offset < self.width:
                self.chars[column + offset] = char
                if style:
                    self.styles[column + offset] = style

    def paint(self, first: int, stop: int, style: str) -> None:
        for column in range(max(first, 0), min(stop, self.width)):
            self.styles[column] = style

    def runs(self) -> list[Run]:
        found: list[Run] = []
        for char, style in zip(self.chars, self.styles, strict=True):
            if found and found[-1][1] == style:
                found[-1] = (found[-1][0] + char, style)
            else:
                found.append((char, style))
        return found


def _holds_first(first: date, stop: date) -> bool:
    """Whether the days [first, stop) include the first of a month."""
    return first.day == 1 or (stop - timedelta(days=1)).month != first.month


def header_runs(view: View, today: date, month: bool) -> list[Run]:
    """Month names (month=True) or day marks along the top, today and the cursor marked."""
    canvas = Canvas(view.columns)
    step = view.scale.cols_per_day
    for column in range(0, view.columns, step):
        first, stop = view.day_at(column)
        new_month = _holds_first(first, stop)
        if month and (new_month or column == 0):
            canvas.put(column, first.strftime("%b %Y" if first.month == 1 or column == 0 else "%b"))
        elif not month and canvas.chars[column] == " ":
            canvas.put(column, _day_label(view.scale, first, new_month))
        if first <= today < stop:
            canvas.paint(column, column + step, "today")
        if first <= view.cursor < stop and not month:
            canvas.paint(column, column + step, "cursor")
    return canvas.runs()


def _day_label(scale: Scale, first: date, new_month: bool) -> str:
    if scale.cols_per_day >= 3:
        return f"{first.day:<2d} "
    if scale.days_per_col == 1:
        return "·" if first.weekday() else f"{first.day}"  # Mondays: the date
    return "|" if new_month else "·"


def bar_runs(view: View, line: Line, today: date) -> list[Run]:
    """One experiment or overlay across the window."""
    canvas = Canvas(view.columns)
    today_column = view.column_of(today)
    canvas.put(today_column, "│", "today")
    for first, stop, symbol in line.marks:
        begin = view.column_of(first)
        end = view.column_of(stop - timedelta(days=1)) + view.scale.cols_per_day
        canvas.put(begin, symbol * max(end - begin, 1), "overlay")
    if line.bar is not None and line.bar.dated:
        bar = line.bar
        letter, fill = bar.marks
        begin = view.column_of(bar.start)
        end = view.column_of(bar.stop - timedelta(days=1)) + view.scale.cols_per_day
        style = "conflict" if bar.conflict else bar.state
        canvas.put(begin, (letter + fill * max(end - begin - 1, 0))[: max(end - begin, 1)], style)
        if bar.conflict and end > 0:
            canvas.put(max(begin, 0), "!", "conflict")
    return canvas.runs()
