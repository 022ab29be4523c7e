"""Zendesk OAuth sign-in inside the app (Tools, `c`) against the fake Zendesk on loopback: the
dialog shows the address to open, a paste from another attempt is refused in one line, and the
address the browser lands on signs the connection in (token pair stored, never shown)."""

import json
from collections.abc import Iterator
from datetime import date

import httpx
import pytest
from test_ui_tools import detail, no_secrets, notes, open_tools, until
from textual.widgets import Checkbox, Input, Label, Static

from prodops_tui.app import ProdOpsApp
from prodops_tui.credentials import resolve
from prodops_tui.fakes.serve import RunningFakes, start_fakes
from prodops_tui.screens.oauth_sign_in import OAuthSignInDialog
from prodops_tui.services.generator import generate
from prodops_tui.store.store import Store

__all__ = ["no_secrets"]
SIZE = (120, 40)


ZENDESK = {
    "id": "zendesk:acme",
    "kind": "zendesk",
    "name": "Acme Zendesk",
    "auth_method": "oauth",
    "options": {"subdomain": "acme", "client_id": "prodops"},
}


@pytest.fixture
def signed_out(sqlite_url: str) -> Iterator[tuple[str, RunningFakes]]:
    """Zendesk (the fake, on loopback) connected with OAuth, client `prodops`, no stored grant."""
    with start_fakes(generate("tiny", 7, date(2025, 1, 15)), kinds=("zendesk",)) as fakes:
        store = Store.open(sqlite_url)
        store.upsert("connection", [ZENDESK | {"base_url": fakes.urls["zendesk"]}])
        zendesk = {"id": "tool:zendesk", "name": "Zendesk", "connection_id": "zendesk:acme"}
        store.upsert("tool", [zendesk])
        store.close()
        yield sqlite_url, fakes


def approve(address: str) -> str:
    """What the browser does: the user approves, Zendesk redirects with a code."""
    answer = httpx.get(address, follow_redirects=False, timeout=10)
    assert answer.status_code == 302
    return answer.headers["location"]


async def test_oauth_sign_in_by_pasting_the_code_back(
    signed_out: tuple[str, RunningFakes],
) -> None:
    url, fakes = signed_out
    app = ProdOpsApp(url)
    async with app.run_test(size=SIZE) as pilot:
        await open_tools(pilot, "Zendesk")
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, OAuthSignInDialog))
        dialog = app.screen
        assert isinstance(dialog, OAuthSignInDialog)
        shown = str(dialog.query_one("#oauth-address", Static).render())
        assert shown.startswith(f"{fakes.urls['zendesk']}/oauth/authorizations/new?")
        assert "code_challenge=" in shown and dialog.attempt.verifier not in shown
        landed = approve(dialog.attempt.address)
        dialog.query_one("#plaintext", Checkbox).value = True
        dialog.query_one("#secret", Input).value = landed.replace("state=", "state=x")
        await pilot.press("enter")
        error = dialog.query_one(".form-error", Label)
        await until(pilot, lambda: "another sign-in attempt" in str(error.render()))
        dialog.query_one("#secret", Input).value = landed
        await pilot.press("enter")
        await until(pilot, lambda: any("Signed in to zendesk:acme" in n for n in notes(app)))
        await until(pilot, lambda: "Connection Acme Zendesk  ok" in detail(app), 40)
        code = landed.split("code=", 1)[1].split("&", 1)[0]
        assert all(code not in n for n in notes(app)) and code not in detail(app)
    stored = resolve("zendesk:acme", env_name="PRODOPS_ZENDESK_TOKEN")
    assert stored is not None and stored.store == "plaintext"
    grant = json.loads(stored.value)
    oauth = fakes.apps["zendesk"].state.oauth
    assert grant["client_id"] == "prodops" and grant["access_token"] in oauth.access
    assert grant["refresh_token"] in oauth.refresh
