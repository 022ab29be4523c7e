"""Themes and trends of the feedback: tags per week, NPS and CSAT over time, top issues by
evidence; computed by services.stats in a worker, drawn with widgets.charts."""

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll

from prodops_tui.screens.inbox_dialogs import InboxDialog
from prodops_tui.widgets.charts import BarRow, Chart, SparkRow
from prodops_tui.widgets.workspace import Workspace

WEEKS = 12


class TrendsDialog(InboxDialog[None]):
    """Four small charts over the last twelve weeks; Escape or `s` closes them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s,q", "dismiss(None)", "Close", id="trends.close"),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog -wide", id="trends"):
            yield Chart(f"Themes per week (last {WEEKS})", id="trend-themes")
            yield Chart("NPS (promoters − detractors) and CSAT (% 4-5)", id="trend-scores")
            yield Chart("Top issues by evidence", id="trend-issues")

    def on_mount(self) -> None:
        self.query_one("#trends").focus()
        self.compute()

    @work(thread=True, exclusive=True, group="trends")
    def compute(self) -> None:
        from prodops_tui.services import stats

        reader = self.workspace.reader
        period = stats.last_weeks(self.workspace.today(), WEEKS)
        themes: list[SparkRow] = [
            (t.tag, t.weekly, f"{t.total:,}") for t in stats.feedback_by_theme(reader, period)
        ]
        scores: list[SparkRow] = []
        for name, series in (
            ("NPS", stats.nps_by_week(reader, period)),
            ("CSAT", stats.csat_by_week(reader, period)),
        ):
            if series:
                caption = f"{series[-1].value:+.0f} ({series[-1].count:,} answers)"
                scores.append((name, [s.value for s in series], caption))
        issues: list[BarRow] = [
            (f"{i.key} {i.summary}", i.evidence, f"{i.evidence:,} · {i.orgs:,} orgs · {i.arr:,.0f}")
            for i in stats.top_issues(reader, 5)
        ]
        self.app.call_from_thread(self._show, themes, scores, issues)

    def _show(self, themes: list[SparkRow], scores: list[SparkRow], issues: list[BarRow]) -> None:
        self.query_one("#trend-themes", Chart).show_sparks(themes, "No tagged feedback yet")
        self.query_one("#trend-scores", Chart).show_sparks(scores, "No NPS or CSAT answers yet")
        self.query_one("#trend-issues", Chart).show_bars(issues, "No evidence yet", 30)
