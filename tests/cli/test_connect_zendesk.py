"""`prodops connect zendesk`: OAuth with PKCE pasted back, client credentials, and the legacy
API token, against the fake Zendesk over a loopback socket."""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import text

from prodops_tui.cli import cli
from prodops_tui.config import paths
from prodops_tui.fakes.serve import RunningFakes, start_fakes
from prodops_tui.services.generator import generate
from prodops_tui.store.store import Store


@pytest.fixture
def fakes() -> Iterator[RunningFakes]:
    with start_fakes(generate("tiny", 7, date(2025, 1, 15)), kinds=["zendesk"]) as running:
        yield running


@pytest.fixture(autouse=True)
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.delenv("PRODOPS_ZENDESK_TOKEN", raising=False)


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def stored(home: Path) -> dict[str, str]:
    value: dict[str, str] = json.loads((home / "data" / "credentials-plaintext.json").read_text())
    return value


def connection() -> dict[str, object]:
    store = Store.open(f"sqlite:///{paths.workspace_db('default')}")
    try:
        with store.read() as conn:
            row = conn.execute(text("SELECT auth_method, options FROM connection")).one()
    finally:
        store.close()
    return {"auth_method": row[0], "options": json.loads(row[1])}


def test_oauth_with_the_code_pasted_back(fakes: RunningFakes, isolated_dirs: Path) -> None:
    url = fakes.urls["zendesk"]
    process = subprocess.Popen(
        [sys.executable, "-m", "prodops_tui", "connect", "zendesk", "--url", url]
        + ["--client-id", "prodops", "--plaintext"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=dict(os.environ),
    )
    assert process.stdout is not None and process.stdin is not None
    address = ""
    for line in process.stdout:
        if line.startswith(f"{url}/oauth/authorizations/new?"):
            address = line.strip()
            break
    assert "code_challenge_method=S256" in address
    approved = httpx.get(address)  # the fake approves at once, as a browser session would
    assert approved.status_code == 302
    landed = approved.headers["location"]  # the page a browser over SSH fails to load
    output, _ = process.communicate(f"{landed}\n", timeout=60)
    assert process.returncode == 0, output
    assert "connected zendesk:local as" in output
    grant = json.loads(stored(isolated_dirs)["zendesk:local"])
    assert grant["refresh_token"] and grant["client_id"] == "prodops"
    assert fakes.apps["zendesk"].state.oauth.access[grant["access_token"]]
    assert connection() == {
        "auth_method": "oauth",
        "options": {"subdomain": "local", "client_id": "prodops"},
    }
    synced = run("sync", "--quiet")
    assert synced.exit_code == 0, synced.output


def test_a_pasted_address_from_another_attempt_is_refused(fakes: RunningFakes) -> None:
    url = fakes.urls["zendesk"]
    pasted = "http://127.0.0.1:8976/callback?code=abc&state=someone-else\n"
    result = CliRunner().invoke(
        cli, ["connect", "zendesk", "--url", url, "--client-id", "prodops"], input=pasted
    )
    assert result.exit_code == 1
    assert "another sign-in attempt" in result.output


def test_client_credentials(fakes: RunningFakes, isolated_dirs: Path) -> None:
    secret = fakes.apps["zendesk"].state.oauth.client_secret
    result = run(
        "connect", "zendesk", "--url", fakes.urls["zendesk"], "--client-id", "prodops",
        "--client-secret", secret, "--plaintext",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    grant = json.loads(stored(isolated_dirs)["zendesk:local"])
    assert grant["client_secret"] == secret and not grant["refresh_token"]
    assert connection()["auth_method"] == "client_credentials"
    assert secret not in paths.workspace_db("default").read_bytes().decode("latin-1")
    wrong = CliRunner().invoke(
        cli,
        ["connect", "zendesk", "--url", fakes.urls["zendesk"], "--client-id", "prodops"]
        + ["--client-secret", "wrong", "--plaintext"],
    )
    assert wrong.exit_code == 1 and "could not sign in" in wrong.output


def test_legacy_api_token_warns_of_its_end(fakes: RunningFakes) -> None:
    result = run(
        "connect", "zendesk", "--url", fakes.urls["zendesk"], "--email", "ops@acme.example",
        "--plaintext", input=f"{fakes.tokens['zendesk']}\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.count("2027-04-30") >= 2  # before asking, and after signing in
    assert connection()["auth_method"] == "token"
