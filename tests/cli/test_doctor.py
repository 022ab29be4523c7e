"""`prodops doctor` on a headless box: every check on one line, exit 1 when one fails."""

import sqlite3
from collections.abc import Iterator
from datetime import date

import pytest
from click.testing import CliRunner, Result

from prodops_tui.cli import cli
from prodops_tui.config import paths
from prodops_tui.fakes.serve import RunningFakes, start_fakes
from prodops_tui.services.doctor import check_outbox
from prodops_tui.services.generator import generate
from prodops_tui.store.store import Store


@pytest.fixture
def fakes() -> Iterator[RunningFakes]:
    with start_fakes(generate("tiny", 7, date(2025, 1, 15))) as running:
        yield running


@pytest.fixture(autouse=True)
def headless(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    for kind in ("JIRA", "ZENDESK", "GROWTHBOOK", "MIXPANEL"):
        monkeypatch.delenv(f"PRODOPS_{kind}_TOKEN", raising=False)


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def connect(fakes: RunningFakes) -> None:
    result = run(
        "connect", "zendesk", "--url", fakes.urls["zendesk"], "--email", "ops@acme.example",
        "--plaintext", input=f"{fakes.tokens['zendesk']}\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "2027-04-30" in result.output


def test_doctor_reports_every_check(fakes: RunningFakes) -> None:
    connect(fakes)
    result = run("doctor")
    lines = result.output.splitlines()
    names = [line[6:].split()[0] for line in lines]
    for expected in ("config", "workspace", "credential", "database", "foreign", "migration"):
        assert expected in names, result.output
    assert any(line.startswith("ok    migration level") for line in lines)
    assert any(line.startswith("warn  credential store") and "plaintext" in line for line in lines)
    assert any("zendesk:local" in line and "signed in as Ops Admin" in line for line in lines)
    assert any(line.startswith("warn  zendesk:local deprecation") for line in lines)
    assert any(line.startswith("ok    zendesk:local clock") for line in lines)
    assert result.exit_code == 0, result.output


def test_doctor_fails_on_a_refused_token_and_a_broken_outbox(
    fakes: RunningFakes, monkeypatch: pytest.MonkeyPatch
) -> None:
    connect(fakes)
    monkeypatch.setenv("PRODOPS_ZENDESK_TOKEN", "revoked")
    with sqlite3.connect(paths.workspace_db("default")) as db:
        db.execute(
            "INSERT INTO outbox (id, target, op, payload, base_version, state, attempts, "
            "lease_owner, error, remote_id, actor) VALUES ('e1', 'zendesk:local:ticket:1', "
            "'tags', '{}', '', 'done', 1, '', '', '', 'pat')"
        )
    result = run("doctor")
    assert result.exit_code == 1
    assert "check(s) failed" in result.output and "Traceback" not in result.output
    assert any(
        line.startswith("FAIL  outbox") and "without a remote id" in line
        for line in result.output.splitlines()
    )
    assert any(line.startswith("FAIL  zendesk:local ") for line in result.output.splitlines())


def test_outbox_check_counts_conflicts_as_a_warning(tmp_path: object) -> None:
    store = Store.open(f"sqlite:///{paths.workspace_db('default')}")
    try:
        with store.write() as conn:
            edit = store.enqueue(
                conn, target="jira:acme:1", op="priority", payload={}, base_version="", actor="a"
            )
        store.lease_outbox("me", 10, 60)
        store.finish_outbox(edit, "conflict", "changed remotely")
        (check,) = check_outbox(store)
    finally:
        store.close()
    assert check.level == "warn" and "1 in conflict" in check.detail
