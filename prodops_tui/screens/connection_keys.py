"""What the Tools screen's connection keys do: read the highlighted tool's connection health,
sync it now, test it and sign it in again (then sync). Network work runs in thread workers on
their own event loops; each outcome is one notification and a redrawn health section."""

import asyncio
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

from textual import work

from prodops_tui.screens.health_panel import Shown, test_summary
from prodops_tui.screens.tool_actions import ToolActions, one_line
from prodops_tui.screens.tool_form import SignInDialog
from prodops_tui.store.errors import StoreError
from prodops_tui.store.reads import Row

if TYPE_CHECKING:
    from prodops_tui.services.connection_actions import SignedIn
    from prodops_tui.services.health import Health
    from prodops_tui.services.zendesk_sign_in import PkceSignIn
    from prodops_tui.widgets.activity import Activity

SIGN_IN_NOTE = (
    "The secret is checked against the service first, then kept in the OS keyring, else the "
    "encrypted file (give its passphrase), else a plaintext file if you allow it."
)
OAUTH_NOTE = (
    " This connection signs in with OAuth but knows no client id: a pasted access token is used "
    "as a bearer token; or run `prodops connect zendesk --client-id ...` in a shell."
)


class ConnectionKeys(ToolActions):
    """Mixed into ToolsScreen: `s` sync now, `t` test, `c` sign in again, and the health reads."""

    def _connection(self) -> tuple["Activity", Row, str] | None:
        activity, tool = self._writable(), self._tool()
        if activity is None or tool is None:
            return None
        if not tool[-2]:
            self.say(f"{tool[2]} has no connection", "warning")
            return None
        return activity, tool, str(tool[-2])

    @work(thread=True, group="health")
    def load_health(self, connection_id: str) -> None:
        from prodops_tui.services.health import DEFAULT_INTERVAL_MINUTES, connection_health

        activity = self.workspace.activity
        interval = float(getattr(self.app, "sync_interval", 0) or 0) / 60
        try:
            if activity is None:
                raise StoreError("no workspace store to read the connection from")
            health = connection_health(
                activity.store(),
                connection_id,
                now=self.workspace.clock(),
                interval_minutes=interval or DEFAULT_INTERVAL_MINUTES,
            )
        except StoreError as exc:
            self.app.call_from_thread(self._update, connection_id, error=one_line(exc))
            return
        self.app.call_from_thread(self._update, connection_id, health=health, busy="")

    def _update(self, connection_id: str, **changes: Any) -> None:
        """Change what the health section knows and redraw it if that tool is shown."""
        self.shown[connection_id] = replace(self.shown.get(connection_id, Shown()), **changes)
        if self.current is not None and self.current[-2] == connection_id:
            self.detail.show(self.current[0])

    def action_sync_now(self) -> None:
        found = self._connection()
        if found is not None:
            self._update(found[2], busy="syncing…", error="")
            self.sync_now(*found)

    @work(thread=True, group="connection")
    def sync_now(self, activity: "Activity", tool: Row, connection_id: str) -> None:
        from prodops_tui.services.connection_actions import SyncNow, sync_now

        kind = connection_id.split(":", 1)[0]
        self.app.call_from_thread(activity.set_state, kind, "syncing")
        try:
            result = asyncio.run(sync_now(activity.store(), connection_id))
        except StoreError as exc:
            result = SyncNow(error=one_line(exc))
        error = result.error or _first_error(result.report)
        self.app.call_from_thread(activity.set_state, kind, "error" if error else "done", error)
        self.app.call_from_thread(self._update, connection_id, busy="", error=error)
        if error:
            self.app.call_from_thread(self.say, f"Sync of {connection_id} failed: {error}", "error")
            self.load_health(connection_id)
            return
        changed = result.report.changed if result.report else 0
        counted = result.seats.in_service if result.seats else None
        seats = f"; {counted:,} seats in use" if counted is not None else ""
        line = f"Synced {connection_id}: {changed:,} changed{seats}"
        self.app.call_from_thread(self._changed, line)

    def action_test(self) -> None:
        found = self._connection()
        if found is not None:
            self._update(found[2], busy="testing…", error="")
            self.test_connection(found[0], found[2])

    @work(thread=True, group="connection")
    def test_connection(self, activity: "Activity", connection_id: str) -> None:
        from prodops_tui.services.connection_actions import probe_connection

        try:
            checks = tuple(asyncio.run(probe_connection(activity.store(), connection_id)))
        except StoreError as exc:
            self.app.call_from_thread(self._update, connection_id, busy="", error=one_line(exc))
            return
        severity, line = test_summary(checks)
        self.app.call_from_thread(self._update, connection_id, busy="", checks=checks, error="")
        self.app.call_from_thread(self.say, line, severity)
        self.load_health(connection_id)

    def action_sign_in(self) -> None:
        found = self._connection()
        if found is None:
            return
        _, tool, connection_id = found
        health: Health | None = self.shown.get(connection_id, Shown()).health
        method = health.auth_method if health else ""
        note = SIGN_IN_NOTE + (OAUTH_NOTE if method in ("oauth", "client_credentials") else "")
        if health is not None and health.credential == "env":
            from prodops_tui.credentials import env_var  # loaded by the health read

            note += f" {env_var(health.kind)} is set: it wins over a stored secret."
        self.open_sign_in(connection_id, f"{tool[2]} ({connection_id})", method, note)

    @work(thread=True, group="connection")
    def open_sign_in(self, connection_id: str, title: str, method: str, note: str) -> None:
        """The OAuth dialog (PKCE, code pasted back) for a Zendesk OAuth connection with a
        client id; the pasted-secret dialog otherwise."""
        from prodops_tui.services.health import connection_row

        activity = self.workspace.activity
        assert activity is not None
        try:
            row = connection_row(activity.store(), connection_id) or {}
        except StoreError as exc:
            self.app.call_from_thread(self.say, one_line(exc), "error")
            return
        options = row.get("options")
        options = options if isinstance(options, dict) else {}
        client_id = str(options.get("client_id") or "") if row.get("kind") == "zendesk" else ""
        dialog: SignInDialog
        if client_id and method == "oauth":
            from prodops_tui.screens.oauth_sign_in import OAuthSignInDialog
            from prodops_tui.services.zendesk_sign_in import start

            attempt = start(str(row["base_url"]), client_id)
            finish = partial(self._sign_in_oauth, connection_id, attempt)
            dialog = OAuthSignInDialog(title, attempt, SIGN_IN_NOTE, finish)
        else:
            dialog = SignInDialog(title, method, note, partial(self._sign_in, connection_id))
        self.app.call_from_thread(self.app.push_screen, dialog)

    def _sign_in_oauth(
        self, connection_id: str, attempt: "PkceSignIn", pasted: str, passphrase: str, plain: bool
    ) -> str | None:
        """Exchange the pasted code for a token pair, then check and store it like a token."""
        from prodops_tui.connectors.errors import ConnectorError

        try:
            grant = asyncio.run(attempt.finish(pasted))
        except ConnectorError as exc:
            return f"Not signed in: {exc.message}"
        return self._sign_in(connection_id, grant, passphrase, plain)

    def _sign_in(
        self, connection_id: str, secret: str, passphrase: str, plaintext: bool
    ) -> str | None:
        """Check and store a new secret (in the dialog's worker thread); an error line."""
        from prodops_tui.connectors.errors import ConnectorError
        from prodops_tui.credentials import CredentialError
        from prodops_tui.services.connection_actions import reauthenticate

        activity = self.workspace.activity
        assert activity is not None
        sign = reauthenticate(
            activity.store(),
            connection_id,
            secret,
            passphrase=passphrase or None,
            allow_plaintext=plaintext,
        )
        try:
            signed = asyncio.run(sign)
        except ConnectorError as exc:
            return f"Not stored: {exc.message}"
        except (CredentialError, StoreError) as exc:
            return one_line(exc)
        self.app.call_from_thread(self._signed_in, activity, connection_id, signed)
        return None

    def _signed_in(self, activity: "Activity", connection_id: str, signed: "SignedIn") -> None:
        self.say(f"Signed in to {connection_id} as {signed.who}; secret in the {signed.store}")
        for warning in signed.warnings:
            self.say(warning, "warning")
        tool = self._tool()
        if tool is not None and tool[-2] == connection_id:
            self._update(connection_id, busy="syncing…", error="", checks=())
            self.sync_now(activity, tool, connection_id)


def _first_error(report: Any) -> str:
    if report is None:
        return ""
    if report.busy:
        return str(report.busy)
    return next((str(s.error) for s in report.streams if s.error), "")
