"""Zendesk OAuth sign-in with PKCE by pasting the code back: one flow for `prodops connect
zendesk --client-id` and the Tools screen's sign-in dialog. Works over SSH: the user opens the
address in a browser on any machine and pastes back the code or the address they land on
(nothing needs to listen on the redirect address). The verifier never leaves this process.
Cheap to import (the CLI's option default): the HTTP side loads on first use."""

from dataclasses import dataclass, field
from typing import Any

__all__ = ["REDIRECT", "PkceSignIn", "start"]

REDIRECT = "http://127.0.0.1:8976/callback"
"""Nothing needs to listen there: over SSH the browser's failed page still shows the address
with the code, to paste back."""


@dataclass(frozen=True)
class PkceSignIn:
    """One sign-in attempt: the address to open, and what finishing it needs."""

    base_url: str
    client_id: str
    redirect: str
    state: str
    address: str
    verifier: str = field(repr=False)

    async def finish(self, pasted: str, **http: Any) -> str:
        """The grant (stored JSON) for the pasted code or address; a ConnectorError with one
        line (never the code or a token) when it is not accepted."""
        from prodops_tui.connectors import zendesk_oauth as oauth
        from prodops_tui.connectors.http import HttpCore
        from prodops_tui.services.registry import grant_json

        code = oauth.parse_pasted(pasted, self.state)
        async with HttpCore("zendesk", self.base_url, None, **http) as plain:
            grant = await oauth.exchange_code(
                plain, code, self.verifier, self.client_id, self.redirect
            )
        return grant_json(grant, self.client_id)


def start(base_url: str, client_id: str, redirect: str = REDIRECT) -> PkceSignIn:
    """A new attempt with its own verifier and state."""
    from prodops_tui.connectors import zendesk_oauth as oauth

    verifier, state = oauth.new_verifier(), oauth.new_state()
    address = oauth.authorize_url(
        base_url, client_id, redirect, state=state, challenge=oauth.code_challenge(verifier)
    )
    return PkceSignIn(base_url, client_id, redirect, state, address, verifier)
