"""Home: what needs attention now, as counts that open the screen behind them."""

from dataclasses import dataclass
from typing import ClassVar

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal
from textual.content import Content
from textual.events import Click
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from prodops_tui.models.enums import ExperimentStatus, ToolStatus
from prodops_tui.store.reads import ListQuery, Reader, Row
from prodops_tui.widgets.safe_text import safe_text
from prodops_tui.widgets.status_bar import STALE_AFTER, StatusBar, parse_moment
from prodops_tui.widgets.workspace import Workspace

LIST_SIZE = 5
RENEWALS = ListQuery(
    "tool",
    ("name", "renewal_date", "monthly_cost"),
    order=(("renewal_date", False),),
    filters=(("status", ToolStatus.ACTIVE.value),),
)
RUNNING = ListQuery(
    "experiment", ("name", "end"), filters=(("status", ExperimentStatus.RUNNING.value),)
)


@dataclass(frozen=True)
class CardSpec:
    title: str
    mode: str
    """The screen the card opens."""


CARDS = (
    CardSpec("Untriaged", "backlog"),
    CardSpec("New feedback", "inbox"),
    CardSpec("Running", "calendar"),
    CardSpec("Renewals", "tools"),
    CardSpec("Stale sources", "tools"),
)


@dataclass(frozen=True)
class Overview:
    """Everything Home shows, read in one worker."""

    counts: dict[str, int]
    stale: int
    sources: int
    renewals: list[Row]
    running: list[Row]


class Card(Static, can_focus=True):
    """One count on Home; Enter or a click opens the screen it summarises."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open", id="home.open"),
    ]

    class Opened(Message):
        def __init__(self, mode: str) -> None:
            super().__init__()
            self.mode = mode

    def __init__(self, number: int, spec: CardSpec) -> None:
        super().__init__(id=f"card-{number}")
        self.number = number
        self.spec = spec

    def show(self, value: int, detail: str) -> None:
        self.update(
            Content.assemble(
                (f"{self.number} ", "$text-muted"),
                (self.spec.title, "bold"),
                "\n",
                (f"{value:,}", "bold $text-accent"),
                "\n",
                (detail, "$text-muted"),
            )
        )

    def action_open(self) -> None:
        self.post_message(self.Opened(self.spec.mode))

    def on_click(self, event: Click) -> None:
        self.action_open()


def read_overview(workspace: Workspace) -> Overview:
    """Counts, stale sources and the two short lists (runs in a worker thread)."""
    reader: Reader = workspace.reader
    now, today = workspace.clock(), workspace.today()
    sources = reader.freshness()
    stale = sum(1 for _, last in sources if last is None or now - parse_moment(last) > STALE_AFTER)
    due = [r for r in reader.first_page(RENEWALS, 256) if r[2] and str(r[2]) >= today.isoformat()]
    return Overview(
        reader.summary(today),
        stale,
        len(sources),
        due[:LIST_SIZE],
        reader.first_page(RUNNING, LIST_SIZE),
    )


def short_list(title: str, rows: list[Row], empty: str, extra_width: int) -> Content:
    """Date, a short fixed-width fact, then the name last: a narrow box cuts only the name."""
    lines = [Content(title).stylize("bold")]
    for _, name, when, extra in rows:
        fact = Content("")
        if isinstance(extra, float):
            fact = Content(f"{extra:,.0f}/mo  ").right(extra_width + 2)
        elif extra_width:
            fact = safe_text(str(extra or "")).truncate(extra_width, ellipsis=True, pad=True) + "  "
        lines.append(
            Content.assemble(
                (f"{str(when or '')[:10]:<11}", "$text-muted"),
                fact.stylize("$text-muted"),
                safe_text(name),
            )
        )
    if not rows:
        lines.append(Content(empty).stylize("$text-muted"))
    return Content("\n").join(lines)


class HomeScreen(Screen[None]):
    """Counts of what needs attention, the next renewals and the experiments running now."""

    CSS_PATH = "home.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(str(n), f"open_card({n})", card.title, show=False, id=f"home.card{n}")
            for n, card in enumerate(CARDS, 1)
        ),
        Binding("left,h", "app.focus_previous", "Previous card", show=False, id="home.left"),
        Binding("right,l", "app.focus_next", "Next card", show=False, id="home.right"),
        Binding("r", "refresh", "Refresh", tooltip="Read the counts again", id="home.refresh"),
        Binding("tab", "app.next_mode", "Next screen", show=False, id="mode.next"),
        Binding(
            "shift+tab", "app.previous_mode", "Previous screen", show=False, id="mode.previous"
        ),
    ]

    HORIZONTAL_BREAKPOINTS = [
        (0, "-narrow"),
        (100, "-wide"),
    ]
    """Below 100 columns the cards wrap onto two rows so their text stays readable."""

    status = getters.query_one(StatusBar)

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace

    def compose(self) -> ComposeResult:
        with Grid(id="cards"):
            for number, spec in enumerate(CARDS, 1):
                yield Card(number, spec)
        with Horizontal(id="lists"):
            yield Static("", id="renewals", classes="home-list")
            yield Static("", id="running", classes="home-list")
        yield StatusBar(self.workspace)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Card).focus()
        self.action_refresh()

    def action_refresh(self) -> None:
        self.load()
        self.status.load_freshness()

    def action_open_card(self, number: int) -> None:
        self.app.switch_mode(CARDS[number - 1].mode)

    @on(Card.Opened)
    def open_screen(self, event: Card.Opened) -> None:
        self.app.switch_mode(event.mode)

    @work(thread=True, exclusive=True, group="home")
    def load(self) -> None:
        overview = read_overview(self.workspace)
        self.app.call_from_thread(self._show, overview)

    def _show(self, o: Overview) -> None:
        c = o.counts
        values = [
            (c["issues_untriaged"], f"of {c['issues']:,} issues"),
            (c["feedback_new"], f"of {c['feedback']:,} items"),
            (c["experiments_running"], f"of {c['experiments']:,} experiments"),
            (c["renewals_30"], f"in 30d, {c['renewals_90']:,} in 90d"),
            (o.stale, f"of {o.sources:,} sources"),
        ]
        for card, (value, detail) in zip(self.query(Card), values, strict=True):
            card.show(value, detail)
        renewals = [(r[0], r[1], r[2], r[3]) for r in o.renewals]
        self.query_one("#renewals", Static).update(
            short_list("Next renewals", renewals, "No renewals ahead", 9)
        )
        running = [(r[0], r[1], r[2], None) for r in o.running]
        self.query_one("#running", Static).update(
            short_list("Running experiments (end date)", running, "No experiment is running", 0)
        )
