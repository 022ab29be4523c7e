"""Home: what needs attention now, as counts that open the filtered list behind them, and
small charts of the last eight weeks."""

import asyncio
from contextlib import suppress
from typing import TYPE_CHECKING, ClassVar

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from prodops_tui.screens.home_cards import (
    CARDS,
    CONFLICTS,
    QUERY_COUNTS,
    Card,
    CardSpec,
    Counts,
)
from prodops_tui.screens.home_data import Overview, read_overview
from prodops_tui.store.errors import StoreError
from prodops_tui.store.reads import SUMMARY_STEPS, ListQuery
from prodops_tui.widgets.activity import DATA
from prodops_tui.widgets.safe_text import safe_text
from prodops_tui.widgets.status_bar import StatusBar
from prodops_tui.widgets.workspace import Workspace

if TYPE_CHECKING:
    from prodops_tui.services.trends import Trends
COUNT_STEPS = (
    ("issues",),
    ("issues_untriaged",),
    SUMMARY_STEPS[2],
    ("snoozed_issues_due", "snoozed_feedback_due"),
)
"""The counts over big tables after the first frame, issues before feedback; those named in
QUERY_COUNTS are their card's query, counted as the list counts it."""
FIRST_FRAME_AT_LATEST = 1.0
"""Seconds Home waits for the app to report its first frame before the deferred work starts."""
EMPTY_HINT = (
    "This workspace has no data yet. Connect a source with `prodops connect jira` (or zendesk, "
    "growthbook, mixpanel), then sync with ctrl+r or `prodops sync`. "
    "To look around first, run `prodops demo`."
)


class HomeScreen(Screen[None]):
    """Counts of what needs attention, the next renewals, what runs, and the trends."""

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

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    """Below 100 columns the charts take two columns instead of three."""

    status = getters.query_one(StatusBar)

    class Counted(Message):
        """Every count on Home is shown."""

    class Charted(Message):
        """The charts are drawn (after the counts)."""

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.counts: Counts = {}
        self.outdated = False
        """Rows changed while another screen was shown."""
        self._charts_ready = False
        self._first_frame = asyncio.Event()
        self._overview: Overview | None = None
        self._trends: Trends | None = None

    def compose(self) -> ComposeResult:
        with Grid(id="cards"):
            for number, spec in enumerate(CARDS, 1):
                yield Card(number, spec)
        with VerticalScroll(id="home-body", can_focus=False):
            yield Static(EMPTY_HINT, id="home-empty", markup=False)
            yield Grid(id="charts")
        yield StatusBar(self.workspace)

    def on_mount(self) -> None:
        self.query_one(Card).focus()
        self.load(counts=False)  # the StatusBar reads its own line when it mounts
        self._finish_after_first_frame()
        if getattr(self.app, "first_frame_shown", True):
            self.call_after_refresh(self.first_frame_drawn)
        if self.workspace.activity is not None:
            self.workspace.activity.changed.subscribe(self, self._activity_changed)

    def first_frame_drawn(self) -> None:
        """The app's first frame (with this screen's cards) is on the terminal."""
        self._first_frame.set()

    @work(exclusive=True, group="home-first-frame")
    async def _finish_after_first_frame(self) -> None:
        """What the first frame does without: the counts over big tables, the footer (its
        keys cost about as much styling as all the cards) and the chart boxes."""
        with suppress(TimeoutError):  # a safety net: the app tells when the frame is drawn
            await asyncio.wait_for(self._first_frame.wait(), FIRST_FRAME_AT_LATEST)
        self.load_counts()
        await self.mount(Footer(), after=self.status)
        self.refresh_bindings()  # a footer lists the keys when the bindings are announced
        await self._mount_charts()

    def _activity_changed(self, what: str) -> None:
        if what != DATA:  # DATA: a sync, an edit, or another member's change
            return
        if self.is_current:
            self.load_overview()
            self.load_counts()
        else:
            self.outdated = True  # read again when shown, not behind another screen

    def on_screen_resume(self) -> None:
        if self.outdated:
            self.outdated = False
            self.load_overview()
            self.load_counts()

    def action_refresh(self) -> None:
        self.load()
        self.status.load_freshness()

    def action_open_card(self, number: int) -> None:
        self.open_card(CARDS[number - 1])

    @on(Card.Opened)
    def card_opened(self, event: Card.Opened) -> None:
        self.open_card(event.spec)

    @work(group="home-open")
    async def open_card(self, spec: CardSpec) -> None:
        """Show what the card counts: its screen with the card's query applied."""
        if spec.mode == CONFLICTS:
            await self.app.run_action("conflicts")
            return
        await self.app.switch_mode(spec.mode)
        apply = getattr(self.app.screen, "apply_query", None)
        if spec.query is not None and callable(apply):
            apply(spec.query)

    def load(self, counts: bool = True) -> None:
        """Small tables now; the counts over big tables (unless `counts` is False: the first
        time they wait for the first frame) after the next frame, cheapest first, then the
        charts."""
        if self.workspace.reader.dialect == "sqlite":
            # A few ms of reads on small local tables: on the UI thread they reach the first
            # frame; a worker waited ~200 ms for the GIL while Textual composed the screen.
            try:
                self._show(read_overview(self.workspace))
            except StoreError:
                self.load_overview()  # reports the error the way every worker does
        else:
            self.load_overview()  # a network round trip stays off the UI thread
        if counts:
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
        reader, today = self.workspace.reader, self.workspace.today()
        try:
            for keys in COUNT_STEPS:
                if worker.is_cancelled:
                    return
                if keys[0] in QUERY_COUNTS:
                    counts = self._query_counts(keys)
                else:
                    counts = reader.summary(today, keys)
                self.app.call_from_thread(self._show_counts, counts)
            self.app.call_from_thread(self.post_message, self.Counted())
            if not worker.is_cancelled:
                self._load_conflicts_and_charts()
        except StoreError as error:
            self.app.call_from_thread(self._unread, error)

    def _query_counts(self, keys: tuple[str, ...]) -> Counts:
        """Cards' counts that are their list's query, counted the way the list counts."""
        from prodops_tui.services.query import parse

        now, counts = self.workspace.clock(), {}
        for key in keys:
            table, text = QUERY_COUNTS[key]
            where = parse(text, table, now).where
            counts[key] = self.workspace.reader.count(ListQuery(table, ("id",), where=where))
        return counts

    def _load_conflicts_and_charts(self) -> None:
        """After the exact counts: experiments in conflict, then the charts."""
        from prodops_tui.screens import home_charts as charts
        from prodops_tui.services import stats, trends

        reader = self.workspace.reader
        conflicts = len(trends.experiments_in_conflict(reader, self.workspace.today()))
        self.app.call_from_thread(self._show_counts, {"experiment_conflicts": conflicts})
        period = stats.last_weeks(self.workspace.today(), charts.WEEKS)
        found = trends.read_trends(reader, period)
        self.app.call_from_thread(self._show_trends, found)

    def _unread(self, error: StoreError) -> None:
        self.notify(safe_text(str(error)).plain, severity="error", markup=False)

    def _show_counts(self, counts: Counts) -> None:
        """Fill every card whose counts are all known; the numbers are exact when shown."""
        self.counts.update(counts)
        for card in self.query(Card):
            card.show(self.counts)
        empty = self.counts.get("sources") == 0 and not self.counts.get("issues", 1)
        shown = empty and not self.counts.get("feedback", 1)
        self.query("#home-empty").set(display=shown)  # none while the app shuts down

    async def _mount_charts(self) -> None:
        """The boxes below the cards, after the first frame (which only waits for the cards)."""
        from prodops_tui.screens import home_charts as charts

        for grid in self.query("#charts").results(Grid):  # none while the app shuts down
            await grid.mount_all(charts.boxes())
            self._charts_ready = True
        if not self._charts_ready:
            return
        if self._overview is not None:
            self._show_lists(self._overview)
        if self._trends is not None:
            self._show_trends(self._trends)

    def _show(self, o: Overview) -> None:
        self._overview = o
        self._show_counts(o.counts)
        if self._charts_ready:
            self._show_lists(o)

    def _show_lists(self, o: Overview) -> None:
        from prodops_tui.screens import home_charts as charts  # imported with the boxes

        charts.show_lists(self, o.renewals, o.running)

    def _show_trends(self, t: "Trends") -> None:
        from prodops_tui.screens import home_charts as charts  # imported with the boxes

        self._trends = t
        if not self._charts_ready:
            return
        charts.show_trends(self, t)
        self.post_message(self.Charted())
