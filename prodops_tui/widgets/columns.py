"""Column specs and cell formatters for PagedTable: every cell is Content, never markup."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from textual.content import Content

from prodops_tui.widgets.safe_text import safe_value

Align = Literal["left", "right"]
Formatter = Callable[[Any], Content]

ALERT = "paged-table--alert"
"""Span style for values that need action now (a component class of PagedTable)."""
WARN = "paged-table--warn"
DIM = "paged-table--dim"

DAY_WIDTH = len("2025-03-10")
"""Width of a column shown with `day` or `due`."""
MINUTE_WIDTH = len("2025-03-10 06:44")
"""Width of a column shown with `minute`."""


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a PagedTable: the ListQuery column, its header and how to show a value."""

    key: str
    label: str
    width: int
    align: Align = "left"
    formatter: Formatter = safe_value
    flex: bool = False
    """Takes the width left over by the other columns."""
    sortable: bool = True
    drop: int = 0
    """When the table is too narrow, columns with the highest `drop` go first; 0 always stays."""


def number(value: Any) -> Content:
    """Integers and floats with thousands separators; whole floats lose their decimals."""
    if value is None:
        return Content("")
    if isinstance(value, float) and not value.is_integer():
        return Content(f"{value:,.1f}")
    return Content(f"{int(value):,}")


def money(value: Any) -> Content:
    """An amount in the workspace currency, without cents."""
    return Content("") if value is None else Content(f"{float(value):,.0f}")


def percent(value: Any) -> Content:
    return Content("") if value is None else Content(f"{float(value):g}%")


def day(value: Any) -> Content:
    """The date part of an ISO date or timestamp."""
    return Content("") if value is None else safe_value(str(value)[:10])


def minute(value: Any) -> Content:
    """An ISO timestamp to the minute."""
    return Content("") if value is None else safe_value(str(value)[:16])


def count(value: Any) -> Content:
    """A count where zero is shown dim, so the rows with links stand out."""
    if not value:
        return Content("0").stylize(DIM)
    return number(value)


def due(today: date) -> Formatter:
    """A renewal date, marked when it falls within 30 (alert) or 90 (warn) days of today."""

    def format_due(value: Any) -> Content:
        if value is None:
            return Content("")
        text = str(value)[:10]
        days = (date.fromisoformat(text) - today).days
        if 0 <= days <= 30:
            return Content(text).stylize(ALERT)
        if 0 <= days <= 90:
            return Content(text).stylize(WARN)
        return Content(text)

    return format_due
