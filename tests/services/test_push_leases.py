"""A pusher killed on this host does not hold its edits until the lease expires."""

import os
import socket
import subprocess
import sys

from sqlalchemy import text

from prodops_tui.services.push import owner, release_dead_leases
from prodops_tui.store.store import Store


def _inflight(store: Store, lease_owner: str) -> str:
    """A new edit, leased by `lease_owner` (after every earlier edit was finished or leased)."""
    with store.write() as conn:
        edit = store.enqueue(
            conn, target=f"jira:acme:{lease_owner}", op="priority", payload={}, base_version="",
            actor="t",
        )  # fmt: skip
    rows = store.lease_outbox(lease_owner, 1, 120)
    assert [r["id"] for r in rows] == [edit]
    return edit


def _state(store: Store, edit: str) -> str:
    with store.read() as conn:
        return str(
            conn.execute(text("SELECT state FROM outbox WHERE id = :i"), {"i": edit}).scalar()
        )


def test_leases_of_dead_local_pushers_are_released(store: Store) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                          capture_output=True, text=True).stdout.strip()  # fmt: skip
    host = socket.gethostname()
    dead = _inflight(store, f"{host}:{gone}")
    assert release_dead_leases(store) == 1
    assert _state(store, dead) == "pending"
    store.finish_outbox(dead, "done")
    alive = _inflight(store, f"{host}:{os.getppid()}")
    elsewhere = _inflight(store, f"another-host:{gone}")
    mine = _inflight(store, owner())
    assert release_dead_leases(store) == 0
    assert {_state(store, e) for e in (alive, elsewhere, mine)} == {"inflight"}
