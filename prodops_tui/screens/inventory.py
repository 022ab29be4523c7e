"""Tools: the team's tool stack with seats, cost and renewals coming up; `a` `e` `r` `x` add,
edit, retire and delete a tool, and for a tool with a connection its health in the detail pane
with `s` sync now, `t` test and `c` sign in again (tool_actions, connection_keys)."""

from collections import defaultdict
from datetime import date
from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content

from prodops_tui.screens.connection_keys import ConnectionKeys
from prodops_tui.screens.health_panel import Shown, render_health
from prodops_tui.screens.list_screen import ListScreen, ListSpec
from prodops_tui.store.reads import ListQuery, Reader, Row
from prodops_tui.widgets.columns import ALERT, DAY_WIDTH, DIM, ColumnSpec, due, money, number
from prodops_tui.widgets.safe_text import safe_text, safe_value
from prodops_tui.widgets.workspace import Workspace

CHUNK = 256
DETAIL = ListQuery(
    "tool",
    (
        "id",
        "name",
        "category",
        "owner",
        "status",
        "seats_bought",
        "seats_used",
        "monthly_cost",
        "renewal_date",
        "connection_id",
        "notes",
    ),
)
"""The highlighted tool in full; positions below are into its rows (seq first)."""
ID, NAME, CONNECTION, BOUGHT = 1, 2, 10, 6
TOTALS = ListQuery("tool", ("status", "category", "seats_bought", "seats_used", "monthly_cost"))


def utilisation(value: Any) -> Content:
    """Seats used per seat bought: above 100% is flagged, below half is dim."""
    if value is None:
        return Content("")
    text = Content(f"{float(value):.0f}%")
    if value > 100:
        return text.stylize(ALERT)
    return text.stylize(DIM) if value < 50 else text


def columns(today: date) -> tuple[ColumnSpec, ...]:
    return (
        ColumnSpec("name", "Name", 20, flex=True),
        ColumnSpec("category", "Category", 14, drop=3),
        ColumnSpec("owner", "Owner", 15, drop=5),
        ColumnSpec("seats_bought", "Seats", 5, align="right", formatter=number),
        ColumnSpec("seats_used", "Used", 5, align="right", formatter=number),
        ColumnSpec("utilisation", "Use", 5, align="right", formatter=utilisation, drop=1),
        ColumnSpec("monthly_cost", "Monthly", 8, align="right", formatter=money),
        ColumnSpec("yearly_cost", "Yearly", 9, align="right", formatter=money, drop=2),
        ColumnSpec("renewal_date", "Renewal", DAY_WIDTH, formatter=due(today)),
        ColumnSpec("status", "Status", 10),
        ColumnSpec("notes", "Notes", 16, drop=6),
    )


def _renewal(value: Any, today: date) -> Content:
    if not value:
        return Content("none")
    days = (date.fromisoformat(str(value)[:10]) - today).days
    when = f"in {days} days" if days >= 0 else f"{-days} days ago: lapsed"
    line = Content(f"{value} ({when})")
    return line.stylize("$text-error" if days <= 30 else "$text-warning") if days <= 90 else line


def render_facts(row: Row, today: date) -> Content:
    """The tool's owner, status, seats (flagged above bought), cost, renewal and notes."""
    _, _, name, category, owner, status, bought, used, cost, renewal, connection, notes = row
    seats = Content(f"{used:,} used of {bought:,} bought")
    if used > bought:
        seats += Content(f"  {used - bought:,} above bought").stylize("$text-warning")
    facts = [
        ("Category", safe_value(category)),
        ("Owner", safe_value(owner)),
        ("Status", safe_value(status)),
        ("Seats", seats),
        ("Cost", Content(f"{cost:,.0f} a month · {cost * 12:,.0f} a year")),
        ("Renewal", _renewal(renewal, today)),
        ("Connector", safe_value(connection)),
    ]
    lines = [safe_text(name).stylize("bold")]
    lines += [
        Content.assemble((f"{label:<11}", "$text-muted"), value)
        for label, value in facts
        if value.plain
    ]
    if notes:
        lines += [safe_value(notes)]
    return Content("\n").join(lines)


def totals(reader: Reader) -> Content:
    """Monthly and yearly cost, unused seats, and cost per category over the tools in use."""
    seqs = reader.snapshot(TOTALS)
    by_category: dict[str, float] = defaultdict(float)
    unused, tools, over = 0, 0, 0
    for start in range(0, len(seqs), CHUNK):
        for _, status, category, bought, used, monthly in reader.rows(
            TOTALS, seqs[start : start + CHUNK]
        ):
            if status != "retired":
                tools += 1
                by_category[category or "Uncategorised"] += monthly or 0.0
                unused += max((bought or 0) - (used or 0), 0)
                over += (used or 0) > (bought or 0)
    cost = sum(by_category.values())
    head = Content.assemble(
        ("Monthly ", "$text-muted"),
        (f"{cost:,.0f}", "bold"),
        ("  Yearly ", "$text-muted"),
        (f"{cost * 12:,.0f}", "bold"),
        ("  Unused seats ", "$text-muted"),
        (f"{unused:,}", "bold"),
        ("  Over-used ", "$text-muted"),
        (f"{over:,}", f"bold {'$text-warning' if over else ''}"),
        (f"  {tools:,} tools in use", "$text-muted"),
    )
    ranked = sorted(by_category.items(), key=lambda item: (-item[1], item[0]))
    parts = [Content.assemble(safe_text(name), f" {amount:,.0f}") for name, amount in ranked]
    return head + Content("\n") + Content(" · ").join(parts)


class ToolsScreen(ConnectionKeys, ListScreen):
    """The tool inventory; renewals within 30 days stand out, within 90 days are marked."""

    CSS_PATH = "inventory.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add", tooltip="Add a tool", id="tools.add"),
        Binding("e", "edit", "Edit", tooltip="Edit the tool", id="tools.edit", show=False),
        Binding(
            "r", "retire", "Retire", tooltip="Mark the tool retired", id="tools.retire", show=False
        ),
        Binding(
            "x,delete",
            "delete",
            "Delete",
            tooltip="Delete after a yes",
            id="tools.delete",
            show=False,
        ),
        Binding(
            "s", "sync_now", "Sync now", tooltip="Sync its connection", id="tools.sync", show=False
        ),
        Binding("t", "test", "Test", tooltip="Test its connection", id="tools.test", show=False),
        Binding(
            "c",
            "sign_in",
            "Sign in",
            tooltip="Give its connection a new secret",
            id="tools.auth",
            show=False,
        ),
        Binding(
            "E", "export", "Export", tooltip="Write tools-DATE.csv", id="tools.export", show=False
        ),
    ]

    def __init__(self, workspace: Workspace) -> None:
        cols = columns(workspace.today())
        query = ListQuery("tool", tuple(c.key for c in cols))
        hint = "Filter: every word in name, category, owner or notes"
        spec = ListSpec(
            query, cols, DETAIL, self.render_tool, "tools", filter_hint=hint, summary=totals
        )
        super().__init__(workspace, spec)
        self.shown: dict[str, Shown] = {}
        """Connection id -> what the health section knows about it."""
        self.current: Row | None = None
        """The tool the detail pane shows."""

    def render_tool(self, row: Row) -> Content:
        """The tool's facts and, when it has a connection, that connection's health."""
        self.current = row
        today = self.workspace.today()
        facts = render_facts(row, today)
        connection = row[CONNECTION]
        if not connection:
            return facts
        if connection not in self.shown:
            self.shown[connection] = Shown(busy="reading…")
            self.load_health(connection)
        health = render_health(
            self.shown[connection], int(row[BOUGHT] or 0), self.workspace.clock()
        )
        return facts + Content("\n\n") + health

    def data_changed(self) -> None:
        if self.current is not None and self.current[CONNECTION]:
            self.load_health(self.current[CONNECTION])
