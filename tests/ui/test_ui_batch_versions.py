"""A Backlog batch decided on what the preview showed: an issue another member changed while
the preview was open keeps their change; the member is told, the rest is applied."""

from test_ui_sync import app_for, notes, open_backlog, rows, until
from textual.pilot import Pilot

from prodops_tui.screens.dialogs import PriorityDialog
from prodops_tui.screens.triage_dialogs import PreviewDialog
from prodops_tui.services import triage
from prodops_tui.store.store import Store
from prodops_tui.widgets.paged_table import PagedTable

SIZE = (160, 40)


async def shown(pilot: Pilot[None], kind: type) -> None:
    await until(pilot, lambda: isinstance(pilot.app.screen, kind))


async def test_a_batch_keeps_an_issue_another_member_changed(workspace_url: str) -> None:
    url = workspace_url
    app = app_for(url)
    async with app.run_test(size=SIZE) as pilot:
        await open_backlog(pilot)
        table = app.screen.query_one(PagedTable)
        table.cursor = 0
        first, second = (table.row_at(i) for i in range(2))
        assert first is not None and second is not None
        theirs = next(p for p in ("Lowest", "Low") if p != first[5])
        await pilot.press("space", "space", "p")
        await shown(pilot, PriorityDialog)
        await pilot.press("home", "enter")  # Highest
        await shown(pilot, PreviewDialog)
        bob = Store.open(url)
        try:
            triage.set_priority(bob, str(first[6]), theirs, "bob")
        finally:
            bob.close()
        await pilot.press("enter")
        await until(pilot, lambda: any("changed under you by bob" in n for n in notes(app)))
    found = rows(
        url, "SELECT id, priority FROM issue WHERE id IN (:a, :b)", a=first[6], b=second[6]
    )
    assert dict(found) == {first[6]: theirs, second[6]: "Highest"}
    stale = rows(url, "SELECT actor FROM decision WHERE target = :a ORDER BY id", a=first[6])
    assert [actor for (actor,) in stale] == ["bob", "pat"]
