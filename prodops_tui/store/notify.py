"""Change notices between the members of a workspace.

PostgreSQL: every write transaction sends `pg_notify` on one channel just before it commits
(delivered only if it commits, once per distinct payload and transaction). The payload says
which Store wrote (so a process can skip its own notices) and what changed: `data` (rows the
lists show) or `status` (only the status line, e.g. who is syncing). SQLite has no NOTIFY: a
watcher polls `PRAGMA data_version` instead (services/live.py).

Importing this module must stay cheap: the app's first frame may import it.
"""

import json
import os
from dataclasses import dataclass
from typing import Any

CHANNEL = "prodops_changes"
DATA = "data"
STATUS = "status"
CHANGE_INFO = "prodops.change"
"""Key in a SQLAlchemy connection's `info` naming what its open write transaction changes."""


def new_origin() -> str:
    """A token naming one Store (or one app) in the notices it sends."""
    return os.urandom(8).hex()


@dataclass(frozen=True)
class Notice:
    """One change another member committed."""

    origin: str
    what: str


def payload(origin: str, what: str) -> str:
    return json.dumps({"origin": origin, "what": what}, separators=(",", ":"))


def parse(text: str) -> Notice:
    """A notice from a payload; anything unreadable counts as a data change from nobody."""
    try:
        value = json.loads(text)
    except ValueError:
        return Notice("", DATA)
    if not isinstance(value, dict):
        return Notice("", DATA)
    what = value.get("what")
    return Notice(str(value.get("origin", "")), what if what in (DATA, STATUS) else DATA)


def mark_status_only(conn: Any) -> None:
    """Say that the caller's open write transaction only changes what the status line shows."""
    conn.info[CHANGE_INFO] = STATUS


def announce(conn: Any, origin: str) -> None:
    """Queue this transaction's notice (PostgreSQL; sent by the server at commit)."""
    what = conn.info.pop(CHANGE_INFO, DATA)
    conn.exec_driver_sql(f"SELECT pg_notify('{CHANNEL}', %(p)s)", {"p": payload(origin, what)})
