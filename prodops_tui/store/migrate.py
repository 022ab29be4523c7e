"""Opening a workspace safely, and Alembic configured in code (the scripts ship inside the
package, so it works from a wheel)."""

from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import SQLAlchemyError

from prodops_tui.store.engine import (
    StoreError,
    dialect_of,
    mask_url,
    one_line,
    postgres_engine,
    preflight_sqlite,
    probe_engine,
    sqlite_engine,
    sqlite_path,
)

SCRIPTS = Path(__file__).resolve().parent / "migrations"
FTS_TABLES = ("issue_fts", "feedback_fts")
SEARCH_INDEXES = frozenset({"ix_issue_search", "ix_feedback_search"})
SQLITE_ONLY_INDEXES = frozenset({"ix_issue_list_filters"})
"""Declared for SQLite only (`ddl_if`), which autogenerate does not know: tests check them."""


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
    """Hide the full-text objects of 0002 (not in the metadata) and the SQLite-only indexes
    from autogenerate."""
    if type_ == "table" and name and name.startswith(FTS_TABLES):
        return False
    if type_ == "column" and name == "search_vector":
        return False
    return not (type_ == "index" and name in SEARCH_INDEXES | SQLITE_ONLY_INDEXES)


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


MIGRATION_LOCK = 7_270_001
"""PostgreSQL advisory lock id serialising migrations of one database."""


def open_engine(url: str, *, read_only: bool, create: bool) -> Engine:
    """An engine on a checked workspace, upgraded to head unless read-only (StoreError if not)."""
    if dialect_of(url) == "sqlite":
        return _open_sqlite(sqlite_path(url), read_only=read_only, create=create)
    return _open_postgres(url, read_only=read_only)


def _open_sqlite(path: Path, *, read_only: bool, create: bool) -> Engine:
    preflight_sqlite(path, read_only=read_only, create=create)
    created = not path.exists()
    where = str(path)
    if not created and path.stat().st_size > 0:
        probe = probe_engine(path)
        try:
            with probe.connect() as conn:
                check_workspace(conn, read_only=read_only, where=where)
        except SQLAlchemyError as exc:
            raise StoreError(
                f"{path} is not a prodops workspace (corrupt or unreadable: {one_line(exc)})"
            ) from None
        finally:
            probe.dispose()
    engine = sqlite_engine(path, read_only=read_only)
    try:
        _migrate(engine, read_only=read_only, where=where)
    except BaseException:
        engine.dispose()
        if created:
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)
        raise
    return engine


def _open_postgres(url: str, *, read_only: bool) -> Engine:
    engine = postgres_engine(url, read_only=read_only)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreError(
            f"cannot connect to PostgreSQL at {mask_url(url)}: {one_line(exc, url)}"
        ) from None
    try:
        _migrate(engine, read_only=read_only, where=mask_url(url))
    except BaseException:
        engine.dispose()
        raise
    return engine


def _migrate(engine: Engine, *, read_only: bool, where: str) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql" and not read_only:
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
        revision = check_workspace(conn, read_only=read_only, where=where)
        if not read_only and revision != head_revision():
            upgrade(conn)
