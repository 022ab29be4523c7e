"""The triage session screen: the flow to its end, the lead policy, and a second app following
the lead's current item through the database."""

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import fixed_clock
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static
from ui_rows import NOW

from prodops_tui.app import ProdOpsApp
from prodops_tui.cli.triage import session_app
from prodops_tui.screens.session import SessionScreen
from prodops_tui.services import sessions
from prodops_tui.store.store import Store

SIZE = (80, 24)
QUEUE = ["jira:acme:1", "jira:acme:2", "jira:acme:3", "jira:acme:4"]


@pytest.fixture
def session_id(workspace_url: str) -> str:
    store = Store.open(workspace_url)
    try:
        started = sessions.start_session(
            store,
            queue=QUEUE,
            lead="lea",
            name="Weekly",
            participants=["bo"],
            timebox_minutes=45,
            now=NOW,
        )
    finally:
        store.close()
    return started.id


def stored(url: str, session_id: str) -> sessions.Session:
    store = Store.open(url)
    try:
        return sessions.get_session(store, session_id)
    finally:
        store.close()


def open_session(url: str, session_id: str, actor: str) -> ProdOpsApp:
    return session_app(session_id)(url, clock=fixed_clock, actor=actor, sync_interval=0)


def text(app: ProdOpsApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def until(pilot: Pilot[None], check: Callable[[], bool], seconds: float = 3.0) -> None:
    """Let the app run until `check()` holds (the screen polls once a second)."""
    for _ in range(int(seconds / 0.05)):
        if isinstance(pilot.app.screen, SessionScreen) and check():
            return
        await pilot.pause(0.05)
    raise AssertionError("the session screen did not get there in time")


async def test_a_session_runs_to_its_summary(
    workspace_url: str, session_id: str, tmp_path: Path
) -> None:
    app = open_session(workspace_url, session_id, "lea")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "PROD-1" in text(app, "#card-head"))
        assert "1 of 4" in text(app, "#session-bar") and "45:00 left" in text(app, "#session-bar")
        await pilot.press("n")
        await until(pilot, lambda: "PROD-2" in text(app, "#card-head"))
        await pilot.press("z")
        await until(pilot, lambda: "PROD-3" in text(app, "#card-head"))
        assert "3 of 4" in text(app, "#session-bar")
        await pilot.press("space")
        await until(pilot, lambda: "PAUSED" in text(app, "#session-bar"))
        await pilot.press("n")
        await pilot.pause(0.3)
        assert stored(workspace_url, session_id).current_item == QUEUE[2]
        assert "resume it first" in str(list(app._notifications)[-1].message)  # noqa: SLF001
        await pilot.press("space")
        await until(pilot, lambda: "PAUSED" not in text(app, "#session-bar"))
        await pilot.press("E")
        await pilot.press("y")
        await until(pilot, lambda: "ENDED" in text(app, "#session-bar"))
        await pilot.press("w")
        target = tmp_path / "summary.md"
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await until(pilot, target.exists)
    ended = stored(workspace_url, session_id)
    assert ended.state == "ended" and ended.items("parked") == (QUEUE[1],)
    assert ended.items("skipped") == (QUEUE[0],)
    assert target.read_text() == ended.summary
    assert "## Parked (1)\n\n- **PROD-2**" in ended.summary
    assert "## Not reached (2)" in ended.summary


async def test_a_participant_may_not_steer_a_lead_session(
    workspace_url: str, session_id: str
) -> None:
    app = open_session(workspace_url, session_id, "bo")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "following lea" in text(app, "#session-bar"))
        await pilot.press("1", "n", "z", "E")
        await pilot.pause(0.3)
        messages = [str(n.message) for n in app._notifications]  # noqa: SLF001
        assert "Only the lead (lea) decides in this session" in messages
        assert "1 of 4" in text(app, "#session-bar")
    assert stored(workspace_url, session_id).revision == 1


async def test_a_second_app_follows_the_leads_current_item(
    workspace_url: str, session_id: str
) -> None:
    lead = open_session(workspace_url, session_id, "lea")
    follower = open_session(workspace_url, session_id, "bo")
    async with lead.run_test(size=SIZE) as lead_pilot, follower.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "PROD-1" in text(follower, "#card-head"))
        await until(lead_pilot, lambda: "PROD-1" in text(lead, "#card-head"))
        await lead_pilot.press("z")
        moved = asyncio.get_running_loop().time()
        await until(pilot, lambda: "PROD-2" in text(follower, "#card-head"), seconds=2.0)
        assert asyncio.get_running_loop().time() - moved < 2.0
        assert "2 of 4" in text(follower, "#session-bar")
        assert "lea parked" in text(follower, "#session-log")


async def test_shift_s_on_the_backlog_starts_a_session_over_the_list(workspace_url: str) -> None:
    app = ProdOpsApp(workspace_url, clock=fixed_clock, actor="lea", sync_interval=0)
    async with app.run_test(size=SIZE) as pilot:
        await app.switch_mode("backlog")
        await pilot.pause(0.3)
        await pilot.press("S")
        await pilot.pause(0.1)
        fields = app.screen.query(Input)
        fields[1].value = "90000"
        fields[2].value = "bo, cy"
        fields[1].focus()
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert "1 to 480" in str(app.screen.query_one("#start-note", Static).render())
        fields[1].value = "30"
        await pilot.press("enter")
        await until(pilot, lambda: "1 of 200" in text(app, "#session-bar"))
        await pilot.press("escape")
        await pilot.pause(0.1)
        assert not isinstance(app.screen, SessionScreen)
    store = Store.open(workspace_url)
    try:
        (started,) = sessions.list_sessions(store)
    finally:
        store.close()
    assert (started.lead, started.participants, started.timebox_minutes) == (
        "lea",
        ("bo", "cy"),
        30,
    )
    assert len(started.queue) == 200 and started.state == "active"


async def test_decision_keys_record_the_session_and_undo_goes_back(
    workspace_url: str, session_id: str
) -> None:
    app = open_session(workspace_url, session_id, "lea")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "PROD-1" in text(app, "#card-head"))
        await pilot.press("p")
        await pilot.pause(0.1)
        await pilot.press("home", "enter")
        await until(pilot, lambda: "Priority Highest" in text(app, "#card-facts"))
        assert "lea PROD-1: priority Highest" in text(app, "#session-log")
        await pilot.press("1")
        await until(pilot, lambda: "PROD-2" in text(app, "#card-head"))
        assert "PROD-1: accept" in text(app, "#session-log")
        await pilot.press("u")
        await until(pilot, lambda: "PROD-1" in text(app, "#card-head"))
        assert "accept (undone)" in text(app, "#session-log")
        await pilot.press("3")
        await pilot.pause(0.2)
        await pilot.press("enter")  # a decline needs a reason: the dialog stays
        await pilot.pause(0.1)
        await pilot.press(*"Not this year", "enter")
        await until(pilot, lambda: "PROD-2" in text(app, "#card-head"))
        assert "PROD-1: decline (Not this year)" in text(app, "#session-log")
    store = Store.open(workspace_url)
    try:
        with store.read() as conn:
            from sqlalchemy import text as sql

            rows = conn.execute(sql("SELECT action, session_id FROM decision ORDER BY id")).all()
    finally:
        store.close()
    assert [tuple(r) for r in rows] == [
        ("priority", session_id),
        ("accept", session_id),
        ("undo", session_id),
        ("decline", session_id),
    ]


async def start_from_backlog(pilot: Pilot[None], queue: str) -> None:
    """shift+s on the Backlog, that queue chosen, Enter."""
    app = pilot.app
    await app.switch_mode("backlog")
    await pilot.pause(0.3)
    await pilot.press("S")
    await pilot.pause(0.3)
    app.screen.query_one("#start-queue", Select).value = queue
    app.screen.query_one("#start-name", Input).focus()
    await pilot.press("enter")


async def test_shift_s_starts_a_session_over_a_saved_view(workspace_url: str) -> None:
    store = Store.open(workspace_url)
    try:
        view = {
            "screen": "backlog",
            "name": "Bugs",
            "query": "type:bug priority:high",
            "sort": "key",
        }
        store.upsert("saved_view", [view])
    finally:
        store.close()
    app = ProdOpsApp(workspace_url, clock=fixed_clock, actor="lea", sync_interval=0)
    async with app.run_test(size=SIZE) as pilot:
        await start_from_backlog(pilot, "view:Bugs")
        await until(pilot, lambda: "Bugs" in text(app, "#session-bar"))
    store = Store.open(workspace_url)
    try:
        (started,) = sessions.list_sessions(store)
        wanted = sessions.queue_of_query(store, "type:bug priority:high sort:key", NOW)
    finally:
        store.close()
    assert started.view == "Bugs" and list(started.queue) == wanted and len(wanted) == 100


async def test_shift_s_goes_back_to_an_open_session(workspace_url: str, session_id: str) -> None:
    store = Store.open(workspace_url)
    try:
        sessions.pause(store, session_id, "lea")
    finally:
        store.close()
    app = ProdOpsApp(workspace_url, clock=fixed_clock, actor="lea", sync_interval=0)
    async with app.run_test(size=SIZE) as pilot:
        await start_from_backlog(pilot, f"session:{session_id}")
        await until(pilot, lambda: "Weekly" in text(app, "#session-bar"))
        await until(pilot, lambda: "PAUSED" not in text(app, "#session-bar"))
    assert stored(workspace_url, session_id).state == "active"


def test_the_status_line_counts_down_then_over(workspace_url: str, session_id: str) -> None:
    from datetime import timedelta

    from prodops_tui.screens.session_view import status_line

    session = stored(workspace_url, session_id)
    line = status_line(session, NOW + timedelta(seconds=65), "lea")
    assert str(line).endswith("⏱ 43:55 left  item 1:05")
    late = status_line(session, NOW + timedelta(minutes=46), "bo")
    assert "over 1:00" in str(late) and str(late).endswith("following lea")
