"""Timeline: experiments as bars across days, weeks or months; draws only the visible lines."""

from datetime import date, timedelta
from typing import ClassVar

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.events import Resize
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from prodops_tui.widgets.timeline_model import (
    SCALES,
    Bar,
    Line,
    Run,
    View,
    bar_runs,
    header_runs,
)

HEADER_LINES = 2
STYLES = (
    *("draft", "scheduled", "running", "stopped", "conflict", "today", "cursor"),
    *("group", "overlay", "selected", "label", "header"),
)


class Timeline(Widget, can_focus=True):
    """Experiment bars grouped in rows; a cursor day, a zoom and a selected bar."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"timeline--{name}" for name in STYLES}
    DEFAULT_CSS = """
    Timeline {
        height: 1fr;
        width: 1fr;
        & > .timeline--draft { color: $text-muted; }
        & > .timeline--scheduled { color: $primary; }
        & > .timeline--running { color: $success; }
        & > .timeline--stopped { color: $secondary; }
        & > .timeline--conflict { color: $error; text-style: bold; }
        & > .timeline--today { color: $warning; }
        & > .timeline--cursor { text-style: reverse; }
        & > .timeline--group { color: $accent; text-style: bold; }
        & > .timeline--overlay { color: $warning; }
        & > .timeline--selected { text-style: reverse bold; }
        & > .timeline--label { color: $text; }
        & > .timeline--header { color: $text-muted; }
    }
    """

    class Selected(Message):
        """The selected bar changed (None: nothing to select)."""

        def __init__(self, bar: Bar | None) -> None:
            super().__init__()
            self.bar = bar

    def __init__(self, today: date, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.today = today
        self.view = View(today - timedelta(days=7), SCALES[1], today)
        self.lines: list[Line] = []
        self.selected = -1
        self.top = 0
        """Index of the first line shown under the headers."""
        self._styles: dict[str, Style] = {}

    @property
    def label_width(self) -> int:
        return max(14, min(26, self.size.width // 3))

    @property
    def bar(self) -> Bar | None:
        if 0 <= self.selected < len(self.lines):
            return self.lines[self.selected].bar
        return None

    def set_lines(self, lines: list[Line]) -> None:
        """Show new lines, keeping the selected experiment when it is still there."""
        keep = self.bar.id if self.bar else None
        self.lines = lines
        bars = [i for i, line in enumerate(lines) if line.bar is not None]
        found = [i for i in bars if lines[i].bar and lines[i].bar.id == keep]  # type: ignore[union-attr]
        self.selected = found[0] if found else (bars[0] if bars else -1)
        self._reveal()
        self.post_message(self.Selected(self.bar))

    def select_step(self, step: int) -> None:
        """Select the next (or previous) bar."""
        bars = [i for i, line in enumerate(self.lines) if line.bar is not None]
        after = [i for i in bars if (i - self.selected) * step > 0]
        if after:
            self.selected = min(after) if step > 0 else max(after)
            self._selection_moved()

    def select_id(self, experiment_id: str) -> None:
        for index, line in enumerate(self.lines):
            if line.bar is not None and line.bar.id == experiment_id:
                self.selected = index
                self._selection_moved()
                return

    def _selection_moved(self) -> None:
        """Bring the selected bar into view (the window jumps to its start) and tell the screen."""
        bar = self.bar
        if bar is not None and not self._visible(bar):
            self.view.cursor = bar.start
            self.view.follow()
        self._reveal()
        self.post_message(self.Selected(bar))

    def _visible(self, bar: Bar) -> bool:
        end = self.view.origin + timedelta(days=self.view.span_days)
        return not bar.dated or (bar.start < end and bar.stop > self.view.origin)

    def _reveal(self) -> None:
        rows = max(self.size.height - HEADER_LINES, 1)
        if self.selected < self.top:
            self.top = max(self.selected, 0)
        elif self.selected >= self.top + rows:
            self.top = self.selected - rows + 1
        self.refresh()

    def move_cursor(self, days: int) -> None:
        self.view.cursor += timedelta(days=days)
        self.view.follow()
        self.refresh()

    def jump(self, day: date) -> None:
        self.view.cursor = day
        self.view.follow()
        self.refresh()

    def zoom(self, step: int) -> str:
        """Zoom in (step -1) or out (+1); returns the new scale's name."""
        index = SCALES.index(self.view.scale)
        self.view.scale = SCALES[max(0, min(len(SCALES) - 1, index + step))]
        self.view.origin = self.view.cursor
        self.view.follow()
        self.refresh()
        return self.view.scale.name

    def on_resize(self, event: Resize) -> None:
        self.view.columns = max(event.size.width - self.label_width, 1)
        self.view.follow()
        self._reveal()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        self.view.columns = max(width - self.label_width, 1)
        if y < HEADER_LINES:
            title = "" if y else self.view.scale.name
            runs = header_runs(self.view, self.today, month=y == 0)
            return self._strip(title, "header", runs, width)
        index = self.top + y - HEADER_LINES
        if index >= len(self.lines):
            return Strip.blank(width, self._style(""))
        line = self.lines[index]
        return self._strip(*self._label(line, index), bar_runs(self.view, line, self.today), width)

    def _label(self, line: Line, index: int) -> tuple[str, str]:
        if line.kind == "group":
            return f"▸ {line.label}", "group"
        if line.bar is None:
            return line.label, "overlay"
        letter = line.bar.marks[0]
        text = f"{letter}{'!' if line.bar.conflict else ' '}{line.label}"
        return text, "selected" if index == self.selected else "label"

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def _style(self, name: str) -> Style:
        """The rich style of a component (cached until the styles change)."""
        found = self._styles.get(name)
        if found is None:
            found = self.get_component_rich_style(f"timeline--{name}") if name else self.rich_style
            self._styles[name] = found
        return found

    def _strip(self, label: str, style: str, runs: list[Run], width: int) -> Strip:
        segments = [Segment(set_cell_size(label, self.label_width - 1) + " ", self._style(style))]
        segments += [Segment(text, self._style(name)) for text, name in runs]
        return Strip(segments).crop_extend(0, width, self._style(""))
