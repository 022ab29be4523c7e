"""`prodops connect jira|zendesk|growthbook|mixpanel`: ask, verify against the service, store the
secret in the credential store and the connection in the workspace."""

import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import click

from prodops_tui.cli.sync import open_store
from prodops_tui.services.zendesk_sign_in import REDIRECT

if TYPE_CHECKING:
    from prodops_tui.cli import Options

KINDS = ("jira", "zendesk", "growthbook", "mixpanel")
DEFAULT_URLS = {"growthbook": "https://api.growthbook.io", "mixpanel": "https://mixpanel.com"}
NEEDS_ACCOUNT = {"jira": "Atlassian account email", "mixpanel": "Service account username"}


LEGACY_WARNING = (
    "Zendesk ends API tokens on 2027-04-30; use --client-id to sign in with OAuth instead."
)


def zendesk_grant(url: str, client_id: str, client_secret: str | None, redirect: str) -> str:
    """Sign in to Zendesk with OAuth; the grant JSON to store (PKCE by pasting the code back,
    or client credentials when a client secret is given)."""
    from prodops_tui.connectors import zendesk_oauth as oauth
    from prodops_tui.connectors.errors import ConnectorError

    if client_secret:
        secret = client_secret
        return _run_sign_in(
            url, lambda http: oauth.client_credentials(http, client_id, secret), client_id, secret
        )
    from prodops_tui.services.zendesk_sign_in import start

    attempt = start(url, client_id, redirect)
    click.echo("Open this address in a browser (on any machine) and approve prodops:")
    click.echo(attempt.address)
    pasted = click.prompt("Paste the code, or the whole address you were sent to")
    try:
        return asyncio.run(attempt.finish(pasted))
    except ConnectorError as exc:
        raise click.ClickException(f"could not sign in: {exc.message}") from None


def _run_sign_in(
    url: str, ask: Callable[[Any], Awaitable[Any]], client_id: str, client_secret: str = ""
) -> str:
    """Run one token request on an unauthenticated client; the grant as stored JSON."""
    from prodops_tui.connectors.errors import ConnectorError
    from prodops_tui.connectors.http import HttpCore
    from prodops_tui.services.registry import grant_json

    async def run() -> Any:
        async with HttpCore("zendesk", url, None) as http:
            return await ask(http)

    try:
        grant = asyncio.run(run())
    except ConnectorError as exc:
        raise click.ClickException(f"could not sign in: {exc.message}") from None
    return grant_json(grant, client_id, client_secret)


def _site(url: str) -> str:
    host = urlsplit(url).hostname or ""
    label = host.split(".", 1)[0]
    return label if label and not label.isdigit() else "local"


def connection_row(
    kind: str,
    url: str,
    account: str,
    options: dict[str, Any],
    conn_id: str = "",
    method: str = "",
) -> dict[str, Any]:
    """The connection row for these answers; Zendesk with an email uses a legacy API token."""
    default = {"jira": "basic", "mixpanel": "basic", "growthbook": "bearer"}.get(kind, "oauth")
    method = method or default
    if kind == "zendesk" and account:
        method = "token"
    site = _site(url)
    return {
        "id": conn_id or f"{kind}:{site}",
        "kind": kind,
        "name": f"{kind.capitalize()} ({site})",
        "base_url": url.rstrip("/"),
        "account": account,
        "auth_method": method,
        "options": options,
    }


async def verify(row: dict[str, Any], secret: str) -> tuple[str, str | None]:
    """Sign in once: the account's display name and any deprecation warning."""
    from prodops_tui.connectors.errors import ConnectorError
    from prodops_tui.services.connection_actions import sign_in

    try:
        return await sign_in(row, secret)
    except ConnectorError as exc:
        raise click.ClickException(f"could not sign in: {exc.message}") from None


def save_secret(conn_id: str, secret: str, plaintext: bool) -> str:
    """Keyring, else the encrypted file (passphrase asked here), else plaintext if allowed."""
    from prodops_tui.credentials import CredentialError, store_secret

    try:
        return store_secret(conn_id, secret, allow_plaintext=plaintext)
    except CredentialError:
        passphrase = click.prompt(
            "No OS keyring here. Passphrase for the encrypted credential file",
            hide_input=True,
            confirmation_prompt=True,
        )
    try:
        return store_secret(conn_id, secret, passphrase=passphrase)
    except CredentialError as exc:
        raise click.ClickException(str(exc)) from None


def _options(kind: str, url: str, project: str | None) -> dict[str, Any]:
    if kind == "jira":
        keys = click.prompt("Jira project keys (comma separated)", default="")
        return {"projects": [k.strip().upper() for k in keys.split(",") if k.strip()]}
    if kind == "zendesk":
        return {"subdomain": _site(url)}
    if kind == "mixpanel":
        return {"project_id": project or click.prompt("Mixpanel project id")}
    return {}


@click.command("connect")
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--url", help="The service's base URL, e.g. https://acme.atlassian.net.")
@click.option("--email", "account", help="Account email (Zendesk: legacy API token sign-in).")
@click.option("--project", help="Mixpanel project id.")
@click.option("--id", "conn_id", default="", help="Connection id (default KIND:SITE).")
@click.option("--client-id", help="Zendesk OAuth client: sign in with PKCE (paste the code).")
@click.option("--client-secret", help="With --client-id: the client credentials grant instead.")
@click.option(
    "--redirect-uri",
    default=REDIRECT,
    show_default=True,
    help="The OAuth client's registered redirect URL.",
)
@click.option("--plaintext", is_flag=True, help="Allow a plaintext secret file (not advised).")
@click.pass_obj
def connect_command(
    options: "Options",
    kind: str,
    url: str | None,
    account: str | None,
    project: str | None,
    conn_id: str,
    client_id: str | None,
    client_secret: str | None,
    redirect_uri: str,
    plaintext: bool,
) -> None:
    """Connect a service: asks what is missing, verifies it, stores the secret safely.

    Zendesk: --client-id signs in with OAuth (open the printed address in any browser, e.g. on
    your laptop when this runs over SSH, and paste back the code or the address you land on);
    --client-id with --client-secret uses client credentials; --email uses a legacy API token,
    which Zendesk ends on 2027-04-30."""
    from prodops_tui.services.registry import env_name

    url = url or click.prompt(f"{kind} URL", default=DEFAULT_URLS.get(kind))
    if account is None and kind in NEEDS_ACCOUNT:
        account = click.prompt(NEEDS_ACCOUNT[kind])
    extra = _options(kind, url, project)
    method = ""
    from_env = os.environ.get(env_name(kind), "").strip()
    if kind == "zendesk" and client_id and not from_env:
        extra["client_id"] = client_id
        method = "client_credentials" if client_secret else "oauth"
        secret = zendesk_grant(url, client_id, client_secret, redirect_uri)
    else:
        if kind == "zendesk" and account:
            click.echo(f"warning: {LEGACY_WARNING}")
        secret = from_env or click.prompt(f"{kind} token", hide_input=True)
    row = connection_row(kind, url, account or "", extra, conn_id, method)
    who, warning = asyncio.run(verify(row, secret))
    where = "environment" if from_env else save_secret(row["id"], secret, plaintext)
    store = open_store(options)
    try:
        store.upsert("connection", [row])
    finally:
        store.close()
    click.echo(f"connected {row['id']} as {who}; secret in the {where}")
    if warning:
        click.echo(f"warning: {warning}")
    if where == "plaintext":
        click.echo("warning: the secret is stored in plaintext")
