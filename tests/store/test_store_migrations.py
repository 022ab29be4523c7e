"""Migrations: the schema after upgrade equals the models, and an old workspace upgrades intact."""

import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, text
from sqlmodel import SQLModel
from store_helpers import scalar, search

from prodops_tui.models import tables
from prodops_tui.models.tables import LIST_FILTER_INDEX
from prodops_tui.store.engine import postgres_engine, sqlite_engine, sqlite_path
from prodops_tui.store.migrate import head_revision, include_object, known_revisions, upgrade
from prodops_tui.store.store import Store


@pytest.fixture
def db_url(empty_db_url: str) -> str:
    """These tests create and migrate workspaces: they start from empty databases."""
    return empty_db_url


def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        return sqlite_engine(sqlite_path(url), read_only=False)
    return postgres_engine(url, read_only=False)


def test_head_is_the_newest_revision() -> None:
    assert head_revision() == "0005"
    assert known_revisions() == {"0001", "0002", "0003", "0004", "0005"}


def test_probe_module_agrees_with_the_migration_head() -> None:
    from prodops_tui.store.probe import HEAD_REVISION

    assert head_revision() == HEAD_REVISION


def test_upgraded_schema_matches_the_models(db_url: str) -> None:
    Store.open(db_url).close()
    engine = _engine(db_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"include_object": include_object, "compare_type": True}
            )
            diff = compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_the_list_filter_index_is_the_models_on_sqlite_only(db_url: str) -> None:
    """Autogenerate skips it (include_object): its columns are checked here."""
    from sqlalchemy import inspect

    Store.open(db_url).close()
    engine = _engine(db_url)
    try:
        with engine.connect() as conn:
            found = {ix["name"]: ix["column_names"] for ix in inspect(conn).get_indexes("issue")}
    finally:
        engine.dispose()
    declared = next(ix for ix in tables.Issue.__table__.indexes if ix.name == LIST_FILTER_INDEX)
    if db_url.startswith("sqlite"):
        assert found[LIST_FILTER_INDEX] == [c.name for c in declared.columns]
    else:
        assert LIST_FILTER_INDEX not in found


OLD_ROWS = [
    "INSERT INTO connection (id, kind, name, base_url, account, auth_method, options) "
    "VALUES ('jira:acme', 'jira', 'Acme Jira', 'https://acme.atlassian.net', 'pm@acme.test', "
    "'token', :options)",
    "INSERT INTO org (id, name, tier, arr) VALUES ('org:1', 'Globex', 'enterprise', 250000)",
    "INSERT INTO issue (id, connection_id, key, project, type, summary, description_md, status, "
    "status_category, priority, assignee, labels, usage_event, updated, deleted, version, "
    "triage_state) VALUES ('jira:acme:10001', 'jira:acme', 'PROD-7', 'PROD', 'Story', "
    "'Bulk export of dashboards', 'Customers want CSV exports', 'To Do', 'new', 'High', '', "
    ":labels, '', '2024-02-01 10:00:00', false, 3, 'accepted')",
    "INSERT INTO feedback (id, kind, external_id, requester, requester_email, org_id, channel, "
    "subject, body, tags, updated, updated_stamp, state, version) VALUES ('zendesk:acme:55', "
    "'ticket', '55', 'Ada Lovelace', 'ada@globex.test', 'org:1', 'email', "
    "'Dashboard export broken', 'Exports time out after a minute', :tags, "
    "'2024-02-02 11:00:00', '2024-02-02T11:00:00Z', 'processed', 1)",
    "INSERT INTO evidence (feedback_id, issue_id, importance, quote, created_by) VALUES "
    "('zendesk:acme:55', 'jira:acme:10001', 3, 'time out', 'pm')",
]


def test_a_workspace_at_0001_upgrades_with_its_data(db_url: str) -> None:
    engine = _engine(db_url)
    try:
        with engine.begin() as conn:
            upgrade(conn, "0001")
        params = {"options": json.dumps({"jql": "project = PROD"}), "labels": '["export"]'}
        with engine.begin() as conn:
            for sql in OLD_ROWS:
                conn.execute(text(sql), {**params, "tags": '["export", "timeout"]'})
    finally:
        engine.dispose()
    store = Store.open(db_url, create=False)
    try:
        assert scalar(store, "SELECT version_num FROM alembic_version") == head_revision()
        assert scalar(store, "SELECT triage_state FROM issue WHERE key = 'PROD-7'") == "accepted"
        assert scalar(store, "SELECT version FROM issue WHERE key = 'PROD-7'") == 3
        assert scalar(store, "SELECT state FROM feedback") == "processed"
        assert scalar(store, "SELECT importance FROM evidence") == 3
        assert scalar(store, "SELECT name FROM org") == "Globex"
        assert search(store, "issue", "dashb exp") == {"jira:acme:10001"}
        assert search(store, "issue", "prod") == {"jira:acme:10001"}
        assert search(store, "feedback", "time ada") == {"zendesk:acme:55"}
    finally:
        store.close()


def test_a_workspace_from_a_newer_prodops_is_refused(db_url: str) -> None:
    from prodops_tui.store.errors import StoreError

    Store.open(db_url).close()
    engine = _engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    finally:
        engine.dispose()
    with pytest.raises(StoreError, match="newer prodops"):
        Store.open(db_url)
