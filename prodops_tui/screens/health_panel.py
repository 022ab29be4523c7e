"""The health section of the Tools screen's detail pane: one connection's state, credential,
token, deprecation, each stream's last sync, cursor, changes and error, the rate budget, seats in
the service against seats bought, and the last test. Everything remote is literal text."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from textual.content import Content

from prodops_tui.widgets.safe_text import safe_text
from prodops_tui.widgets.status_bar import age

if TYPE_CHECKING:
    from prodops_tui.services.doctor import Check
    from prodops_tui.services.health import Health, StreamHealth

STATE_STYLES = {
    "ok": "$text-success",
    "stale": "$text-warning",
    "never synced": "$text-warning",
    "failing": "$text-error",
    "no credential": "$text-error",
}
LEVEL_STYLES = {"ok": "$text-success", "info": "$text-muted", "warn": "$text-warning"}
LEVEL_STYLES["fail"] = "$text-error"
SEAT_NOUNS = {"jira": "licensed users", "zendesk": "agents"}
CURSOR_WIDTH = 24
KEYS_HINT = "s sync now · t test connection · c sign in again"


@dataclass(frozen=True)
class Shown:
    """What the panel knows about one connection: its health, last test and any busy state."""

    health: "Health | None" = None
    checks: tuple["Check", ...] = ()
    busy: str = ""
    """E.g. "syncing…" while a key's work runs."""
    error: str = ""


def _label(text: str) -> Content:
    return Content(f"{text:<11}").stylize("$text-muted")


def _moment(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "never"
    return f"{moment:%Y-%m-%d %H:%M} ({age(moment, now)} ago)"


def _short(text: str) -> str:
    return text if len(text) <= CURSOR_WIDTH else text[: CURSOR_WIDTH - 1] + "…"


def _level_line(label: str, level: str, text: str) -> Content:
    return Content.assemble(_label(label), safe_text(text).stylize(LEVEL_STYLES.get(level, "")))


def stream_lines(stream: "StreamHealth", now: datetime, interval: float) -> list[Content]:
    """A stream's last success, changes and cursor; its error when the last run failed."""
    synced = safe_text(_moment(stream.last_success_at, now))
    if stream.stale:
        synced = synced.stylize("$text-warning") + Content(f" stale (every {interval:g} min)")
    lines = [
        Content.assemble(
            _label(stream.stream),
            synced,
            f" · {stream.items_changed:,} changed · cursor ",
            safe_text(_short(stream.cursor) or "none"),
        )
    ]
    if stream.failing:
        when = _moment(stream.last_error_at, now)
        error = safe_text(f"error {when}: {stream.last_error}").stylize("$text-error")
        lines.append(Content.assemble(_label(""), error))
    return lines


def _credential(health: "Health") -> Content:
    level = "warn" if health.credential in ("plaintext", "encrypted-file (locked)") else "ok"
    if health.credential in ("none", "unreadable"):
        level = "fail"
    method = health.auth_method or "token"
    return _level_line("Sign-in", level, f"{method}; secret in {health.credential}")


def _seats(health: "Health", bought: int, now: datetime) -> list[Content]:
    from prodops_tui.services.seats import compare_seats  # loaded by the health worker

    seats = health.seats
    if seats is None or (seats.in_service is None and not seats.error):
        if health.kind in SEAT_NOUNS:
            return [_level_line("Seats", "info", "not counted yet: s syncs and counts them")]
        return []
    lines = []
    if seats.in_service is not None:
        noun = SEAT_NOUNS.get(health.kind, "people")
        level, line = compare_seats(bought, seats.in_service, noun)
        counted = _moment(seats.counted_at, now)
        lines.append(_level_line("Seats", level, f"{line}; counted {counted}"))
    if seats.error:
        lines.append(_level_line("Seats", "warn", f"could not count: {seats.error}"))
    return lines


def render_health(shown: Shown, bought: int, now: datetime) -> Content:
    """The connection's health as lines of literal text."""
    health = shown.health
    if health is None:
        return Content(shown.error or shown.busy or "Reading the connection's health…")
    state = Content(health.state).stylize(f"bold {STATE_STYLES.get(health.state, '')}")
    head = Content.assemble(("Connection ", "bold"), safe_text(health.name), "  ", state)
    if shown.busy:
        head += Content(f"  {shown.busy}").stylize("$text-accent")
    lines = [head, _credential(health)]
    for label, (level, text) in (("Token", health.token), ("Deprecation", health.deprecation)):
        if text:
            lines.append(_level_line(label, level, text))
    for stream in health.streams or ():
        lines += stream_lines(stream, now, health.interval_minutes)
    if not health.streams:
        lines.append(_level_line("Synced", "warn", "never: s syncs it now"))
    if health.rate_remaining is not None:
        lines.append(_level_line("Rate", "ok", f"{health.rate_remaining:,} requests left"))
    lines += _seats(health, bought, now)
    lines += [_level_line("Test", check.level, check.detail) for check in shown.checks]
    if shown.error:
        lines.append(_level_line("Last try", "fail", shown.error))
    lines.append(Content(KEYS_HINT).stylize("$text-muted"))
    return Content("\n").join(lines)


def test_summary(checks: Sequence["Check"]) -> tuple[str, str]:
    """(severity, one line) for a notification after a connection test."""
    failed = [c for c in checks if c.level == "fail"]
    if failed:
        return "error", f"Test failed: {failed[0].detail}"
    warned = [c for c in checks if c.level == "warn"]
    first = checks[0].detail if checks else "no answer"
    return (
        ("warning", f"Test ok, {warned[0].detail}")
        if warned
        else ("information", f"Test ok: {first}")
    )
