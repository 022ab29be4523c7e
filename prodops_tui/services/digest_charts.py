"""Geometry of the digest's inline SVG charts: plain numbers the HTML template draws."""

from collections.abc import Sequence
from dataclasses import dataclass

from prodops_tui.services.stats import WeekScore


@dataclass(frozen=True)
class Bar:
    """One bar (horizontal or a column): its label, its value as text, and its rectangle."""

    label: str
    shown: str
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, one row per item, labels on the left."""

    width: int
    height: int
    label_width: int
    bars: list[Bar]


@dataclass(frozen=True)
class ColumnChart:
    """Vertical bars per week with the week under each and the value above."""

    width: int
    height: int
    baseline: float
    columns: list[Bar]


@dataclass(frozen=True)
class LineChart:
    """A weekly line between fixed bounds (e.g. -100..100 for NPS) with a zero or mid line."""

    width: int
    height: int
    points: str
    """The polyline's `points` attribute."""
    dots: list[tuple[float, float, str]]
    """(x, y, value text) of each week."""
    guide_y: float
    low: str
    high: str
    first: str
    last: str


def bar_chart(
    rows: Sequence[tuple[str, float, str]], width: int = 600, label_width: int = 230
) -> BarChart:
    """Bars scaled to the largest value; each row 22 px high."""
    row, gap = 22, 6
    room = width - label_width - 90
    top = max((value for _, value, _ in rows), default=0.0) or 1.0
    bars = [
        Bar(label, shown, label_width, i * row + gap / 2, max(room * value / top, 1.0), row - gap)
        for i, (label, value, shown) in enumerate(rows)
    ]
    return BarChart(width, max(len(rows) * row, row), label_width, bars)


def column_chart(
    labels: Sequence[str], values: Sequence[float], width: int = 600, height: int = 120
) -> ColumnChart:
    """One column per label, scaled to the largest value (a zero draws nothing)."""
    top = max(values, default=0.0) or 1.0
    slot = width / max(len(values), 1)
    baseline = height - 18
    room = baseline - 16
    columns = [
        Bar(
            label,
            f"{value:,.0f}",
            i * slot + slot * 0.2,
            baseline - room * value / top,
            slot * 0.6,
            room * value / top,
        )
        for i, (label, value) in enumerate(zip(labels, values, strict=True))
    ]
    return ColumnChart(width, height, baseline, columns)


def line_chart(
    points: Sequence[WeekScore],
    low: float,
    high: float,
    unit: str = "",
    width: int = 290,
    height: int = 110,
) -> LineChart:
    """The weekly values between `low` and `high`, the guide at zero (or mid-range)."""
    pad_x, pad_top, pad_bottom = 24.0, 18.0, 20.0
    inner_w, inner_h = width - 2 * pad_x, height - pad_top - pad_bottom

    def y(value: float) -> float:
        clamped = min(max(value, low), high)
        return pad_top + inner_h * (high - clamped) / (high - low)

    step = inner_w / max(len(points) - 1, 1)
    xy = [(pad_x + i * step, y(p.value)) for i, p in enumerate(points)]
    guide = 0.0 if low < 0 < high else (low + high) / 2
    return LineChart(
        width,
        height,
        " ".join(f"{px:.1f},{py:.1f}" for px, py in xy),
        [(px, py, f"{p.value:.0f}{unit}") for (px, py), p in zip(xy, points, strict=True)],
        y(guide),
        f"{low:.0f}{unit}",
        f"{high:.0f}{unit}",
        points[0].week if points else "",
        points[-1].week if points else "",
    )
