"""JiraConnector reads against the fake Jira: full and incremental pulls, deletions, bad input."""

from datetime import date

import httpx
import pytest

from prodops_tui.connectors import jira_pull
from prodops_tui.connectors.errors import AuthError, BadResponse, RateLimited
from prodops_tui.fakes.jira import Fault
from prodops_tui.services.generator import generate
from tests.connectors.jira_helpers import Sleeps, connector, fake_jira, pull_all

LOCAL_ONLY = {"triage_state", "snoozed_until", "reach", "impact", "confidence", "effort", "score"}


async def test_check_returns_the_display_name() -> None:
    async with connector(fake_jira()) as jira:
        assert await jira.check() == "Acme Ops Bot"


async def test_wrong_token_is_an_auth_error() -> None:
    async with connector(fake_jira(token="other")) as jira:
        with pytest.raises(AuthError) as caught:
            await jira.check()
    assert "fake-token" not in caught.value.message


async def test_full_pull_matches_the_generated_backlog() -> None:
    app = fake_jira()
    expected = {row["id"]: row for row in generate("tiny", 7, date(2025, 6, 1)).issues()}
    async with connector(app) as jira:
        pages = await pull_all(jira)
    rows = [row for page in pages for row in page.rows]
    assert len(rows) == len(expected) == 200
    assert all(page.table == "issue" for page in pages)
    for row in rows:
        want = expected[row["id"]]
        assert not LOCAL_ONLY & set(row)
        for column in row:
            assert row[column] == want[column], column
    cursors = [page.cursor for page in pages]
    assert cursors == sorted(cursors)
    assert cursors[-1] == max(row["updated"] for row in rows).isoformat()


async def test_incremental_pull_returns_changes_and_the_overlap_only() -> None:
    app = fake_jira()
    async with connector(app) as jira:
        cursor = (await pull_all(jira))[-1].cursor
        app.state.touch("CHK-3", summary="Renamed remotely", priority="Highest")
        app.state.touch("MOB-2", labels=["regression", "remote"])
        again = await pull_all(jira, cursor)
    rows = {row["key"]: row for page in again for row in page.rows}
    assert {"CHK-3", "MOB-2"} <= set(rows)
    assert rows["CHK-3"]["summary"] == "Renamed remotely"
    assert rows["CHK-3"]["priority"] == "Highest"
    assert rows["MOB-2"]["labels"] == ["regression", "remote"]
    assert len(rows) < 10


async def test_incremental_window_is_minute_precision_in_the_account_zone() -> None:
    app = fake_jira(time_zone="America/New_York")
    seen: list[str] = []

    async def record(response: httpx.Response) -> None:
        request = response.request
        if request.url.path.endswith("/search/jql"):
            seen.append(request.content.decode())

    async with connector(app, hooks=[record]) as jira:
        await pull_all(jira, "2025-05-01T12:00:30+00:00")
    assert 'updated >= \\"2025/05/01 07:58\\"' in seen[0]
    assert "ORDER BY updated ASC, key ASC" in seen[0]


async def test_deleted_issues_vanish_from_live_ids() -> None:
    app = fake_jira()
    async with connector(app) as jira:
        before = await jira.live_ids()
        app.state.delete("CHK-1")
        after = await jira.live_ids()
    assert len(before) == 200
    assert before - after == {"jira:acme:" + app.state.data.keys["CHK-1"]}


async def test_a_429_storm_is_survived_honouring_retry_after() -> None:
    app = fake_jira()
    app.state.faults.extend(
        Fault("status", status=429, retry_after=3, path="/rest/api/3/search") for _ in range(3)
    )
    sleeps = Sleeps()
    async with connector(app, sleep=sleeps) as jira:
        rows = [row for page in await pull_all(jira) for row in page.rows]
    assert len(rows) == 200
    assert sleeps.waits == [3, 3, 3]


async def test_the_fake_budget_answers_429_with_retry_after() -> None:
    app = fake_jira(rate_per_minute=3)
    sleeps = Sleeps()
    async with connector(app, sleep=sleeps) as jira:
        with pytest.raises(RateLimited):
            await pull_all(jira)
    assert sleeps.waits and all(wait >= 1 for wait in sleeps.waits)


@pytest.mark.parametrize("kind", ["html", "truncated"])
async def test_broken_bodies_are_bad_responses(kind: str) -> None:
    app = fake_jira()
    app.state.faults.append(Fault(kind, status=200, path="/rest/api/3/issue/bulkfetch"))
    async with connector(app) as jira:
        with pytest.raises(BadResponse):
            await pull_all(jira)


async def test_bulkfetch_gaps_become_deleted_ids() -> None:
    async with connector(fake_jira()) as jira:
        scope = await jira.scope()
        rows, gone = await jira_pull._fetch(jira.http, scope, ["10001", "99999"])
    assert [row["id"] for row in rows] == ["jira:acme:10001"]
    assert gone == ("jira:acme:99999",)
