"""PowerDialog: sample size and duration for the selected plan, recomputed as you type."""

from collections.abc import Callable
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label

from prodops_tui.services.power import PowerError, power_plan
from prodops_tui.widgets.safe_text import safe_text

FIELDS = (
    ("baseline", "Baseline %", "10"),
    ("mde", "MDE % (rel)", "5"),
    ("power", "Power %", "80"),
    ("alpha", "Signif. %", "5"),
    ("daily", "Users/day", ""),
)
Traffic = Callable[[], tuple[str, float]]
"""Returns (event name, mean daily unique users); runs in a worker."""


class PowerDialog(ModalScreen[None]):
    """Baseline, minimum detectable effect, power and significance in; users and days out."""

    DEFAULT_CSS = """
    PowerDialog {
        align: center middle;
        & > Vertical {
            width: 60;
            height: auto;
            border: round $primary;
            background: $surface;
            padding: 0 1;
        }
        & .field { height: 1; }
        & .field > Label { width: 13; color: $text-muted; }
        & #power-result { height: auto; margin-top: 1; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Close", id="power.close"),
    ]

    def __init__(self, name: str, share: float, traffic: Traffic) -> None:
        super().__init__()
        self.plan_name = name
        self.share = share
        """The fraction of the event's users the test reaches."""
        self.traffic = traffic
        self.event = ""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content.assemble("Power: ", safe_text(self.plan_name)).stylize("bold"))
            for key, label, value in FIELDS:
                box = Input(value, compact=True, id=f"power-{key}", placeholder="reading usage…")
                yield Horizontal(Label(label), box, classes="field")
            yield Label("", id="power-result")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#power-baseline", Input).focus()
        self.load_traffic()
        self.recompute()

    @work(thread=True, exclusive=True, group="power-traffic")
    def load_traffic(self) -> None:
        from prodops_tui.services.calendar_data import FAILURES

        try:
            event, users = self.traffic()
        except FAILURES as error:
            line = f"usage unreadable: {str(error).splitlines()[0]}"
            self.app.call_from_thread(self.notify, safe_text(line).plain, severity="error")
            return
        self.app.call_from_thread(self._traffic_loaded, event, users)

    def _traffic_loaded(self, event: str, users: float) -> None:
        self.event = event
        daily = self.query_one("#power-daily", Input)
        if not daily.value:
            daily.value = f"{users:.0f}"
        self.recompute()

    def _percent(self, key: str) -> float:
        text = self.query_one(f"#power-{key}", Input).value.strip().rstrip("%")
        try:
            return float(text) / 100
        except ValueError:
            raise PowerError(f"{key} must be a number") from None

    @on(Input.Changed)
    def recompute(self) -> None:
        result = self.query_one("#power-result", Label)
        try:
            daily = (
                self._percent("daily") * 100 if self.query_one("#power-daily", Input).value else 0
            )
            found = power_plan(
                self._percent("baseline"),
                self._percent("mde"),
                daily,
                alpha=self._percent("alpha"),
                power=self._percent("power"),
                traffic_share=self.share,
            )
        except PowerError as error:
            result.update(Content(str(error)).stylize("$error"))
            return
        days = f"{found.days} days" if found.days else "no traffic yet: enter users/day"
        source = f" of {self.event}" if self.event else ""
        lines = (
            f"{found.per_arm:,} users per arm, {found.total:,} in all",
            f"Duration: {days} ({self.share:.0%} of traffic{source})",
        )
        result.update(safe_text("\n".join(lines)))
