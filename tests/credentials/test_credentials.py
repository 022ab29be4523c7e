"""Credential resolution order: env var, secure OS keyring, encrypted file, opt-in plaintext."""

import getpass
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import keyring.backends.SecretService
import keyring.core
import keyring.errors
import pytest

from prodops_tui import credentials
from prodops_tui.connectors.auth import OAuthGrant
from prodops_tui.credentials import (
    CredentialError,
    PassphraseNeeded,
    Secret,
    env_var,
    resolve,
    secure_keyring,
    store_secret,
    which_store,
)

TOKEN = "atl-canary-token-1234567890"
ENV = "PRODOPS_JIRA_TOKEN"


class MemoryVault(keyring.backends.SecretService.Keyring):
    """A SecretService-typed backend kept in memory: what a working desktop keyring does."""

    priority = 1

    def __init__(self) -> None:
        self.data: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.data.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.data[(service, username)] = password


class HangingVault(MemoryVault):
    """A SecretService keyring whose D-Bus call never comes back (secretstorage #33)."""

    def get_password(self, service: str, username: str) -> str | None:
        time.sleep(3.0)
        return None


class LockedVault(MemoryVault):
    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("locked")


class DroppingVault(MemoryVault):
    """Accepts a value and forgets it, like the null backend but SecretService-typed."""

    def set_password(self, service: str, username: str, password: str) -> None:
        return None


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No getpass ever; file stores in tmp_path; the keyring backend restored afterwards."""

    def no_prompt(*args: object, **kwargs: object) -> str:
        raise AssertionError("getpass must never be called")

    monkeypatch.setattr(getpass, "getpass", no_prompt)
    monkeypatch.setenv("PRODOPS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv(ENV, raising=False)
    before = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())  # type: ignore[no-untyped-call]
    yield
    keyring.set_keyring(before)


def test_env_var_wins_and_its_repr_hides_the_value(monkeypatch: pytest.MonkeyPatch) -> None:
    vault = MemoryVault()
    keyring.set_keyring(vault)
    store_secret("jira:acme", "from-keyring")
    monkeypatch.setenv(env_var("jira"), TOKEN)
    secret = resolve("jira:acme", env_name=ENV)
    assert secret == Secret(TOKEN, "env")
    assert TOKEN not in repr(secret)


def test_secure_keyring_stores_and_resolves() -> None:
    vault = MemoryVault()
    keyring.set_keyring(vault)
    assert store_secret("jira:acme", TOKEN) == "keyring"
    assert vault.data[("prodops", "jira:acme")] == TOKEN
    assert resolve("jira:acme", env_name=ENV) == Secret(TOKEN, "keyring")
    assert which_store() == "keyring"
    assert resolve("jira:other", env_name=ENV) is None


def test_null_backend_from_env_is_no_secure_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    keyring.core.init_backend()
    assert type(keyring.get_keyring()).__module__ == "keyring.backends.null"
    assert secure_keyring() is None
    with pytest.raises(CredentialError, match="No secure credential store"):
        store_secret("jira:acme", TOKEN)
    assert which_store() == "none"


def test_secure_typed_backend_that_drops_values_is_not_used(tmp_path: Path) -> None:
    keyring.set_keyring(DroppingVault())
    assert store_secret("jira:acme", TOKEN, passphrase="correct horse") == "encrypted-file"


def test_no_dbus_falls_through_to_the_encrypted_file(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    assert store_secret("jira:acme", TOKEN, passphrase="correct horse") == "encrypted-file"
    stored = (folder / credentials.ENCRYPTED_FILE).read_text()
    assert TOKEN not in stored
    assert resolve("jira:acme", env_name=ENV, passphrase="correct horse") == Secret(
        TOKEN, "encrypted-file"
    )
    assert which_store() == "encrypted-file"
    with pytest.raises(PassphraseNeeded, match="passphrase"):
        resolve("jira:acme", env_name=ENV)
    with pytest.raises(CredentialError, match="passphrase does not open") as caught:
        resolve("jira:acme", env_name=ENV, passphrase="wrong horse")
    assert "wrong horse" not in str(caught.value)
    assert resolve("zendesk:acme", env_name="PRODOPS_ZENDESK_TOKEN") is None


def test_plaintext_only_with_explicit_opt_in(tmp_path: Path) -> None:
    with pytest.raises(CredentialError, match="allow plaintext"):
        store_secret("growthbook:main", TOKEN)
    assert not (tmp_path / "data").exists()
    assert store_secret("growthbook:main", TOKEN, allow_plaintext=True) == "plaintext"
    path = tmp_path / "data" / credentials.PLAINTEXT_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert resolve("growthbook:main", env_name="X_UNSET") == Secret(TOKEN, "plaintext")
    assert which_store() == "plaintext"


def test_passphrase_beats_plaintext_when_both_are_offered() -> None:
    assert store_secret("m:1", TOKEN, allow_plaintext=True, passphrase="pp") == "encrypted-file"


def test_hanging_keyring_probe_counts_as_unavailable_within_two_seconds() -> None:
    keyring.set_keyring(HangingVault())
    start = time.monotonic()
    assert secure_keyring() is None
    assert time.monotonic() - start < 2.5
    with pytest.raises(CredentialError, match="allow plaintext"):
        store_secret("jira:acme", TOKEN)
    assert resolve("jira:acme", env_name=ENV) is None
    assert time.monotonic() - start < 2.6, "a hanging keyring is probed once per process"


def test_locked_keyring_is_unavailable_fast() -> None:
    keyring.set_keyring(LockedVault())
    start = time.monotonic()
    assert secure_keyring() is None
    assert time.monotonic() - start < 0.5


def test_zendesk_oauth_grant_is_stored_as_one_json_value() -> None:
    vault = MemoryVault()
    keyring.set_keyring(vault)
    grant = OAuthGrant("access-1", "refresh-1", 1_750_000_000.0)
    store_secret("zendesk:acme", grant.to_json())
    assert len(vault.data) == 1
    secret = resolve("zendesk:acme", env_name="PRODOPS_ZENDESK_TOKEN")
    assert secret is not None and OAuthGrant.from_json(secret.value) == grant


def test_empty_secret_is_refused() -> None:
    with pytest.raises(CredentialError, match="empty"):
        store_secret("jira:acme", "", allow_plaintext=True)
