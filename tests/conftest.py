"""Shared database fixtures: a fresh SQLite file, a fresh PostgreSQL database, or both.

PostgreSQL tests run against the server named by PRODOPS_TEST_PG_URL (e.g.
postgresql://prodops:prodops@127.0.0.1:5432/postgres); each test gets its own database, dropped
afterwards: `db_url` copies one migrated once per run, `pg_url` and `empty_db_url` start empty.
Without the variable they are skipped, unless PRODOPS_REQUIRE_PG=1 makes that a failure (CI).
"""

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from prodops_tui.store.store import Store

PG_ENV = "PRODOPS_TEST_PG_URL"


def _admin_dsn(url: str) -> str:
    """A libpq DSN for psycopg from a SQLAlchemy-style URL."""
    return re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql://", url)


def _with_database(url: str, name: str) -> str:
    base, _, _ = url.partition("?")
    return base.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(autouse=True)
def keyring_chosen_per_test() -> Iterator[None]:
    """keyring picks its backend once per process, from the environment of the moment; forget
    it around every test so that each test's PYTHON_KEYRING_BACKEND (or set_keyring) counts,
    whichever tests ran before it in this process."""
    import keyring.core

    keyring.core._keyring_backend = None  # type: ignore[attr-defined]
    yield
    keyring.core._keyring_backend = None  # type: ignore[attr-defined]


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """The URL of a not-yet-existing SQLite workspace file in the test's tmp_path."""
    return f"sqlite:///{tmp_path / 'workspace.db'}"


def _pg_server() -> str:
    server = os.environ.get(PG_ENV, "")
    if not server:
        if os.environ.get("PRODOPS_REQUIRE_PG") == "1":
            pytest.fail(f"{PG_ENV} is not set but PRODOPS_REQUIRE_PG=1")
        pytest.skip(f"{PG_ENV} is not set")
    return server


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(_admin_dsn(_pg_server()), autocommit=True, connect_timeout=5) as admin:
        admin.execute(sql)


@contextmanager
def _database(template: str = "") -> Iterator[str]:
    """A new database (a copy of `template` when given), dropped afterwards."""
    name = f"prodops_test_{uuid.uuid4().hex[:16]}"
    _admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    try:
        yield name
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url() -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database, dropped after the test."""
    with _database() as name:
        yield _with_database(_pg_server(), name)


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A database migrated to head once per run: tests copy it instead of migrating again
    (the migrations themselves are tested on empty databases, see tests/store)."""
    from prodops_tui.store.store import Store

    with _database() as name:
        Store.open(_with_database(_pg_server(), name)).close()
        yield name


@pytest.fixture
def pg_migrated_url(pg_template: str) -> Iterator[str]:
    """A fresh PostgreSQL database already at the migration head (a copy of the template)."""
    with _database(template=pg_template) as name:
        yield _with_database(_pg_server(), name)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """Each test using it runs once on SQLite and once on PostgreSQL."""
    fixture = "sqlite_url" if request.param == "sqlite" else "pg_migrated_url"
    url: str = request.getfixturevalue(fixture)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db_url(request: pytest.FixtureRequest) -> str:
    """Like `db_url`, but the PostgreSQL database is empty too: for tests of migrating and
    creating a workspace."""
    fixture = "sqlite_url" if request.param == "sqlite" else "pg_url"
    url: str = request.getfixturevalue(fixture)
    return url


@pytest.fixture
def store(db_url: str) -> Iterator["Store"]:
    """An open, migrated workspace on each dialect."""
    from prodops_tui.store.store import Store

    opened = Store.open(db_url)
    try:
        yield opened
    finally:
        opened.close()
