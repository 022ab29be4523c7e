"""Modals of the Tools screen: the tool form (add and edit) and signing a connection in again.

Each saves through a function it is given, in a worker; a refusal (bad number, duplicate name,
a secret the service rejects) is shown in the form, which stays open with what was typed."""

from collections.abc import Callable, Mapping
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label

from prodops_tui.widgets.safe_text import safe_text

FIELDS: tuple[tuple[str, str, str], ...] = (
    ("name", "Name", "required, unique"),
    ("category", "Category", "e.g. Analytics"),
    ("owner", "Owner", "who looks after it"),
    ("seats_bought", "Seats bought", "a whole number"),
    ("seats_used", "Seats used", "a whole number (above bought is flagged)"),
    ("monthly_cost", "Monthly cost", "e.g. 1250.50"),
    ("renewal_date", "Renewal", "YYYY-MM-DD, or empty"),
    ("status", "Status", "evaluating, active, retiring or retired"),
    ("connection_id", "Connection", "e.g. jira:acme, or empty"),
    ("notes", "Notes", ""),
)
Submit = Callable[[dict[str, str]], str | None]
"""Saves the values (called in a worker thread); a one-line error keeps the form open."""
SignIn = Callable[[str, str, bool], str | None]
"""(secret, passphrase, allow plaintext) -> a one-line error, or None once it is stored."""

FORM_CSS = """
    align: center middle;
    & > Vertical {
        width: 76;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        padding: 0 1;
        border: round $primary;
        background: $surface;
    }
    & Grid { grid-size: 2; grid-columns: 14 1fr; grid-rows: 1; height: auto; }
    & Input { border: none; height: 1; padding: 0 1; background: $boost; }
    & Input:focus { border: none; background: $primary 30%; }
    & Checkbox { border: none; height: 1; padding: 0; background: transparent; }
    & .form-title { text-style: bold; }
    & .form-error { color: $text-error; width: 1fr; }
    & .form-hint { color: $text-muted; width: 1fr; }
"""


class _SavingModal(ModalScreen[bool]):
    """A form that saves in a worker and closes only when saving worked."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(False)", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "save", "Save", id="form.save"),
    ]

    def __init__(self, submit: Submit) -> None:
        super().__init__()
        self.submit = submit

    def values(self) -> dict[str, str]:
        return {str(field.id): field.value for field in self.query(Input) if field.id}

    def action_save(self) -> None:
        self.query_one(".form-error", Label).update("Saving…")
        self.save(self.values())

    @on(Input.Submitted)
    def save_on_enter(self) -> None:
        self.action_save()

    @work(thread=True, exclusive=True, group="form")
    def save(self, values: dict[str, str]) -> None:
        error = self.submit(values)
        self.app.call_from_thread(self._saved, error)

    def _saved(self, error: str | None) -> None:
        if error is None:
            self.dismiss(True)
        else:
            self.query_one(".form-error", Label).update(safe_text(error))


class ToolForm(_SavingModal):
    """Add or edit a tool: every field on one screen, ctrl+s or Enter saves."""

    DEFAULT_CSS = "ToolForm {" + FORM_CSS + "}"

    def __init__(self, title: str, initial: Mapping[str, str], submit: Submit) -> None:
        super().__init__(submit)
        self.title_text = title
        self.initial = dict(initial)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(safe_text(self.title_text), classes="form-title")
            with Grid():
                for key, label, hint in FIELDS:
                    yield Label(label)
                    yield Input(self.initial.get(key, ""), placeholder=hint, id=key)
            yield Label("", classes="form-error")
            yield Label(
                "ctrl+s or Enter save · Tab next field · Escape cancel", classes="form-hint"
            )


class SignInDialog(_SavingModal):
    """Give a connection a new secret: checked against the service before it is stored."""

    DEFAULT_CSS = "SignInDialog {" + FORM_CSS + "}"
    SECRET = ("API token", "secret", "Type the token the service gave you")
    """(label, placeholder after the method, message when empty) of the secret field."""
    KEYS = "Enter sign in · Escape cancel"

    def __init__(self, name: str, method: str, note: str, sign_in: SignIn) -> None:
        super().__init__(self._sign_in)
        self.connection_name = name
        self.method = method
        self.note = note
        self.sign_in = sign_in

    def intro(self) -> ComposeResult:
        """What comes between the note and the fields (nothing for a pasted token)."""
        yield from ()

    def compose(self) -> ComposeResult:
        label, placeholder, _ = self.SECRET
        with Vertical():
            title = Content.assemble("Sign in again: ", safe_text(self.connection_name))
            yield Label(title.stylize("bold"), classes="form-title")
            yield Label(safe_text(self.note), classes="form-hint")
            yield from self.intro()
            with Grid():
                yield Label(label)
                yield Input(
                    password=True,
                    placeholder=f"{self.method or 'token'} {placeholder}",
                    id="secret",
                )
                yield Label("Passphrase")
                yield Input(
                    password=True, placeholder="encrypted file, if no OS keyring", id="passphrase"
                )
                yield Label("")
                yield Checkbox("Allow a plaintext file if nothing safer works", id="plaintext")
            yield Label("", classes="form-error")
            yield Label(self.KEYS, classes="form-hint")

    def values(self) -> dict[str, str]:
        plaintext = self.query_one("#plaintext", Checkbox).value
        return {**super().values(), "plaintext": "yes" if plaintext else ""}

    def _sign_in(self, values: dict[str, str]) -> str | None:
        secret = values.get("secret", "").strip()
        if not secret:
            return self.SECRET[2]
        return self.sign_in(secret, values.get("passphrase", ""), bool(values.get("plaintext")))
