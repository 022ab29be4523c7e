"""A cheap look at a SQLite workspace before the first frame: is it ours and up to date?"""

import sqlite3
from pathlib import Path

HEAD_REVISION = "0005"
"""The newest Alembic revision; a test keeps it equal to the migration scripts' head."""


def sqlite_path(url: str) -> Path | None:
    """The file behind a `sqlite:///` URL, or None for other databases."""
    prefix = "sqlite:///"
    return Path(url[len(prefix) :]) if url.startswith(prefix) else None


def is_current_sqlite(url: str) -> bool:
    """True when the URL is a prodops SQLite workspace at the newest schema.

    Anything else (PostgreSQL, a missing, foreign, corrupt or older file) returns False, and
    the caller goes through `Store.open`, which migrates or explains the problem.
    """
    path = sqlite_path(url)
    if path is None or not path.is_file():
        return False
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return False
    try:
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        app = connection.execute("SELECT value FROM workspace_meta WHERE key = 'app'").fetchone()
    except sqlite3.Error:
        return False
    finally:
        connection.close()
    return bool(revision == (HEAD_REVISION,) and app == ("prodops",))
