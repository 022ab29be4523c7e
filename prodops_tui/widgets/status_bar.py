"""StatusBar: workspace, read-only badge, freshness per source and the current list's size. A
source is stale by the rule Home, the digest and the Tools screen use (services/staleness.py)."""

import json
from datetime import UTC, datetime, timedelta

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Label

from prodops_tui.services.sources import Source, sources
from prodops_tui.store.errors import StoreError
from prodops_tui.widgets.safe_text import safe_text
from prodops_tui.widgets.workspace import Workspace

SYNC_GIVEN_UP = timedelta(hours=1)
"""A sync lock record this old without a finish is a syncer that died, not one running."""
REFRESH_SECONDS = 60.0
OUTBOX_COUNTS = ("outbox_pending", "outbox_conflict")
"""The only counts the bar shows: cheap (the outbox is small), unlike Home's big-table counts."""


def age(then: datetime, now: datetime) -> str:
    """A short human age: 45s, 5m, 3h, 2d."""
    seconds = max(int((now - then).total_seconds()), 0)
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def parse_moment(text: str) -> datetime:
    """An ISO timestamp from the store, read as UTC when it carries no zone."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def syncing_elsewhere(syncers: list[tuple[str, str]], now: datetime) -> dict[str, str]:
    """Connection kind -> who is syncing it now, from the sync lock records."""
    found: dict[str, str] = {}
    for kind, value in syncers:
        try:
            record = json.loads(value)
            started = parse_moment(str(record["started"]))
        except (ValueError, KeyError, TypeError):
            continue
        if not record.get("finished") and now - started < SYNC_GIVEN_UP:
            found[kind] = str(record.get("actor") or "someone")
    return found


def _age_part(kind: str, moment: datetime, now: datetime, stale: bool) -> Content:
    when = f" {age(moment, now)} ago"
    if stale:
        return Content.assemble(safe_text(kind), (f"{when} (stale)", "$text-warning"))
    return Content.assemble(safe_text(kind), when)


class StatusBar(Horizontal):
    """One line at the bottom of every screen saying where the data comes from and how old it is."""

    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        background: $panel;
        color: $text-muted;
        & > Label { width: auto; padding: 0 1; }
        & > #status-workspace { color: $text-primary; text-style: bold; }
        & > #status-badge { display: none; background: $warning; color: $background; }
        & > #status-badge.-on { display: block; }
        & > #status-freshness { width: 1fr; }
    }
    """

    rows: reactive[int | None] = reactive(None)
    """Rows in the list the screen shows; None on screens without a list."""
    noun: reactive[str] = reactive("rows")

    def __init__(self, workspace: Workspace, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.workspace = workspace
        self._last: tuple[list[Source], dict[str, int], dict[str, str]] = (
            [],
            {},
            {},
        )

    def compose(self) -> ComposeResult:
        yield Label(safe_text(self.workspace.name), id="status-workspace")
        yield Label(
            "READ-ONLY", id="status-badge", classes="-on" if self.workspace.read_only else ""
        )
        yield Label("", id="status-freshness")
        yield Label("", id="status-rows")

    def on_mount(self) -> None:
        self.load_freshness()
        self.set_interval(REFRESH_SECONDS, self.load_freshness)
        if self.workspace.activity is not None:
            self.workspace.activity.changed.subscribe(self, self._activity_changed)

    def _activity_changed(self, _what: str) -> None:
        self.load_freshness()

    def watch_noun(self) -> None:
        self.watch_rows(self.rows)

    def watch_rows(self, rows: int | None) -> None:
        text = "" if rows is None else f"{rows:,} {self.noun}"
        self.query_one("#status-rows", Label).update(Content(text))

    @work(thread=True, exclusive=True, group="status")
    def load_freshness(self) -> None:
        reader = self.workspace.reader
        try:
            found = sources(reader, self.workspace.clock(), self.workspace.sync_minutes)
            summary = reader.summary(self.workspace.today(), OUTBOX_COUNTS)
            elsewhere = syncing_elsewhere(reader.syncers(), datetime.now(UTC))
        except StoreError:  # the workspace went away: keep the last line, the watcher says why
            found, summary, elsewhere = self._last
        self._last = (found, summary, elsewhere)
        self.app.call_from_thread(self._show_freshness, found, summary, elsewhere)

    def _show_freshness(
        self,
        found: list[Source],
        summary: dict[str, int],
        elsewhere: dict[str, str],
    ) -> None:
        now = self.workspace.clock()
        stale = "$text-warning"
        activity = self.workspace.activity
        syncing = activity.syncing if activity else set()
        errors = activity.errors if activity else {}
        parts: list[Content] = []
        if activity is not None and activity.unreachable:
            parts.append(safe_text(activity.unreachable).stylize("$text-error"))
        for source in found:
            kind = source.kind
            if kind in syncing:
                parts.append(Content.assemble(safe_text(kind), " syncing…"))
            elif kind in errors:
                error = safe_text(f" {errors[kind]}").stylize(stale)
                parts.append(Content.assemble(safe_text(kind), error))
            elif kind in elsewhere:
                parts.append(safe_text(f"{kind} syncing ({elsewhere[kind]})…"))
            elif source.last_success is None:
                parts.append(Content.assemble(safe_text(kind), (" never synced", stale)))
            else:
                parts.append(_age_part(kind, source.last_success, now, source.stale))
        queued = summary.get("outbox_pending", 0)
        conflicts = summary.get("outbox_conflict", 0)
        if queued:
            parts.append(Content(f"{queued:,} edits queued"))
        if conflicts:
            parts.append(Content.assemble((f"{conflicts:,} conflicts", "$text-error")))
        line = Content(" · ").join(parts)
        self.query_one("#status-freshness", Label).update(line)
