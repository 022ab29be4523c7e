"""Secrets (RELIABILITY.md, issue 10): with canary tokens for the connectors and failures injected,
a run of connect, sync, push, doctor, report and export leaves the tokens in no file of the
workspace, config or cache, in no report or export, and in no output the user saw: not raw, not
base64 (as in a Basic header), not URL-encoded."""

import base64
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from click.testing import CliRunner

from prodops_tui.cli import cli
from prodops_tui.fakes.serve import RunningFakes, start_fakes
from prodops_tui.fakes.zendesk_wire import Fault
from prodops_tui.services.generator import generate

EMAIL = "ops@acme.example"


@pytest.fixture
def fakes() -> Iterator[RunningFakes]:
    with start_fakes(generate("tiny", 5, date(2025, 1, 15))) as running:
        yield running


@pytest.fixture(autouse=True)
def home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    root = tmp_path / "home"
    monkeypatch.setenv("PRODOPS_CONFIG", str(root / "config" / "config.toml"))
    monkeypatch.setenv("PRODOPS_DATA_DIR", str(root / "data"))
    monkeypatch.setenv("PRODOPS_CACHE_DIR", str(root / "cache"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    return root


def _forms(secret: str) -> set[bytes]:
    """The ways a secret could leak: raw, base64 (alone and in a Basic credential), URL-encoded."""
    forms = {secret, quote(secret, safe=""), quote_plus(secret)}
    for raw in (secret, f"{EMAIL}:{secret}"):
        encoded = base64.b64encode(raw.encode()).decode()
        forms |= {encoded, encoded.rstrip("="), base64.urlsafe_b64encode(raw.encode()).decode()}
    return {form.encode() for form in forms if len(form) >= 8}


def _files(root: Path) -> Iterator[Path]:
    yield from (path for path in root.rglob("*") if path.is_file())


def test_no_connector_token_reaches_a_file_or_the_screen(
    fakes: RunningFakes, monkeypatch: pytest.MonkeyPatch, home: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    outputs: list[str] = []

    def run(*args: str, input: str | None = None) -> None:
        result = runner.invoke(cli, list(args), input=input)
        outputs.append(result.output + (repr(result.exception) if result.exception else ""))

    monkeypatch.setenv("PRODOPS_JIRA_TOKEN", fakes.tokens["jira"])
    monkeypatch.setenv("PRODOPS_ZENDESK_TOKEN", fakes.tokens["zendesk"])
    run("connect", "jira", "--url", fakes.urls["jira"], "--email", EMAIL, input="CHK,SRCH\n")
    run("connect", "zendesk", "--url", fakes.urls["zendesk"])
    run("sync", "--quiet")
    fakes.apps["jira"].state.faults += [Fault("html", 502), Fault("truncated", 200)]
    run("sync", "jira", "--quiet")
    monkeypatch.setenv("PRODOPS_ZENDESK_TOKEN", "revoked-" + fakes.tokens["zendesk"][::-1])
    run("sync", "zendesk", "--quiet")  # 401: the message must not quote what was sent
    run("push")
    run("doctor")
    exports = tmp_path / "exports"
    exports.mkdir()
    run("report", "--since", "30d", "--format", "html", "--output", str(exports / "d.html"))
    run("report", "--since", "30d", "--format", "md", "--output", str(exports / "d.md"))
    run("export", "issues", "--format", "json", "--output", str(exports / "issues.json"))
    assert any("jira" in out for out in outputs), outputs
    canaries = {
        kind: _forms(token) for kind, token in fakes.tokens.items() if kind in ("jira", "zendesk")
    }
    canaries["zendesk-revoked"] = _forms("revoked-" + fakes.tokens["zendesk"][::-1])
    scanned = [*_files(home), *_files(exports)]
    assert any(path.suffix == ".db" for path in scanned), scanned
    blobs = [(str(path), path.read_bytes()) for path in scanned]
    blobs += [(f"output {n}", text.encode()) for n, text in enumerate(outputs)]
    leaks = [
        f"{kind} in {where}"
        for kind, forms in canaries.items()
        for where, blob in blobs
        for form in forms
        if form in blob
    ]
    assert leaks == []
