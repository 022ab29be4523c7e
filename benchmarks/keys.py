"""Drive a headless app key by key and time each key until the screen is repainted.

`Pilot.press` sleeps in 20 ms steps while it waits for the CPU to go idle, which would swamp a
10 ms budget, so keys are posted straight to the app instead. The clock stops when the state
the key should produce holds (polled with zero-length sleeps, so the app's queues run) and the
compositor has drawn the update (`Screen._on_timer_update`, what the frame timer runs in a
terminal). Follow-up messages that do not change that frame (the detail pane's timer) are left
to run after the clock stops; the frame timer's own wait (up to 1/60 s) is not included.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import events
from textual.app import App
from textual.pilot import Pilot

if TYPE_CHECKING:  # the empty-app baseline uses this module without importing prodops
    from prodops_tui.widgets.paged_table import PagedTable

POLL = 0.0005
"""Seconds between checks while waiting for a worker thread."""
TIMEOUT = 30.0

_CHARACTERS = {"slash": "/", "space": " "}


async def until(
    condition: Callable[[], bool], timeout: float = TIMEOUT, poll: float = POLL
) -> None:
    """Yield to the loop (and worker threads) until `condition()` holds."""
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("condition not reached")
        await asyncio.sleep(poll)


async def repaint(pilot: Pilot[None]) -> None:
    """Draw what changed now, as the frame timer would."""
    pilot.app.screen._on_timer_update()


async def drain(pilot: Pilot[None]) -> None:
    """Handle every queued message of the app and the screen's widgets, then draw."""
    for _ in range(2):
        await pilot._wait_for_screen()
    await repaint(pilot)


def post_key(app: App[None], key: str) -> None:
    char = _CHARACTERS.get(key, key if len(key) == 1 else None)
    app.post_message(events.Key(key, char))


async def timed_key(
    pilot: Pilot[None], key: str, reached: Callable[[], bool] = lambda: True
) -> float:
    """Milliseconds from posting `key` until `reached()` holds and the screen is repainted."""
    started = time.perf_counter()
    post_key(pilot.app, key)
    await asyncio.sleep(0)
    await until(reached, poll=0)
    await repaint(pilot)
    return (time.perf_counter() - started) * 1000


def visible_rows_ready(table: PagedTable) -> bool:
    """True when every row in the table's viewport is in memory (no "…" placeholders)."""
    top = round(table.scroll_y)
    body = max(table.size.height - 1, 1)
    return all(table.row_at(i) is not None for i in range(top, min(top + body, table.total)))


async def rows_painted(pilot: Pilot[None], table: PagedTable, started: float) -> float:
    """Milliseconds since `started` until the viewport's rows are loaded and drawn."""
    if not visible_rows_ready(table):
        await until(lambda: visible_rows_ready(table))
        await repaint(pilot)
    return (time.perf_counter() - started) * 1000
