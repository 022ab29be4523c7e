"""Zendesk OAuth sign-in inside the app (the Tools screen's `c`): the PKCE flow that also works
over SSH. The dialog shows the address to open in a browser on any machine; the user pastes back
the code or the address they land on, which is exchanged for a token pair in a worker, checked
against Zendesk and stored. The code and the tokens are never shown or logged."""

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Label, Static

from prodops_tui.screens.tool_form import FORM_CSS, SignIn, SignInDialog
from prodops_tui.widgets.safe_text import safe_text

if TYPE_CHECKING:
    from prodops_tui.services.zendesk_sign_in import PkceSignIn


class OAuthSignInDialog(SignInDialog):
    """Sign in again with OAuth: open the address, approve, paste the code back."""

    DEFAULT_CSS = (
        "OAuthSignInDialog {"
        + FORM_CSS
        + "& #oauth-address { color: $text-accent; height: auto; margin: 0 0 1 0; } }"
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+y", "copy_address", "Copy address", id="oauth.copy")
    ]
    SECRET = ("Code", "code, or the address", "Paste the code, or the address you were sent to")
    KEYS = "Enter sign in · ctrl+y copy the address · Escape cancel"

    def __init__(self, name: str, attempt: "PkceSignIn", note: str, sign_in: SignIn) -> None:
        super().__init__(name, "oauth", note, sign_in)
        self.attempt = attempt

    def intro(self) -> ComposeResult:
        yield Label(
            "Open this address in a browser on any machine and approve prodops, then paste the "
            "code or the whole address you land on (it may fail to load: that is fine):",
            classes="form-hint",
        )
        yield Static(safe_text(self.attempt.address), id="oauth-address")

    def action_copy_address(self) -> None:
        self.app.copy_to_clipboard(self.attempt.address)
        self.notify("Address copied (if your terminal allows the clipboard)", markup=False)
