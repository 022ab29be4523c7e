"""End to end against the fake Jira on loopback: a connection with a bad token shows its error
on test and sync, a refused new token is not stored, and after signing in again it syncs,
counts its seats and shows as ok."""

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from test_ui_tools import detail, notes, open_tools, until
from textual.widgets import Checkbox, Label

from prodops_tui.app import ProdOpsApp
from prodops_tui.credentials import resolve, store_secret
from prodops_tui.fakes.serve import RunningFakes, start_fakes
from prodops_tui.screens.tool_form import SignInDialog
from prodops_tui.services.generator import generate
from prodops_tui.store.store import Store

SIZE = (120, 40)


@pytest.fixture
def fakes() -> Iterator[RunningFakes]:
    with start_fakes(generate("tiny", 7, date(2025, 1, 15)), kinds=("jira",)) as running:
        yield running


@pytest.fixture
def broken_url(sqlite_url: str, fakes: RunningFakes, tmp_path: Path) -> str:
    """Jira connected with a token the service no longer accepts (stored in plaintext)."""
    store = Store.open(sqlite_url)
    try:
        connection = {
            "id": "jira:acme",
            "kind": "jira",
            "name": "Acme Jira",
            "base_url": fakes.urls["jira"],
            "account": "ops@acme.example",
            "auth_method": "basic",
            "options": {"projects": ["CHK", "API"], "poll_interval": 0},
        }
        store.upsert("connection", [connection])
        jira = {"id": "tool:jira", "name": "Jira", "seats_bought": 120, "seats_used": 112}
        store.upsert("tool", [{**jira, "connection_id": "jira:acme", "monthly_cost": 1050.0}])
        store.upsert("tool", [{"id": "tool:figma", "name": "Figma"}])
    finally:
        store.close()
    store_secret("jira:acme", "revoked-token", allow_plaintext=True)
    return sqlite_url


def error_line(app: ProdOpsApp) -> str:
    return str(app.screen.query_one(".form-error", Label).render())


async def test_bad_token_shows_its_error_and_recovers_after_signing_in_again(
    broken_url: str, fakes: RunningFakes
) -> None:
    app = ProdOpsApp(broken_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_tools(pilot, "Jira")
        await until(pilot, lambda: "Connection Acme Jira  never synced" in detail(app))
        assert "Sign-in    basic; secret in plaintext" in detail(app)

        await pilot.press("t")
        refused = "Jira rejected the credentials (HTTP 401) on GET /rest/api/3/myself"
        await until(pilot, lambda: f"Test failed: {refused}" in notes(app))
        await pilot.press("s")
        await until(pilot, lambda: "Connection Acme Jira  failing" in detail(app))
        assert any(n.startswith("Sync of jira:acme failed: Jira rejected") for n in notes(app))
        assert "rejected the credentials (HTTP 401)" in detail(app)

        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, SignInDialog))
        dialog = app.screen
        dialog.query_one("#plaintext", Checkbox).value = True
        dialog.query_one("#secret").value = "still-wrong"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await until(pilot, lambda: error_line(app).startswith("Not stored: Jira rejected"))
        secret = resolve("jira:acme", env_name="PRODOPS_JIRA_TOKEN")
        assert secret is not None and secret.value == "revoked-token"

        dialog.query_one("#secret").value = fakes.tokens["jira"]  # type: ignore[attr-defined]
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, SignInDialog))
        signed = "Signed in to jira:acme as Acme Ops Bot; secret in the plaintext"
        assert signed in notes(app)
        await until(pilot, lambda: any(n.startswith("Synced jira:acme") for n in notes(app)))
        await until(pilot, lambda: "Connection Acme Jira  ok" in detail(app))
        text = detail(app)
        assert "25 licensed users in the service of 120 bought, 95 free" in text
        assert "Synced jira:acme: 70 changed; 25 seats in use" in notes(app)
    stored = resolve("jira:acme", env_name="PRODOPS_JIRA_TOKEN")
    assert stored is not None and stored.value == fakes.tokens["jira"]
