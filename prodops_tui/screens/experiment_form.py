"""ExperimentForm: add or edit a planned experiment; fields follow the design, errors are one
line and nothing is returned until the plan is valid."""

from collections.abc import Mapping
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Select

from prodops_tui.services.plan_fields import LOCAL_STATUSES, PlanError, clean_plan
from prodops_tui.widgets.safe_text import safe_text

COMMON = (
    ("name", "Name", "Checkout: sticky call to action"),
    ("owner", "Owner", "who runs it"),
    ("surface", "Surface", "checkout"),
    ("flag_key", "Flag", "feature flag key"),
    ("primary_metric", "Metric", "checkout_conversion"),
    ("start", "Start", "YYYY-MM-DD"),
    ("end", "End", "YYYY-MM-DD (the day it stops)"),
    ("hypothesis", "Hypothesis", "If we ..., then ... because ..."),
)
BY_DESIGN = {
    "ab": (
        ("variations", "Split", "Control 50, Treatment 50"),
        ("namespace_start", "Namespace", "from 0"),
        ("namespace_end", "  to", "to 1"),
        ("traffic_pct", "Traffic %", "100"),
        ("audience", "Audience", "all users"),
    ),
    "switchback": (
        ("regions", "Regions", "eu-west, us-east"),
        ("bucket_hours", "Bucket h", "4"),
    ),
    "geo": (
        ("treated_geos", "Treated", "DE, AT"),
        ("donor_geos", "Donors", "FR, NL, BE"),
    ),
}
DESIGN_NAMES = {"ab": "A/B", "switchback": "Switchback", "geo": "Geo / synthetic control"}


class ExperimentForm(ModalScreen[dict[str, str] | None]):
    """The fields of one plan; ctrl+s (or Enter in a field) saves, Escape cancels."""

    DEFAULT_CSS = """
    ExperimentForm {
        align: center middle;
        & > Vertical {
            width: 90%;
            max-width: 84;
            height: 90%;
            max-height: 30;
            border: round $primary;
            background: $surface;
            padding: 0 1;
        }
        & .field { height: 1; }
        & .field > Label { width: 11; color: $text-muted; }
        & .field > Input, & .field > Select { width: 1fr; }
        & #form-error { color: $error; text-style: bold; height: auto; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="plan.save"),
        Binding("escape", "dismiss(None)", "Cancel", id="plan.cancel"),
    ]

    def __init__(self, title: str, values: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.values = dict(values or {})

    def compose(self) -> ComposeResult:
        design = self.values.get("design") or "ab"
        status = self.values.get("status") or "draft"
        with Vertical():
            yield Label(safe_text(self.title_text).stylize("bold"))
            with VerticalScroll():
                with Horizontal(classes="field"):
                    yield Label("Design")
                    options = [(name, key) for key, name in DESIGN_NAMES.items()]
                    yield Select(
                        options, value=design, allow_blank=False, compact=True, id="design"
                    )
                with Horizontal(classes="field"):
                    yield Label("Status")
                    states = [(name, name) for name in LOCAL_STATUSES]
                    yield Select(states, value=status, allow_blank=False, compact=True, id="status")
                for key, label, hint in COMMON:
                    yield self._field(key, label, hint)
                for name, fields in BY_DESIGN.items():
                    for key, label, hint in fields:
                        yield self._field(key, label, hint, f"-{name}")
            yield Label("", id="form-error")
        yield Footer()

    def _field(self, key: str, label: str, hint: str, classes: str = "") -> Horizontal:
        value = self.values.get(key, "")
        box = Input(value, placeholder=hint, compact=True, id=f"field-{key}")
        return Horizontal(Label(label), box, classes=f"field {classes}".strip())

    def on_mount(self) -> None:
        self._show_design(str(self.query_one("#design", Select).value))
        self.query_one("#field-name", Input).focus()

    @on(Select.Changed, "#design")
    def design_changed(self, event: Select.Changed) -> None:
        self._show_design(str(event.value))

    def _show_design(self, design: str) -> None:
        for name in BY_DESIGN:
            for row in self.query(f".-{name}"):
                row.display = name == design

    def form(self) -> dict[str, str]:
        """The values as typed, with the selects' choices."""
        values = {box.id.removeprefix("field-"): box.value for box in self.query(Input) if box.id}
        values["design"] = str(self.query_one("#design", Select).value)
        values["status"] = str(self.query_one("#status", Select).value)
        return values

    @on(Input.Submitted)
    def action_save(self) -> None:
        values = self.form()
        try:
            clean_plan(values)
        except PlanError as error:
            self.query_one("#form-error", Label).update(Content(str(error)))
            return
        self.dismiss(values)
