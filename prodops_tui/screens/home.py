"""Home: what needs attention now, as counts that open the screen behind them."""

from collections.abc import Callable
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
from textual.worker import get_current_worker

from prodops_tui.models.enums import ExperimentStatus, ToolStatus
from prodops_tui.store.errors import StoreError
from prodops_tui.store.reads import SUMMARY_STEPS, ListQuery, Reader, Row
from prodops_tui.widgets.activity import DATA
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
    "experiment", ("name", "start"), filters=(("status", ExperimentStatus.RUNNING.value),)
)


Counts = dict[str, int]


@dataclass(frozen=True)
class CardSpec:
    title: str
    mode: str
    """The screen the card opens."""
    needs: tuple[str, ...]
    """The counts the card shows; it stays "counting…" until all of them arrived."""
    value: Callable[[Counts], tuple[int, str]]
    """Big number and detail line from the counts."""


CARDS = (
    CardSpec(
        "Untriaged",
        "backlog",
        ("issues_untriaged", "issues"),
        lambda c: (c["issues_untriaged"], f"of {c['issues']:,} issues"),
    ),
    CardSpec(
        "New feedback",
        "inbox",
        ("feedback_new", "feedback"),
        lambda c: (c["feedback_new"], f"of {c['feedback']:,} items"),
    ),
    CardSpec(
        "Running",
        "calendar",
        ("experiments_running", "experiments"),
        lambda c: (c["experiments_running"], f"of {c['experiments']:,} experiments"),
    ),
    CardSpec(
        "Renewals",
        "tools",
        ("renewals_30", "renewals_90"),
        lambda c: (c["renewals_30"], f"in 30d, {c['renewals_90']:,} in 90d"),
    ),
    CardSpec(
        "Stale sources",
        "tools",
        ("stale", "sources"),
        lambda c: (c["stale"], f"of {c['sources']:,} sources"),
    ),
)


@dataclass(frozen=True)
class Overview:
    """What Home shows from small tables: read before any count over the big ones."""

    counts: Counts
    """The cheap counts (first of SUMMARY_STEPS) plus `stale` and `sources`."""
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
        super().__init__(self._text(number, spec, "…", "counting…"), id=f"card-{number}")
        self.number = number
        self.spec = spec

    @staticmethod
    def _text(number: int, spec: CardSpec, value: str, detail: str) -> Content:
        return Content.assemble(
            (f"{number} ", "$text-muted"),
            (spec.title, "bold"),
            "\n",
            (value, "bold $text-accent"),
            "\n",
            (detail, "$text-muted"),
        )

    def show(self, value: int, detail: str) -> None:
        self.update(self._text(self.number, self.spec, f"{value:,}", detail))

    def action_open(self) -> None:
        self.post_message(self.Opened(self.spec.mode))

    def on_click(self, event: Click) -> None:
        self.action_open()


def read_overview(workspace: Workspace) -> Overview:
    """Stale sources, the two short lists and the counts over small tables (worker thread)."""
    reader: Reader = workspace.reader
    now, today = workspace.clock(), workspace.today()
    sources = reader.freshness()
    stale = sum(1 for _, last in sources if last is None or now - parse_moment(last) > STALE_AFTER)
    due = [r for r in reader.first_page(RENEWALS, 256) if r[2] and str(r[2]) >= today.isoformat()]
    counts = reader.summary(today, SUMMARY_STEPS[0]) | {"stale": stale, "sources": len(sources)}
    return Overview(counts, due[:LIST_SIZE], reader.first_page(RUNNING, LIST_SIZE))


def short_list(title: str, rows: list[Row], empty: str, extra_width: int) -> Content:
    """Date, a short fixed-width fact, then the name last: a narrow box cuts only the name."""
    lines = [Content(title).stylize("bold")]
    for _, name, when, extra in rows:
        fact = Content("")
        if isinstance(extra, float):
            fact = Content(f"{extra:,.0f}/mo").right(extra_width) + "  "
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

    class Counted(Message):
        """Every count on Home is shown."""

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.counts: Counts = {}

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
        self.load()  # the StatusBar reads its own line when it mounts
        if self.workspace.activity is not None:
            self.workspace.activity.changed.subscribe(self, self._activity_changed)

    def _activity_changed(self, what: str) -> None:
        if what == DATA:  # a sync, an edit, or another member's change
            self.load_overview()
            self.load_counts()

    def action_refresh(self) -> None:
        self.load()
        self.status.load_freshness()

    def action_open_card(self, number: int) -> None:
        self.app.switch_mode(CARDS[number - 1].mode)

    @on(Card.Opened)
    def open_screen(self, event: Card.Opened) -> None:
        self.app.switch_mode(event.mode)

    def load(self) -> None:
        """Small tables now; the counts over big tables after the next frame, cheapest first."""
        if self.workspace.reader.dialect == "sqlite":
            # A few ms of reads on small local tables: on the UI thread they reach the first
            # frame; a worker waited ~200 ms for the GIL while Textual composed the screen.
            try:
                self._show(read_overview(self.workspace))
            except StoreError:
                self.load_overview()  # reports the error the way every worker does
        else:
            self.load_overview()  # a network round trip stays off the UI thread
        self.call_after_refresh(self.load_counts)

    @work(thread=True, exclusive=True, group="home")
    def load_overview(self) -> None:
        try:
            overview = read_overview(self.workspace)
        except StoreError as error:  # e.g. a team database gone away: keep what is shown
            self.app.call_from_thread(self._unread, error)
            return
        self.app.call_from_thread(self._show, overview)

    @work(thread=True, exclusive=True, group="home-counts")
    def load_counts(self) -> None:
        worker = get_current_worker()
        today = self.workspace.today()
        for keys in SUMMARY_STEPS[1:]:
            if worker.is_cancelled:
                return
            try:
                counts = self.workspace.reader.summary(today, keys)
            except StoreError as error:
                self.app.call_from_thread(self._unread, error)
                return
            self.app.call_from_thread(self._show_counts, counts)
        self.app.call_from_thread(self.post_message, self.Counted())

    def _unread(self, error: StoreError) -> None:
        self.notify(safe_text(str(error)).plain, severity="error", markup=False)

    def _show_counts(self, counts: Counts) -> None:
        """Fill every card whose counts are all known; the numbers are exact when shown."""
        self.counts.update(counts)
        for card in self.query(Card):
            if all(key in self.counts for key in card.spec.needs):
                card.show(*card.spec.value(self.counts))

    def _show(self, o: Overview) -> None:
        self._show_counts(o.counts)
        renewals = [(r[0], r[1], r[2], r[3]) for r in o.renewals]
        self.query_one("#renewals", Static).update(
            short_list("Next renewals", renewals, "No renewals ahead", 9)
        )
        running = [(r[0], r[1], r[2], None) for r in o.running]
        self.query_one("#running", Static).update(
            short_list("Running experiments (started)", running, "No experiment is running", 0)
        )
