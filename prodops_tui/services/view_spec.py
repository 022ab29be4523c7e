"""A saved view as the UI holds it (no database imports: the dialogs use it before SQLAlchemy).

`sort` is stored as "-updated,key" (list columns, `-` = descending) and `columns` as the keys of
the columns that were on screen.
"""

from dataclasses import dataclass

SCREEN_TABLES = {"backlog": "issue", "inbox": "feedback"}
"""The screens that keep views, and the table each lists."""
TABLE_SCREENS = {table: screen for screen, table in SCREEN_TABLES.items()}
NAME_LIMIT = 60

Order = tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class SavedView:
    """A named query, sort and column set of one screen."""

    name: str
    screen: str
    query: str = ""
    sort: Order = ()
    columns: tuple[str, ...] = ()


def sort_text(order: Order) -> str:
    return ",".join(("-" if down else "") + column for column, down in order)


def parse_sort(text: str) -> Order:
    return tuple((part.removeprefix("-"), part.startswith("-")) for part in text.split(",") if part)
