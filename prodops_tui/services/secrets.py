"""Secrets of connection rows for the code that opens connectors: where each came from, how to
save a renewed OAuth grant back there and how to re-read it (cheap to import: the credential
store is imported on first use)."""

from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["Secrets"]


class Secrets:
    """Secrets of connection rows from env, keyring or plaintext; the encrypted file needs the
    CLI (its passphrase is never asked for while the TUI runs)."""

    def __init__(self) -> None:
        self.stores: dict[str, str] = {}
        self.passphrase: str | None = None
        """The encrypted file's, once the CLI has asked for it (never in the TUI)."""

    def __call__(self, connection: Mapping[str, Any]) -> str | None:
        from prodops_tui.credentials import PassphraseNeeded, env_var, resolve

        conn_id = str(connection["id"])
        try:
            secret = resolve(conn_id, env_name=env_var(str(connection["kind"])))
        except PassphraseNeeded:
            raise PermissionError(
                f"{conn_id}: the credential is in the encrypted file: run `prodops sync`"
            ) from None
        if secret is None:
            return None
        self.stores[conn_id] = secret.store
        return secret.value

    def saver(self, connection: Mapping[str, Any]) -> Callable[[str], None] | None:
        """Where a refreshed OAuth grant goes: back to the store the secret came from."""
        from prodops_tui.credentials import store_secret

        conn_id = str(connection["id"])
        came_from = self.stores.get(conn_id, "")
        if came_from in ("", "env"):
            return None

        def save(value: str) -> None:
            plaintext = came_from == "plaintext"
            store_secret(conn_id, value, allow_plaintext=plaintext, passphrase=self.passphrase)

        return save

    def loader(self, connection: Mapping[str, Any]) -> Callable[[], str | None] | None:
        """How to re-read the stored secret (another process may have renewed it); None for
        one from the environment, which nobody renews."""
        from prodops_tui.credentials import CredentialError, env_var, resolve

        conn_id = str(connection["id"])
        if self.stores.get(conn_id, "") in ("", "env"):
            return None
        env = env_var(str(connection["kind"]))

        def load() -> str | None:
            try:
                found = resolve(conn_id, env_name=env, passphrase=self.passphrase)
            except CredentialError:
                return None
            return found.value if found is not None else None

        return load
