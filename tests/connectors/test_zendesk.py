"""ZendeskConnector against the fake Zendesk, in-process: pull, resume, deletions, 429, 409."""

import time
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from prodops_tui.connectors.auth import bearer
from prodops_tui.connectors.base import Edit, Page
from prodops_tui.connectors.errors import BadResponse, Conflict, Rejected
from prodops_tui.connectors.http import HttpCore, RateBudget
from prodops_tui.connectors.zendesk import ZendeskConnector, zendesk_budgets
from prodops_tui.fakes.zendesk import Fault, create_app
from prodops_tui.services.generator import generate

DAY = date(2025, 1, 15)


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Sleeps(list[float]):
    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock(generate("tiny", 7, DAY).spec.now_ts + 3600)


@pytest.fixture
def app(clock: Clock) -> Starlette:
    return create_app(generate("tiny", 7, DAY), clock=clock, rate_clock=clock)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def core(app: Starlette, sleeps: Sleeps, budgets: tuple[RateBudget, ...] = ()) -> HttpCore:
    return HttpCore(
        "zendesk",
        "https://acme.zendesk.com",
        bearer("fake-token"),
        transport=httpx.ASGITransport(app=app),
        sleep=sleeps,
        budgets=budgets,
    )


@pytest.fixture
async def zendesk(app: Starlette, sleeps: Sleeps) -> AsyncIterator[ZendeskConnector]:
    async with core(app, sleeps) as http:
        options = {"subdomain": "acme", "per_page": 250}
        yield ZendeskConnector(http, connection_id="zendesk:acme", options=options)


async def pages(connector: ZendeskConnector, stream: str, cursor: str = "") -> list[Page]:
    return [page async for page in connector.pull(stream, cursor)]


def rows(found: list[Page]) -> list[dict[str, Any]]:
    return [row for page in found for row in page.rows]


async def test_check_names_the_account(zendesk: ZendeskConnector) -> None:
    assert await zendesk.check() == "Ops Admin"


async def test_full_pull_matches_the_generated_company(
    app: Starlette, zendesk: ZendeskConnector
) -> None:
    company = generate("tiny", 7, DAY)
    expected = {r["id"]: r for r in company.feedback() if r["kind"] == "ticket"}
    orgs = rows(await pages(zendesk, "orgs"))
    assert orgs == list(company.orgs())
    await pages(zendesk, "users")
    tickets = await pages(zendesk, "tickets")
    assert len(tickets) == 3 and all(page.table == "feedback" for page in tickets)
    got = {row["id"]: row for row in rows(tickets)}
    assert got.keys() == expected.keys()
    for key in (
        "requester",
        "requester_email",
        "org_id",
        "channel",
        "subject",
        "body",
        "tags",
        "created",
        "updated",
        "updated_stamp",
    ):
        assert [got[i][key] for i in expected] == [expected[i][key] for i in expected], key
    ratings = rows(await pages(zendesk, "ratings"))
    assert ratings and {row["score"] for row in ratings} == {1, 5}
    assert all(row["requester"] and row["id"].startswith("zendesk:acme:csat:") for row in ratings)


async def test_resume_from_after_cursor_sees_only_changes(
    app: Starlette, zendesk: ZendeskConnector, clock: Clock
) -> None:
    cursor = (await pages(zendesk, "tickets"))[-1].cursor
    assert await pages(zendesk, "tickets", cursor) == [Page("feedback", [], cursor)]
    app.state.touch(5, subject="Reworded remotely")
    app.state.delete(6)
    clock.now += 61
    again = await pages(zendesk, "tickets", cursor)
    assert [row["subject"] for row in rows(again)] == ["Reworded remotely"]
    assert again[-1].deleted_ids == ("zendesk:acme:ticket:6",)
    assert again[-1].cursor != cursor


async def test_retry_after_is_honoured(
    app: Starlette, zendesk: ZendeskConnector, sleeps: Sleeps
) -> None:
    app.state.faults.append(Fault("status", 429, retry_after=7, path="/api/v2/incremental"))
    found = await pages(zendesk, "orgs")
    assert len(rows(found)) == 20
    assert 7 in sleeps


async def test_a_truncated_page_yields_nothing_and_keeps_the_cursor(
    app: Starlette, zendesk: ZendeskConnector
) -> None:
    first = await pages(zendesk, "tickets")
    app.state.faults.append(Fault("truncated", path="/api/v2/incremental/tickets"))
    seen: list[Page] = []
    with pytest.raises(BadResponse):
        async for page in zendesk.pull("tickets", first[0].cursor):
            seen.append(page)
    assert seen == []


async def test_tag_edit_uses_safe_update(app: Starlette, zendesk: ZendeskConnector) -> None:
    ticket = dict(app.state.data.tickets[3])
    edit = Edit(
        "e-1",
        "zendesk:acme:ticket:3",
        "tags",
        {"add": ["vip"], "remove": [ticket["tags"][0]]},
        ticket["updated_at"],
    )
    applied = await zendesk.apply(edit)
    now = app.state.data.tickets[3]
    assert applied.remote_version == now["updated_at"] != ticket["updated_at"]
    assert now["tags"] == ticket["tags"][1:] + ["vip"]
    sent = app.state.writes[-1]["body"]["ticket"]
    assert (sent["safe_update"], sent["updated_stamp"]) == (True, ticket["updated_at"])
    assert (await zendesk.apply(edit)).remote_version == now["updated_at"]
    assert app.state.data.tickets[3]["tags"] == now["tags"]


async def test_stale_edit_is_a_conflict_and_changes_nothing(
    app: Starlette, zendesk: ZendeskConnector
) -> None:
    base = app.state.data.tickets[4]["updated_at"]
    app.state.touch(4, subject="Someone else edited this")
    before = dict(app.state.data.tickets[4])
    edit = Edit("e-2", "zendesk:acme:ticket:4", "tags", {"add": ["pm-triaged"], "remove": []}, base)
    with pytest.raises(Conflict) as caught:
        await zendesk.apply(edit)
    assert caught.value.remote_version == before["updated_at"]
    assert app.state.data.tickets[4] == before
    assert app.state.writes[-1]["status"] == 409


async def test_unsupported_edits_are_rejected(zendesk: ZendeskConnector) -> None:
    with pytest.raises(Rejected):
        await zendesk.apply(Edit("e-3", "zendesk:acme:ticket:1", "priority", {"name": "high"}, ""))


async def test_comments_for_the_reading_pane(app: Starlette, zendesk: ZendeskConnector) -> None:
    found = await zendesk.comments("zendesk:acme:ticket:1")
    assert found[0]["body"] == app.state.data.tickets[1]["description"]
    assert (
        found[0]["author"]
        == app.state.data.users[app.state.data.tickets[1]["requester_id"]]["name"]
    )


async def test_client_budget_spaces_incremental_exports(app: Starlette, sleeps: Sleeps) -> None:
    budget = RateBudget("zendesk.incremental", 0.25, 2)
    async with core(app, sleeps, (budget,)) as http:
        connector = ZendeskConnector(http, connection_id="zendesk:acme", options={"per_page": 100})
        started = time.monotonic()
        found = await pages(connector, "tickets")
        elapsed = time.monotonic() - started
    assert len(found) == 7
    assert elapsed >= 0.7
    assert zendesk_budgets()[0].limit == 10
