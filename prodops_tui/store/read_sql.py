"""SQL text for the fast read path: allow-listed tables and columns, no SQLAlchemy."""

from dataclasses import dataclass

from prodops_tui.store.query_ast import Node
from prodops_tui.store.query_sql import where_conditions, where_fields
from prodops_tui.store.read_tables import (
    WORD,
    Params,
    TableSpec,
    column_kind,
    column_sql,
    like_pattern,
    match_text,
    table_spec,
)

SEARCH_CAP = 10_000
"""How many of the newest matches (highest `seq`) a full-text search keeps."""


@dataclass(frozen=True)
class ListQuery:
    """One list as a screen asks for it: columns, order, search text and equality filters."""

    table: str
    columns: tuple[str, ...]
    order: tuple[tuple[str, bool], ...] = ()
    search: str = ""
    filters: tuple[tuple[str, str], ...] = ()
    where: Node | None = None
    """A query bar's conditions (store.query_ast), ANDed with the filters and the search."""


_UNFILTERABLE = frozenset({"list", "json"})


def select_list(spec: TableSpec, columns: tuple[str, ...]) -> str:
    """`t.seq` followed by the requested columns."""
    return ", ".join(["t.seq", *(column_sql(spec, c) for c in columns)])


def order_sql(
    spec: TableSpec, order: tuple[tuple[str, bool], ...], dialect: str, scan: bool = False
) -> str:
    """ORDER BY terms with `seq` as tie-break; NULLs sort as on SQLite on both dialects.

    `scan` (SQLite): sort the matching rows instead of walking an index in display order and
    testing every row it reaches (`+column` is the same value without the index)."""
    terms = order or spec.default_order
    plus = "+" if scan and dialect == "sqlite" else ""
    parts: list[str] = []
    for column, descending in terms:
        direction = "DESC" if descending else "ASC"
        nulls = ""
        if dialect == "postgresql" and (column in spec.nullable or column in spec.computed):
            nulls = " NULLS LAST" if descending else " NULLS FIRST"
        parts.append(f"{plus}{column_sql(spec, column)} {direction}{nulls}")
    if all(column != "seq" for column, _ in terms):
        parts.append("t.seq DESC" if terms[-1][1] else "t.seq ASC")
    return ", ".join(parts)


def _filter_value(kind: str, column: str, value: str) -> object:
    if kind in _UNFILTERABLE:
        raise ValueError(f"column {column!r} cannot be filtered by equality")
    if kind == "bool":
        return value.strip().lower() in {"1", "true", "yes", "y", "on"}
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    return value


def filters_sql(
    spec: TableSpec, filters: tuple[tuple[str, str], ...], alias: str
) -> tuple[list[str], Params]:
    """Equality conditions with their parameters."""
    conditions: list[str] = []
    params: Params = []
    for column, value in filters:
        kind = column_kind(spec, column)
        conditions.append(f"{column_sql(spec, column, alias)} = ?")
        params.append(_filter_value(kind, column, value))
    return conditions, params


def _conditions(
    spec: TableSpec, q: ListQuery, dialect: str, alias: str
) -> tuple[list[str], Params]:
    """The equality filters and the query bar's conditions, with their parameters."""
    conditions, params = filters_sql(spec, q.filters, alias)
    if q.where is not None:
        condition, where_params = where_conditions(spec, q.where, dialect, alias)
        conditions, params = [*conditions, condition], [*params, *where_params]
    return conditions, params


def validate(q: ListQuery) -> TableSpec:
    """Check every table and column name of a query against the allow-list."""
    spec = table_spec(q.table)
    fields = where_fields(spec, q.where) if q.where is not None else []
    for column in (*q.columns, *(c for c, _ in q.order), *(c for c, _ in q.filters), *fields):
        column_kind(spec, column)
    return spec


def search_words(spec: TableSpec, text: str) -> list[str]:
    """The terms of a search, or none when the table is not searchable or text is < 2 chars.

    Full-text tables take the index's prefix words; substring tables take whitespace-separated
    words as typed (punctuation included).
    """
    if len(text.strip()) < 2:
        return []
    if spec.fts:
        return WORD.findall(text)
    if spec.substring:
        return text.split()
    return []


def substring_sql(
    spec: TableSpec, words: list[str], dialect: str, alias: str
) -> tuple[list[str], Params]:
    """One condition per word: it occurs, ignoring case, in at least one searched column."""
    like = "ILIKE" if dialect == "postgresql" else "LIKE"
    conditions: list[str] = []
    params: Params = []
    for word in words:
        pattern = f"%{like_pattern(word)}%"
        tests = [f"{column_sql(spec, c, alias)} {like} ? ESCAPE '\\'" for c in spec.substring]
        conditions.append("(" + " OR ".join(tests) + ")")
        params += [pattern] * len(spec.substring)
    return conditions, params


def _hits(
    spec: TableSpec, q: ListQuery, words: list[str], dialect: str, newest: int | None = None
) -> tuple[str, Params]:
    """Seqs of the newest SEARCH_CAP (or `newest`, if fewer) matches that pass the filters."""
    conditions, params = _conditions(spec, q, dialect, "h")
    match = match_text(words, dialect)
    cap = f"LIMIT {min(SEARCH_CAP, newest or SEARCH_CAP)}"
    if dialect == "postgresql":
        where = " AND ".join(["h.search_vector @@ to_tsquery('simple', ?)", *conditions])
        return f"SELECT h.seq FROM {spec.name} h WHERE {where} ORDER BY h.seq DESC {cap}", [
            match,
            *params,
        ]
    fts = f"{spec.name}_fts"
    if not conditions:
        return f"SELECT rowid FROM {fts} WHERE {fts} MATCH ? ORDER BY rowid DESC {cap}", [match]
    where = " AND ".join([f"{fts} MATCH ?", *conditions])
    join = f"{fts} JOIN {spec.name} h ON h.seq = {fts}.rowid"
    return f"SELECT {fts}.rowid FROM {join} WHERE {where} ORDER BY {fts}.rowid DESC {cap}", [
        match,
        *params,
    ]


def where_sql(spec: TableSpec, q: ListQuery, dialect: str) -> tuple[str, Params]:
    """The WHERE clause of a list (filters, or the capped search hits, which include them)."""
    words = search_words(spec, q.search)
    if words and spec.fts:
        hits, params = _hits(spec, q, words, dialect)
        return f"WHERE t.seq IN ({hits})", params
    conditions, params = _conditions(spec, q, dialect, "t")
    if words:
        found, found_params = substring_sql(spec, words, dialect, "t")
        conditions, params = [*found, *conditions], [*found_params, *params]
    return ("WHERE " + " AND ".join(conditions) if conditions else ""), params


def _fts_seqs(spec: TableSpec, q: ListQuery, words: list[str]) -> tuple[str, Params]:
    """SQLite search: the newest SEARCH_CAP matches with their sort keys read in the same pass
    over the table (one row lookup per match), then sorted for display."""
    terms = q.order or spec.default_order
    conditions, params = _conditions(spec, q, "sqlite", "t")
    fts = f"{spec.name}_fts"
    where = " AND ".join([f"{fts} MATCH ?", *conditions])
    keys = "".join(f", {column_sql(spec, column)} AS o{i}" for i, (column, _) in enumerate(terms))
    hits = (
        f"SELECT t.seq AS seq{keys} FROM {fts} JOIN {spec.name} t ON t.seq = {fts}.rowid"
        f" WHERE {where} ORDER BY {fts}.rowid DESC LIMIT {SEARCH_CAP}"
    )
    order = [f"o{i} {'DESC' if down else 'ASC'}" for i, (_, down) in enumerate(terms)]
    if all(column != "seq" for column, _ in terms):
        order.append("seq DESC" if terms[-1][1] else "seq ASC")
    return f"SELECT seq FROM ({hits}) ORDER BY {', '.join(order)}", [
        match_text(words, "sqlite"),
        *params,
    ]


def seqs_sql(
    q: ListQuery, dialect: str, limit: int | None, scan: bool | None = None
) -> tuple[str, Params]:
    """Seqs of a list in display order, optionally limited. `scan` (default: a whole list
    narrowed by a query bar) sorts the matches rather than walk the order's index."""
    spec = validate(q)
    words = search_words(spec, q.search)
    if scan is None:
        scan = limit is None and q.where is not None
    if words and spec.fts and dialect == "sqlite":
        sql, params = _fts_seqs(spec, q, words)
    else:
        where, params = where_sql(spec, q, dialect)
        order = order_sql(spec, q.order, dialect, scan)
        sql = f"SELECT t.seq FROM {spec.name} t {where} ORDER BY {order}"
    if limit is None:
        return sql, params
    return f"{sql} LIMIT ?", [*params, limit]


def page_sql(q: ListQuery, dialect: str, limit: int, scan: bool = False) -> tuple[str, Params]:
    """The first `limit` rows; computed columns are evaluated for those rows only.

    A full-text search shows its newest `limit` matches in display order: read straight from
    the index's doclist (a few ms at any match count), where the exact head of the list needs
    the sort keys of the newest SEARCH_CAP matches (the snapshot's work, tens of ms for a short
    prefix). The two agree for rare words; for common ones the snapshot then re-sorts the list."""
    spec = validate(q)
    words = search_words(spec, q.search)
    if words and spec.fts:
        inner, params = _hits(spec, q, words, dialect, newest=limit)
    else:
        inner, params = seqs_sql(q, dialect, limit, scan)
    order = order_sql(spec, q.order, dialect)
    cols = select_list(spec, q.columns)
    return f"SELECT {cols} FROM {spec.name} t WHERE t.seq IN ({inner}) ORDER BY {order}", params


def rows_sql(q: ListQuery, dialect: str, count: int) -> str:
    """Rows for `count` seqs (SQLite: `count` placeholders; PostgreSQL: one array parameter)."""
    spec = validate(q)
    cols = select_list(spec, q.columns)
    if dialect == "postgresql":
        return f"SELECT {cols} FROM {spec.name} t WHERE t.seq = ANY(?)"
    marks = ", ".join("?" * count)
    return f"SELECT {cols} FROM {spec.name} t WHERE t.seq IN ({marks})"


def count_sql(q: ListQuery, dialect: str) -> tuple[str, Params]:
    """The exact number of rows in a list (a search's count is not capped)."""
    spec = validate(q)
    words = search_words(spec, q.search)
    if not spec.fts:
        where, params = where_sql(spec, q, dialect)
        return f"SELECT count(*) FROM {spec.name} t {where}".rstrip(), params
    conditions, params = _conditions(spec, q, dialect, "t")
    if words:
        match = match_text(words, dialect)
        fts = f"{spec.name}_fts"
        if dialect == "sqlite" and not conditions:
            return f"SELECT count(*) FROM {fts} WHERE {fts} MATCH ?", [match]
        if dialect == "sqlite":
            test = f"t.seq IN (SELECT rowid FROM {fts} WHERE {fts} MATCH ?)"
        else:
            test = "t.search_vector @@ to_tsquery('simple', ?)"
        conditions, params = [test, *conditions], [match, *params]
    where = " WHERE " + " AND ".join(conditions) if conditions else ""
    return f"SELECT count(*) FROM {spec.name} t{where}", params
