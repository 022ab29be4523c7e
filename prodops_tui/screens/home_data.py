"""What Home reads before its first frame: source health, two short lists and the counts over
small tables (a few ms on the UI thread for SQLite)."""

from dataclasses import dataclass

from prodops_tui.models.enums import ExperimentStatus, ToolStatus
from prodops_tui.screens.home_cards import Counts
from prodops_tui.services.sources import sources
from prodops_tui.store.reads import SUMMARY_STEPS, ListQuery, Row
from prodops_tui.widgets.workspace import Workspace

LIST_SIZE = 5
RENEWALS = ListQuery(
    "tool",
    ("name", "renewal_date", "monthly_cost"),
    order=(("renewal_date", False),),
    filters=(("status", ToolStatus.ACTIVE.value),),
)
RUNNING = ListQuery(
    "experiment", ("name", "start"), filters=(("status", ExperimentStatus.RUNNING.value),)
)


@dataclass(frozen=True)
class Overview:
    """What Home shows from small tables: read before any count over the big ones."""

    counts: Counts
    """The cheap counts (first of SUMMARY_STEPS) plus `stale`, `failing` and `sources`."""
    renewals: list[Row]
    running: list[Row]


def read_overview(workspace: Workspace) -> Overview:
    """Source health, the two short lists and the counts over small tables."""
    reader = workspace.reader
    today = workspace.today()
    found = sources(reader, workspace.clock(), workspace.sync_minutes)
    health = {
        "stale": sum(s.state in ("stale", "never synced") for s in found),
        "failing": sum(s.state == "failing" for s in found),
        "sources": len(found),
    }
    due = [r for r in reader.first_page(RENEWALS, 256) if r[2] and str(r[2]) >= today.isoformat()]
    counts = reader.summary(today, SUMMARY_STEPS[0]) | health
    return Overview(counts, due[:LIST_SIZE], reader.first_page(RUNNING, LIST_SIZE))
