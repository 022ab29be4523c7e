"""A query bar's syntax tree (store.query_ast) as one parameterised SQL condition.

Every user value travels as a parameter; only allow-listed column names and fixed SQL text are
written into the statement. Text and list fields compare ignoring case; `*` in a value matches
any text. NOT treats an unknown value (NULL) as "does not match", so `-score>3` keeps unscored
rows.
"""

from collections.abc import Callable
from datetime import UTC, datetime

from prodops_tui.store.query_ast import (
    All,
    AnyOf,
    Compare,
    Field,
    Flag,
    Node,
    Not,
    Text,
    leaves,
    query_fields,
)
from prodops_tui.store.read_tables import (
    WORD,
    Params,
    TableSpec,
    column_sql,
    like_pattern,
    match_text,
)

Sql = tuple[str, Params]

_OPERATORS = frozenset({"=", ">", ">=", "<", "<="})
_EXISTS_EVIDENCE = "EXISTS (SELECT 1 FROM evidence e WHERE e.{col} = {a}.id)"
_HAS = {"evidence": "issue_id", "issue": "feedback_id"}


def where_conditions(spec: TableSpec, node: Node, dialect: str, alias: str = "t") -> Sql:
    """One SQL condition over the table alias with its parameters, in order."""
    return _node(_Context(spec, dialect, alias), node)


def where_fields(spec: TableSpec, node: Node) -> list[str]:
    """The columns a tree reads (for the allow-list check); ValueError on an unknown field."""
    fields = query_fields(spec.name)
    found: list[str] = []
    for leaf in leaves(node):
        if isinstance(leaf, Compare):
            if leaf.field not in fields:
                raise ValueError(f"unknown query field {leaf.field!r} for table {spec.name!r}")
            found.append(fields[leaf.field].column)
    return found


class _Context:
    """What every node needs to become SQL: the table, the dialect and the row alias."""

    def __init__(self, spec: TableSpec, dialect: str, alias: str) -> None:
        self.spec = spec
        self.dialect = dialect
        self.alias = alias
        self.fields = query_fields(spec.name)

    def column(self, name: str) -> str:
        return column_sql(self.spec, name, self.alias)

    def moment(self, value: datetime) -> object:
        """A time as the dialect stores it (SQLite: UTC text that sorts like the stored one)."""
        utc = value.astimezone(UTC) if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return utc if self.dialect == "postgresql" else utc.strftime("%Y-%m-%d %H:%M:%S.%f")


def _node(ctx: _Context, node: Node) -> Sql:
    if isinstance(node, All | AnyOf):
        parts = [_node(ctx, child) for child in node.nodes]
        joiner = " AND " if isinstance(node, All) else " OR "
        return "(" + joiner.join(sql for sql, _ in parts) + ")", [p for _, ps in parts for p in ps]
    if isinstance(node, Not):
        sql, params = _node(ctx, node.node)
        return f"NOT COALESCE({sql}, FALSE)", params
    if isinstance(node, Text):
        return _text(ctx, node)
    if isinstance(node, Flag):
        return _flag(ctx, node)
    return _compare(ctx, node)


def _text(ctx: _Context, node: Text) -> Sql:
    words = WORD.findall(node.words)
    if not words or not ctx.spec.fts:
        return "(1 = 1)", []
    match = match_text(words, ctx.dialect)
    if ctx.dialect == "postgresql":
        return f"({ctx.alias}.search_vector @@ to_tsquery('simple', ?))", [match]
    fts = f"{ctx.spec.name}_fts"
    return f"({ctx.alias}.seq IN (SELECT rowid FROM {fts} WHERE {fts} MATCH ?))", [match]


def _flag(ctx: _Context, node: Flag) -> Sql:
    if node.kind == "has" and node.name in _HAS:
        test = _EXISTS_EVIDENCE.replace("{col}", _HAS[node.name]).replace("{a}", ctx.alias)
        return f"({test})", []
    if node.kind == "is" and node.name == "snoozed" and node.at is not None:
        return f"({ctx.column('snoozed_until')} > ?)", [ctx.moment(node.at)]
    raise ValueError(f"unknown query flag {node.kind}:{node.name}")


def _compare(ctx: _Context, node: Compare) -> Sql:
    field = ctx.fields.get(node.field)
    if field is None:
        raise ValueError(f"unknown query field {node.field!r} for table {ctx.spec.name!r}")
    compile_kind = _KINDS[field.kind]
    return compile_kind(ctx, field, node)


def _equals_text(expression: str, value: str) -> Sql:
    """Ignoring case; `*` stands for any text."""
    lowered = value.lower()
    if "*" not in lowered:
        return f"lower({expression}) = ?", [lowered]
    pattern = "%".join(like_pattern(part) for part in lowered.split("*"))
    return f"lower({expression}) LIKE ? ESCAPE '\\'", [pattern]


def _text_field(ctx: _Context, field: Field, node: Compare) -> Sql:
    sql, params = _equals_text(f"COALESCE({ctx.column(field.column)}, '')", str(node.value))
    return f"({sql})", params


def _key_field(ctx: _Context, field: Field, node: Compare) -> Sql:
    """Jira keys are upper case: an exact key is an index lookup."""
    value = str(node.value).upper()
    if "*" in value:
        return _text_field(ctx, field, node)
    return f"({ctx.column(field.column)} = ?)", [value]


def _list_field(ctx: _Context, field: Field, node: Compare) -> Sql:
    column = ctx.column(field.column)
    if ctx.dialect == "postgresql":
        items, item = f"json_array_elements_text({column}) AS j(v)", "j.v"
    else:
        items, item = f"json_each({column}) AS j", "j.value"
    test, params = _equals_text(item, str(node.value))
    return f"(EXISTS (SELECT 1 FROM {items} WHERE {test}))", params


def _ordered_field(ctx: _Context, field: Field, node: Compare) -> Sql:
    if node.op not in _OPERATORS:
        raise ValueError(f"operator {node.op!r} does not compare {node.field}")
    value = node.value
    if isinstance(value, datetime):
        param = ctx.moment(value)
    elif isinstance(value, int | float):
        param = float(value)
    else:
        raise ValueError(f"{node.field} compares with a number or a time, not {value!r}")
    return f"({ctx.column(field.column)} {node.op} ?)", [param]


_KINDS: dict[str, Callable[[_Context, Field, Compare], Sql]] = {
    "text": _text_field,
    "key": _key_field,
    "list": _list_field,
    "number": _ordered_field,
    "time": _ordered_field,
}
