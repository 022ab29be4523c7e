"""Where connection secrets live, in the order of RELIABILITY.md §3; the only keyring importer.

Lookup: env var `PRODOPS_<SOURCE>_TOKEN` -> OS keyring (SecretService, macOS or Windows only,
and only if a probe answers within 2 s) -> encrypted file (keyrings.cryptfile; the passphrase
comes from the caller, never from getpass) -> plaintext file (only written with an explicit
opt-in). Zendesk OAuth grants are stored as one JSON value under one key.
"""

import configparser
import json
import os
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from keyrings.cryptfile.cryptfile import CryptFileKeyring  # type: ignore[import-untyped]
from keyrings.cryptfile.escape import escape as escape_for_ini  # type: ignore[import-untyped]

SERVICE = "prodops"
PROBE_SECONDS = 2.0
CALL_SECONDS = 5.0
ENCRYPTED_FILE = "credentials.cfg"
PLAINTEXT_FILE = "credentials-plaintext.json"
_SECURE_MODULES = (
    "keyring.backends.SecretService",
    "keyring.backends.macOS",
    "keyring.backends.Windows",
)
_PROBE_USER = "__prodops_probe__"
_WRONG_PASSPHRASE = "The passphrase does not open the encrypted credential file"
T = TypeVar("T")
_UNUSABLE: "weakref.WeakSet[KeyringBackend]" = weakref.WeakSet()


class CredentialError(Exception):
    """A secret could not be stored or read; the message is one line and names no secret."""


class PassphraseNeeded(CredentialError):
    """The secret is in the encrypted file and no passphrase was given."""


@dataclass(frozen=True, repr=False)
class Secret:
    """A resolved secret and the store it came from: env, keyring, encrypted-file, plaintext."""

    value: str
    store: str

    def __repr__(self) -> str:
        return f"Secret(value=***, store={self.store!r})"


def env_var(source: str) -> str:
    """The environment variable that overrides a source's stored secret."""
    return f"PRODOPS_{source.upper()}_TOKEN"


def default_folder() -> Path:
    """Where the file stores live: `PRODOPS_DATA_DIR`, else the platform data directory."""
    override = os.environ.get("PRODOPS_DATA_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path

    return user_data_path("prodops")


def _bounded(call: Callable[[], T], seconds: float) -> T:
    """`call()` in a daemon thread; CredentialError if it raises or outlives `seconds`."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append((True, call()))
        except Exception as exc:  # any backend failure (D-Bus, locked, init) means "unusable"
            outcome.append((False, exc))

    worker = threading.Thread(target=run, name="prodops-keyring", daemon=True)
    worker.start()
    worker.join(seconds)
    if not outcome:
        raise CredentialError(f"The OS keyring did not answer within {seconds:g} s")
    ok, value = outcome[0]
    if not ok:
        raise CredentialError(f"The OS keyring failed: {type(value).__name__}")
    return value  # type: ignore[no-any-return]


def _is_secure(backend: KeyringBackend) -> bool:
    return any(cls.__module__ in _SECURE_MODULES for cls in type(backend).__mro__)


def secure_keyring() -> KeyringBackend | None:
    """The OS keyring if it is a secure backend that answers a probe within 2 s, else None."""
    try:
        backend = keyring.get_keyring()
    except keyring.errors.KeyringError:
        return None
    members = getattr(backend, "backends", None)
    candidates = list(members) if isinstance(members, list) else [backend]
    for candidate in candidates:
        if not _is_secure(candidate):
            continue
        return candidate if _answers(candidate) else None
    return None


def _answers(backend: KeyringBackend) -> bool:
    """Whether a read from `backend` returns within PROBE_SECONDS; a failure is remembered
    for the process so a hanging keyring costs one probe, not one per connection."""
    if backend in _UNUSABLE:
        return False
    try:
        _bounded(lambda: backend.get_password(SERVICE, _PROBE_USER), PROBE_SECONDS)
    except CredentialError:
        _UNUSABLE.add(backend)
        return False
    return True


def _cryptfile(folder: Path, passphrase: str) -> CryptFileKeyring:
    """The encrypted file store, unlocked with `passphrase` (never prompting)."""
    store = CryptFileKeyring()
    store.file_path = str(folder / ENCRYPTED_FILE)
    try:
        store.keyring_key = passphrase
    except ValueError:
        raise CredentialError(
            "The passphrase does not open the encrypted credential file"
        ) from None
    return store


def _in_encrypted_file(folder: Path, connection_id: str) -> bool:
    """Whether the encrypted file holds an entry for `connection_id` (no passphrase needed)."""
    config = configparser.RawConfigParser()
    config.read(folder / ENCRYPTED_FILE, encoding="utf-8")
    return config.has_option(escape_for_ini(SERVICE), escape_for_ini(connection_id))


def _read_encrypted(folder: Path, connection_id: str, passphrase: str) -> str | None:
    store = _cryptfile(folder, passphrase)
    try:
        value = store.get_password(SERVICE, connection_id)
    except (ValueError, KeyError):
        raise CredentialError(
            "The passphrase does not open the encrypted credential file"
        ) from None
    return value if isinstance(value, str) else None


def _plaintext(folder: Path) -> dict[str, str]:
    path = folder / PLAINTEXT_FILE
    if not path.is_file():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise CredentialError(f"The plaintext credential file {path} is unreadable") from None
    return {k: v for k, v in raw.items() if isinstance(v, str)} if isinstance(raw, dict) else {}


def _write_plaintext(folder: Path, entries: dict[str, str]) -> None:
    """Write the plaintext store atomically, readable by the owner only."""
    folder.mkdir(parents=True, exist_ok=True)
    path, temp = folder / PLAINTEXT_FILE, folder / f".{PLAINTEXT_FILE}.tmp"
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(entries, handle)
    os.replace(temp, path)


def resolve(
    connection_id: str,
    *,
    env_name: str,
    passphrase: str | None = None,
    folder: Path | None = None,
) -> Secret | None:
    """The secret for `connection_id` from the first store that has it, or None.

    Raises PassphraseNeeded when only the encrypted file has it and no passphrase was given,
    CredentialError for a wrong passphrase or an unreadable store.
    """
    from_env = os.environ.get(env_name, "").strip()
    if from_env:
        return Secret(from_env, "env")
    stored = _from_keyring(connection_id)
    if stored:
        return Secret(stored, "keyring")
    where = folder or default_folder()
    if _in_encrypted_file(where, connection_id):
        if passphrase is None:
            raise PassphraseNeeded(
                f"The {connection_id} credential is in the encrypted file: give its passphrase"
            )
        value = _read_encrypted(where, connection_id, passphrase)
        if value:
            return Secret(value, "encrypted-file")
    value = _plaintext(where).get(connection_id)
    return Secret(value, "plaintext") if value else None


def _from_keyring(connection_id: str) -> str | None:
    backend = secure_keyring()
    if backend is None:
        return None
    try:
        value = _bounded(lambda: backend.get_password(SERVICE, connection_id), CALL_SECONDS)
    except CredentialError:
        return None
    return value if isinstance(value, str) else None


def store_secret(
    connection_id: str,
    value: str,
    *,
    allow_plaintext: bool = False,
    passphrase: str | None = None,
    folder: Path | None = None,
) -> str:
    """Save `value` in the safest store available and return its name.

    OS keyring if secure and working (checked by reading the value back), else the encrypted
    file when a passphrase is given, else plaintext only with `allow_plaintext`.
    """
    if not value:
        raise CredentialError("Refusing to store an empty secret")
    backend = secure_keyring()
    if backend is not None and _keyring_keeps(backend, connection_id, value):
        return "keyring"
    where = folder or default_folder()
    if passphrase is not None:
        where.mkdir(parents=True, exist_ok=True)
        store = _cryptfile(where, passphrase)
        store.set_password(SERVICE, connection_id, value)
        return "encrypted-file"
    if allow_plaintext:
        entries = _plaintext(where)
        entries[connection_id] = value
        _write_plaintext(where, entries)
        return "plaintext"
    raise CredentialError(
        "No secure credential store here: give a passphrase for an encrypted file, "
        "or allow plaintext explicitly"
    )


def _keyring_keeps(backend: KeyringBackend, connection_id: str, value: str) -> bool:
    """Set, then read back: a backend that drops the value is not a store."""
    try:
        _bounded(lambda: backend.set_password(SERVICE, connection_id, value), CALL_SECONDS)
        kept = _bounded(lambda: backend.get_password(SERVICE, connection_id), CALL_SECONDS)
    except CredentialError:
        return False
    return kept == value


def which_store(folder: Path | None = None) -> str:
    """Where secrets live for doctor/status: keyring, encrypted-file, plaintext or none."""
    if secure_keyring() is not None:
        return "keyring"
    where = folder or default_folder()
    if (where / ENCRYPTED_FILE).is_file():
        return "encrypted-file"
    if _plaintext(where):
        return "plaintext"
    return "none"
