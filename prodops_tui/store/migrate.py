"""Alembic, configured in code: the scripts ship inside the package, so it works from a wheel."""

from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text

from prodops_tui.store.engine import StoreError

SCRIPTS = Path(__file__).resolve().parent / "migrations"
FTS_TABLES = ("issue_fts", "feedback_fts")
SEARCH_INDEXES = frozenset({"ix_issue_search", "ix_feedback_search"})


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the packaged scripts, bound to `connection` if given."""
    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPTS))
    cfg.attributes["connection"] = connection
    return cfg


@cache
def head_revision() -> str:
    """The newest revision this version of prodops knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("no migration scripts found")
    return str(head)


@cache
def known_revisions() -> frozenset[str]:
    """Every revision id shipped with this version."""
    script = ScriptDirectory.from_config(alembic_config())
    return frozenset(rev.revision for rev in script.walk_revisions())


def current_revision(connection: Connection) -> str | None:
    """The revision stamped in the database, or None for an unversioned one."""
    rev = MigrationContext.configure(connection).get_current_revision()
    return None if rev is None else str(rev)


def upgrade(connection: Connection, revision: str = "head") -> None:
    """Upgrade the database behind `connection` to `revision` inside its transaction."""
    command.upgrade(alembic_config(connection), revision)


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Hide the full-text objects of 0002 from autogenerate (they are not in the metadata)."""
    if type_ == "table" and name and name.startswith(FTS_TABLES):
        return False
    if type_ == "column" and name == "search_vector":
        return False
    return not (type_ == "index" and name in SEARCH_INDEXES)


def check_workspace(connection: Connection, *, read_only: bool, where: str) -> str | None:
    """Refuse a database that is not ours, too new, or (read-only) too old; its revision."""
    names = set(inspect(connection).get_table_names())
    if names and not _is_ours(connection, names):
        raise StoreError(f"{where} is not a prodops workspace (it holds other tables); left as is")
    revision = current_revision(connection) if "alembic_version" in names else None
    if revision is not None and revision not in known_revisions():
        raise StoreError(
            f"{where} was written by a newer prodops (schema {revision}); upgrade prodops"
        )
    if read_only and revision != head_revision():
        raise StoreError(
            f"{where} has an older or no workspace schema; open it once without --read-only "
            "to upgrade it"
        )
    return revision


def _is_ours(connection: Connection, names: set[str]) -> bool:
    if "workspace_meta" not in names:
        return False
    found = connection.execute(
        text("SELECT value FROM workspace_meta WHERE key = 'app'")
    ).scalar_one_or_none()
    return found == "prodops"
