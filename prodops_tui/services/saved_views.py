"""Saved views in the workspace (`saved_view` table): save, list, get, delete, and a view as
the read path's query. Triage sessions take their queue from a view through `list_query`."""

from datetime import datetime

from sqlalchemy import delete, select
from sqlmodel import SQLModel

from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.services.query import parse
from prodops_tui.services.view_spec import (
    NAME_LIMIT,
    SCREEN_TABLES,
    SavedView,
    parse_sort,
    sort_text,
)
from prodops_tui.store.read_sql import ListQuery
from prodops_tui.store.read_tables import column_kind, table_spec
from prodops_tui.store.store import Store


def check_view(view: SavedView, now: datetime) -> SavedView:
    """The view with its name trimmed; ValueError with a one-line reason when it can't be saved."""
    name = " ".join(view.name.split())
    if not name:
        raise ValueError("a view needs a name")
    if len(name) > NAME_LIMIT or not name.isprintable():
        raise ValueError(f"a view name is up to {NAME_LIMIT} printable characters")
    table = SCREEN_TABLES.get(view.screen)
    if table is None:
        raise ValueError(f"views are not kept for the {view.screen!r} screen")
    parse(view.query, table, now)  # QueryError (a ValueError) says what is wrong
    spec = table_spec(table)
    for column in (*(c for c, _ in view.sort), *view.columns):
        column_kind(spec, column)
    return SavedView(name, view.screen, view.query.strip(), view.sort, view.columns)


def save_view(store: Store, view: SavedView, now: datetime) -> bool:
    """Save (or replace) a view; True when one of that name was replaced."""
    view = check_view(view, now)
    replaced = get_view(store, view.screen, view.name) is not None
    row = {"screen": view.screen, "name": view.name, "query": view.query}
    store.upsert("saved_view", [row | {"sort": sort_text(view.sort), "columns": [*view.columns]}])
    return replaced


def list_views(store: Store, screen: str) -> list[SavedView]:
    """The screen's views by name."""
    table = SQLModel.metadata.tables["saved_view"]
    query = select(table).where(table.c.screen == screen).order_by(table.c.name)
    with store.read() as conn:
        rows = conn.execute(query).mappings().all()
    return [
        SavedView(r["name"], r["screen"], r["query"], parse_sort(r["sort"]), tuple(r["columns"]))
        for r in rows
    ]


def get_view(store: Store, screen: str, name: str) -> SavedView | None:
    return next((view for view in list_views(store, screen) if view.name == name), None)


def delete_view(store: Store, screen: str, name: str) -> bool:
    """Delete a view; False when there was none of that name."""
    table = SQLModel.metadata.tables["saved_view"]
    with store.write() as conn:
        result = conn.execute(delete(table).where(table.c.screen == screen, table.c.name == name))
    return bool(result.rowcount)


def list_query(view: SavedView, columns: tuple[str, ...], now: datetime) -> ListQuery:
    """The rows a view shows, as the read path's query (columns chosen by the caller)."""
    table = SCREEN_TABLES[view.screen]
    parsed = parse(view.query, table, now)
    order = view.sort or parsed.order
    return ListQuery(table, columns, order, where=parsed.where)
