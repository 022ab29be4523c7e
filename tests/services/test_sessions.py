"""services.sessions: a triage session's queue, clocks, people and summary, all in the DB row,
so a second Store (another process) sees and steers the same session."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from prodops_tui.services import sessions
from prodops_tui.services.edits import set_priority
from prodops_tui.services.session_card import read_card
from prodops_tui.services.session_summary import current_summary
from prodops_tui.store.store import Store, StoreError

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.fixture
def queue(store: Store) -> list[str]:
    store.upsert("connection", [{"id": "jira:acme", "kind": "jira", "name": "J", "base_url": "x"}])
    store.upsert("org", [{"id": "org-1", "name": "Globex", "arr": 120000.0}])
    rows = [
        {
            "id": f"jira:acme:{n}",
            "connection_id": "jira:acme",
            "key": f"API-{n}",
            "summary": f"Export | fails {n}",
            "description_md": "Line one.\n\nLine *two* " + "x" * 600,
            "status": "To Do",
            "priority": "Medium",
            "score": 12.5 * n,
            "updated": T0,
        }
        for n in range(1, 5)
    ]
    store.upsert("issue", rows)
    feedback = [
        {"id": f"zd:{n}", "subject": f"Subject {n}", "requester": f"R{n}", "org_id": "org-1"}
        for n in range(1, 4)
    ]
    store.upsert("feedback", [{**f, "updated": T0} for f in feedback])
    store.upsert(
        "evidence",
        [
            {"feedback_id": "zd:1", "issue_id": "jira:acme:1", "importance": 1, "quote": "meh"},
            {
                "feedback_id": "zd:2",
                "issue_id": "jira:acme:1",
                "importance": 3,
                "quote": "blocker!",
            },
            {"feedback_id": "zd:3", "issue_id": "jira:acme:1", "importance": 2},
        ],
    )
    return [row["id"] for row in rows]


@pytest.fixture
def other(db_url: str, store: Store) -> Iterator[Store]:
    """A second Store on the same database: another process's view of the workspace."""
    second = Store.open(db_url)
    try:
        yield second
    finally:
        second.close()


def started(store: Store, queue: list[str], **options: object) -> sessions.Session:
    return sessions.start_session(
        store,
        queue=queue,
        lead="lea",
        name="Weekly",
        timebox_minutes=30,
        now=T0,
        **options,  # type: ignore[arg-type]
    )


def test_a_session_walks_its_queue_with_clocks_and_outcomes(store: Store, queue: list[str]) -> None:
    session = started(store, queue)
    assert (session.current_item, session.counter(), session.state) == (
        queue[0],
        "1 of 4",
        "active",
    )
    after = sessions.skip(store, session.id, "lea", now=at(40))
    after = sessions.park(store, session.id, "lea", now=at(100))
    assert (after.current_item, after.counter()) == (queue[2], "3 of 4")
    assert after.items("skipped") == (queue[0],) and after.items("parked") == (queue[1],)
    assert after.item_seconds(queue[0], at(100)) == 40
    assert after.item_seconds(queue[1], at(100)) == 60
    assert after.item_seconds(queue[2], at(130)) == 30
    assert after.seconds_left(at(130)) == 30 * 60 - 130


def test_pause_stops_the_clocks_and_resume_restarts_them(store: Store, queue: list[str]) -> None:
    session = started(store, queue)
    paused = sessions.pause(store, session.id, "lea", now=at(50))
    assert paused.state == "paused" and paused.active_seconds(at(500)) == 50
    with pytest.raises(sessions.SessionRefused, match="paused"):
        sessions.skip(store, session.id, "lea", now=at(60))
    resumed = sessions.resume(store, session.id, "lea", now=at(1000))
    assert resumed.state == "active"
    assert resumed.item_seconds(queue[0], at(1010)) == 60
    assert resumed.active_seconds(at(1010)) == 60
    with pytest.raises(sessions.SessionRefused, match="already running"):
        sessions.resume(store, session.id, "lea")


def test_a_second_process_resumes_joins_and_follows(
    store: Store, other: Store, queue: list[str]
) -> None:
    session = started(store, queue, participants=["bo"], policy="anyone")
    sessions.pause(store, session.id, "lea", now=at(10))
    sessions.resume(other, session.id, "lea", now=at(20))
    sessions.join(other, session.id, "cy")
    sessions.skip(other, session.id, "bo", now=at(30))
    sessions.park(store, session.id, "cy", now=at(35))
    seen = sessions.get_session(store, session.id)
    assert seen.participants == ("bo", "cy")
    assert seen.items("skipped") == (queue[0],) and seen.items("parked") == (queue[1],)
    assert seen.current_item == queue[2] and seen.revision == 6
    assert seen.progress["last"] == {"actor": "cy", "action": "parked", "item": queue[1]}
    assert [s.id for s in sessions.list_sessions(other)] == [session.id]


def test_under_lead_policy_a_participant_may_not_steer_or_decide(
    store: Store, queue: list[str]
) -> None:
    session = started(store, queue, participants=["bo"])
    with pytest.raises(sessions.SessionRefused, match=r"Only the lead \(lea\) decides"):
        sessions.skip(store, session.id, "bo")
    with pytest.raises(sessions.SessionRefused, match="Only the lead"):
        prioritise(store, session.id, "bo", queue[0], final=False)
    assert count(store, "decision") == 0 and count(store, "outbox") == 0
    assert sessions.get_session(store, session.id).revision == 1


def test_under_anyone_policy_only_members_decide(store: Store, queue: list[str]) -> None:
    session = started(store, queue, participants=["bo"], policy="anyone")
    assert sessions.refusal(session, "bo") == ""
    assert "prodops triage --join" in sessions.refusal(session, "zed")
    joined = sessions.join(store, session.id, "zed")
    assert sessions.refusal(joined, "zed") == ""


def test_a_decision_on_an_item_the_session_left_changes_nothing(
    store: Store, queue: list[str]
) -> None:
    session = started(store, queue)
    sessions.skip(store, session.id, "lea")
    with pytest.raises(sessions.SessionRefused, match="moved on"):
        prioritise(store, session.id, "lea", queue[0], final=True)
    assert count(store, "decision") == 0


def test_ending_stores_a_markdown_summary(store: Store, queue: list[str]) -> None:
    session = started(store, queue, participants=["bo"])
    sessions.park(store, session.id, "lea", now=at(65))
    sessions.skip(store, session.id, "lea", now=at(80))
    preview = current_summary(store, sessions.get_session(store, session.id), at(90))
    assert "still running" in preview
    ended = sessions.end_session(store, session.id, "lea", now=at(100))
    assert ended.state == "ended" and ended.ended_at == at(100)
    summary = sessions.get_session(store, session.id).summary
    assert summary.startswith("# Triage session: Weekly\n")
    assert "- Lead: lea; participants: bo; decisions by: lead" in summary
    assert "2 of 4 items seen, 0 decided, 1 parked, 1 skipped" in summary
    assert "## Parked (1)\n\n- **API-1** Export \\| fails 1" in summary
    assert "## Not reached (2)" in summary and "**API-4**" in summary
    assert "| API-1 | 1:05 |" in summary and "| API-3 | 0:20 |" in summary
    assert "1:40 of a 30-minute timebox" in summary
    assert current_summary(store, ended, at(999)) == summary
    with pytest.raises(sessions.SessionRefused, match="has ended"):
        sessions.skip(store, session.id, "lea")


def test_bad_starts_are_refused_and_write_nothing(store: Store, queue: list[str]) -> None:
    for options, message in [
        ({"queue": []}, "queue is empty"),
        ({"timebox_minutes": 0}, "timebox"),
        ({"policy": "mob"}, "unknown policy"),
        ({"lead": " "}, "needs a lead"),
    ]:
        arguments = {"queue": queue, "lead": "lea", **options}
        with pytest.raises(StoreError, match=message):
            sessions.start_session(store, **arguments)  # type: ignore[arg-type]
    with pytest.raises(StoreError, match="no triage session"):
        sessions.get_session(store, "nope")
    assert count(store, "triage_session") == 0


def test_issues_resolve_from_keys_or_ids(store: Store, queue: list[str]) -> None:
    assert sessions.resolve_issues(store, ["API-2", queue[0], "API-2"]) == [queue[1], queue[0]]
    with pytest.raises(StoreError, match="no issue API-9"):
        sessions.resolve_issues(store, ["API-1", "API-9"])


def test_the_card_shows_the_strongest_evidence_first(store: Store, queue: list[str]) -> None:
    card = read_card(store, queue[0])
    assert (card.key, card.score, card.evidence) == ("API-1", 12.5, 3)
    assert [q.text for q in card.quotes] == ["blocker!", "Subject 3", "meh"]
    assert card.quotes[0].org == "Globex" and card.quotes[0].requester == "R2"
    assert card.excerpt.startswith("Line one. Line *two*") and len(card.excerpt) == 480


def prioritise(store: Store, session_id: str, actor: str, item: str, *, final: bool) -> None:
    def apply(_: str) -> str:
        return set_priority(store, item, "High", actor)

    sessions.decide(store, session_id, actor, item, "priority", apply, final=final)


def count(store: Store, table: str) -> int:
    with store.read() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_concurrent_joins_from_two_processes_lose_nobody(
    store: Store, other: Store, queue: list[str]
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    session = started(store, queue, policy="anyone")
    names = [f"p{n}" for n in range(16)]
    with ThreadPoolExecutor(4) as pool:
        list(
            pool.map(
                lambda n: sessions.join((store, other)[n % 2], session.id, names[n]), range(16)
            )
        )
    seen = sessions.get_session(other, session.id)
    assert sorted(seen.participants) == sorted(names) and seen.revision == 17


def test_decisions_carry_the_session_and_final_ones_move_on(store: Store, queue: list[str]) -> None:
    from prodops_tui.services import triage
    from prodops_tui.services.triage_undo import undo_last

    session = started(store, queue, participants=["bo"], policy="anyone")

    def run(actor: str, item: str, action: triage.Action, final: bool) -> sessions.Session:
        def apply(session_id: str) -> triage.Decided:
            return triage.decide(store, item, action, actor, session_id=session_id)

        return sessions.decide(store, session.id, actor, item, action.kind, apply, final=final)[1]

    after = run("lea", queue[0], triage.Action("priority", "High"), False)
    assert after.current_item == queue[0] and after.items("decided") == (queue[0],)
    after = run("bo", queue[0], triage.Action("accept"), True)
    assert after.current_item == queue[1]
    after = run("lea", queue[1], triage.Action("decline", reason="Not our market"), True)
    assert after.current_item == queue[2]
    _, after = sessions.undo(store, session.id, "lea", lambda: undo_last(store, "lea"))
    assert after.current_item == queue[1] and after.items("decided") == (queue[0],)
    assert after.progress["last"] == {"actor": "lea", "action": "undid", "item": queue[1]}
    with store.read() as conn:
        tagged = conn.execute(text("SELECT count(*) FROM decision WHERE session_id IS NULL"))
        assert tagged.scalar_one() == 0
    summary = sessions.end_session(store, session.id, "lea").summary
    assert "| API-1 Export \\| fails 1 | priority High |  | lea |" in summary
    assert "| accept |  | bo |" in summary
    assert "| decline (undone) | Not our market | lea |" in summary
    assert "1 decided, 0 parked, 0 skipped" in summary


def test_a_decision_on_an_issue_changed_meanwhile_is_logged_not_applied(
    store: Store, other: Store, queue: list[str]
) -> None:
    from prodops_tui.services import triage
    from prodops_tui.services.versions import ItemChanged

    session = started(store, queue, participants=["bo"], policy="anyone")
    seen = read_card(other, queue[0]).version

    def decide(member: Store, actor: str, action: triage.Action, version: int) -> None:
        def apply(sid: str) -> triage.Decided:
            return triage.decide(
                member, queue[0], action, actor, session_id=sid, seen_version=version
            )

        final = action.kind == "accept"
        sessions.decide(member, session.id, actor, queue[0], action.kind, apply, final=final)

    decide(store, "lea", triage.Action("priority", "High"), seen)
    with pytest.raises(ItemChanged):
        decide(other, "bo", triage.Action("accept"), seen)
    after = sessions.get_session(store, session.id)
    assert after.current_item == queue[0] and after.items("decided") == (queue[0],)
    summary = sessions.end_session(store, session.id, "lea").summary
    assert "| accept (not applied: the issue changed meanwhile) |  | bo |" in summary


def test_a_queue_comes_from_a_query_or_a_saved_view(store: Store, queue: list[str]) -> None:
    for item in (queue[1], queue[3]):
        with store.write() as conn:
            conn.execute(text("UPDATE issue SET priority = 'High' WHERE id = :id"), {"id": item})
    assert sessions.queue_of_query(store, "priority:high sort:key", T0) == [queue[1], queue[3]]
    assert sessions.queue_of_query(store, "score>20", T0, limit=2) == [queue[3], queue[2]]
    with pytest.raises(StoreError, match="bad query: unknown field 'stauts'"):
        sessions.queue_of_query(store, "stauts:open", T0)
    view = {"screen": "backlog", "name": "Hot", "query": "priority:high", "sort": "-key"}
    store.upsert("saved_view", [view])
    assert sessions.queue_of_view(store, "Hot", T0) == [queue[3], queue[1]]
    with pytest.raises(StoreError, match="no saved Backlog view 'Cold'"):
        sessions.queue_of_view(store, "Cold", T0)
