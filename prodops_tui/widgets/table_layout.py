"""TableLayout: which columns of a PagedTable fit its width, how wide, and one painted line."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rich.segment import Segment
from textual.content import Content
from textual.strip import Strip
from textual.style import Style

from prodops_tui.widgets.columns import ColumnSpec
from prodops_tui.widgets.table_view import one_line

GAP = 1
"""Spaces between two columns."""
MARGIN = 1
"""Space before the first column."""

StyleParser = Callable[[str | Style], Style]


@dataclass
class TableLayout:
    """The columns shown at the current width (narrow screens drop the highest `drop` first)."""

    columns: tuple[ColumnSpec, ...]
    shown: list[int] = field(default_factory=list)
    """Indexes into `columns` of the columns on screen, in order."""
    widths: list[int] = field(default_factory=list)
    hidden: frozenset[str] = frozenset()
    """Keys of columns left out whatever the width (a saved view's choice)."""

    def __post_init__(self) -> None:
        self.fit(10_000)

    def fit(self, available: int) -> None:
        """Choose columns and widths for `available` cells; the flex column takes the rest."""
        shown = [i for i, c in enumerate(self.columns) if c.key not in self.hidden]
        while self._needed(shown) > available:
            droppable = [i for i in shown if self.columns[i].drop > 0]
            if not droppable:
                break
            shown.remove(max(droppable, key=lambda i: (self.columns[i].drop, i)))
        spare = available - self._needed(shown)
        self.shown = shown
        self.widths = [
            self.columns[i].width + (max(spare, 0) if self.columns[i].flex else 0) for i in shown
        ]

    def _needed(self, shown: list[int]) -> int:
        return MARGIN + sum(self.columns[i].width + GAP for i in shown)

    @property
    def line_width(self) -> int:
        return MARGIN + sum(width + GAP for width in self.widths)

    def header(self, order: tuple[str, bool], base: Style, parse: StyleParser) -> Strip:
        """Column labels, the sort column marked with its direction."""
        key, descending = order
        cells = [Content(column.label) for column in self.columns]
        for index, column in enumerate(self.columns):
            if column.key == key:
                arrow = " ▼" if descending else " ▲"
                cells[index] = (cells[index] + arrow).stylize("paged-table--sorted")
        return self.line(cells, base, parse)

    def row(self, values: Sequence[object], base: Style, parse: StyleParser) -> Strip:
        """One row of store values, each through its column's formatter."""
        cells = [c.formatter(v) for c, v in zip(self.columns, values, strict=False)]
        return self.line(cells, base, parse)

    def line(self, cells: Sequence[Content], base: Style, parse: StyleParser) -> Strip:
        """Cells (one per column, all columns) fitted into the shown columns' widths."""
        segments: list[Segment] = [Segment(" " * MARGIN, base.rich_style)]
        for index, width in zip(self.shown, self.widths, strict=True):
            if index >= len(cells):
                break
            flat = one_line(cells[index])
            if self.columns[index].align == "right":
                fitted = flat.right(width, ellipsis=True)
            else:
                fitted = flat.truncate(width, ellipsis=True, pad=True)
            for text, style in fitted.render(base, end="", parse_style=parse):
                segments.append(Segment(text, style.rich_style))
            segments.append(Segment(" " * GAP, base.rich_style))
        return Strip(segments).extend_cell_length(self.line_width, base.rich_style)


TABLE_CLASSES = (
    "paged-table--header",
    "paged-table--sorted",
    "paged-table--cursor",
    "paged-table--odd",
    "paged-table--pending",
    "paged-table--alert",
    "paged-table--warn",
    "paged-table--dim",
)
"""PagedTable's component classes: the styles its lines are drawn with."""
TABLE_CSS = """
PagedTable {
    height: 1fr;
    background: $surface;
    color: $foreground;
    & > .paged-table--header { background: $panel; color: $text-primary; text-style: bold; }
    & > .paged-table--sorted { color: $text-accent; }
    & > .paged-table--odd { background: $surface-lighten-1; }
    & > .paged-table--cursor { background: $primary 40%; }
    &:focus > .paged-table--cursor { background: $primary; color: $foreground; }
    & > .paged-table--pending { color: $text-muted; }
    & > .paged-table--alert { color: $text-error; text-style: bold; }
    & > .paged-table--warn { color: $text-warning; }
    & > .paged-table--dim { color: $text-muted; }
}
"""
