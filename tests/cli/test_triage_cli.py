"""`prodops triage`: list sessions, print or write a summary, refuse bad starts in one line."""

from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner, Result

from prodops_tui.cli import cli
from prodops_tui.config.load import load_config
from prodops_tui.services.sessions import park, start_session
from prodops_tui.store.store import Store

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["triage", *args])


def session_in_default_workspace() -> str:
    store = Store.open(load_config().workspace(None).url)
    try:
        store.upsert("issue", [{"id": f"i{n}", "key": f"API-{n}", "updated": T0} for n in (1, 2)])
        session = start_session(store, queue=["i1", "i2"], lead="lea", name="Weekly", now=T0)
        park(store, session.id, "lea", now=T0)
    finally:
        store.close()
    return session.id


def test_list_and_summary_of_a_session(tmp_path: Path) -> None:
    assert "no workspace database" in run("--list").output
    Store.open(load_config().workspace(None).url).close()
    assert "no triage sessions yet" in run("--list").output
    session_id = session_in_default_workspace()
    listed = run("--list")
    assert listed.exit_code == 0 and f"{session_id}  active " in listed.output
    assert "2 of 2" in listed.output and "lead lea  Weekly" in listed.output
    printed = run("--summary", session_id)
    assert printed.output.startswith("# Triage session: Weekly\n")
    assert "## Parked (1)\n\n- **API-1**" in printed.output
    target = tmp_path / "out.md"
    written = run("--summary", session_id, "--output", str(target))
    assert written.exit_code == 0 and target.read_text() == printed.output


def test_bad_requests_get_one_line_and_change_nothing() -> None:
    session_in_default_workspace()
    for args, message in [
        ((), "give one of"),
        (("--list", "--summary", "x"), "give one of"),
        (("--summary", "nope"), "no triage session 'nope'"),
        (("--issues", "API-1,API-9"), "no issue API-9 in the workspace"),
        (("--join", "nope"), "no triage session 'nope'"),
        (("--view", "Hot"), "no saved Backlog view 'Hot'"),
        (("--query", "stauts:x"), "bad query: unknown field 'stauts'"),
        (("--query", "key:API-77"), "the session's queue is empty"),
    ]:
        result = run(*args)
        assert result.exit_code != 0 and message in result.output, (args, result.output)
    assert run("--list").output.count("\n") == 1
