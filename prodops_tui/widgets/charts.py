"""Small text charts: titled boxes of sparklines or bar rows, every label made safe."""

from collections.abc import Sequence

from textual.content import Content
from textual.widgets import Static

from prodops_tui.services.stats import bar, sparkline
from prodops_tui.widgets.safe_text import safe_text

SparkRow = tuple[str, Sequence[float], str]
"""Label, the series oldest first, and a caption (e.g. the latest value)."""
BarRow = tuple[str, float, str]
"""Label, the value the bar measures, and the text shown after the bar."""


def _label(text: str, width: int) -> Content:
    return safe_text(text).truncate(width, ellipsis=True, pad=True)


def spark_lines(rows: Sequence[SparkRow], label_width: int = 14) -> list[Content]:
    """`label  ▁▃▅█  caption` per series; the caption is muted."""
    return [
        Content.assemble(
            _label(label, label_width),
            " ",
            (sparkline(values), "$text-accent"),
            " ",
            (caption, "$text-muted"),
        )
        for label, values, caption in rows
    ]


def bar_lines(rows: Sequence[BarRow], label_width: int = 14, width: int = 12) -> list[Content]:
    """`label  ████▌  shown` per row, bars scaled to the largest value."""
    top = max((value for _, value, _ in rows), default=0.0)
    return [
        Content.assemble(
            _label(label, label_width),
            " ",
            (bar(value, top, width).ljust(width), "$text-accent"),
            " ",
            (shown, "$text-muted"),
        )
        for label, value, shown in rows
    ]


class Chart(Static):
    """A titled box holding one small chart; `empty` says why there is nothing to draw."""

    DEFAULT_CSS = """
    Chart {
        height: auto;
        padding: 0 1;
        border: round $panel-lighten-2;
        border-title-color: $text;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, title: str, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(Content("…").stylize("$text-muted"), id=id, classes=classes)
        self.border_title = title

    def show_lines(self, lines: Sequence[Content], empty: str) -> None:
        """Show the chart's lines, or the `empty` sentence when there are none."""
        if not lines:
            self.update(Content(empty).stylize("$text-muted"))
            return
        self.update(Content("\n").join(lines))

    def show_sparks(self, rows: Sequence[SparkRow], empty: str, label_width: int = 14) -> None:
        self.show_lines(spark_lines(rows, label_width), empty)

    def show_bars(
        self, rows: Sequence[BarRow], empty: str, label_width: int = 14, width: int = 12
    ) -> None:
        self.show_lines(bar_lines(rows, label_width, width), empty)
