"""The query bar's language: `field:value` terms, comparisons, `has:`/`is:`, words, AND/OR/NOT,
`-term`, parentheses and `sort:`, read into store.query_ast nodes (pure: no UI, no database).

    status:"In Progress" label:export score>=20 updated<7d -has:evidence sort:-score
    (priority:high OR priority:highest) NOT assignee:"" export

Adjacent terms are ANDed; AND binds tighter than OR. A bad query raises QueryError naming the
character it points at, e.g. "unknown field 'stauts' at 1 — did you mean status?".
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from prodops_tui.services.query_lex import QueryError, Token, tokens
from prodops_tui.services.query_values import compare_node
from prodops_tui.store.query_ast import (
    FLAG_COLUMNS,
    FLAGS,
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

__all__ = ["ParsedQuery", "QueryError", "field_names", "parse"]

Order = tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class ParsedQuery:
    """A query's conditions (None = every row) and its sort as ListQuery order terms."""

    where: Node | None
    order: Order = ()
    sort_fields: tuple[tuple[str, bool], ...] = ()
    """The sort as typed: (field name, descending)."""
    columns: frozenset[str] = frozenset()
    """The columns the conditions test (a screen drops its own filters on them)."""


def field_names(table: str) -> list[str]:
    """What can stand before `:` in a query over this table."""
    return [*query_fields(table), *FLAGS[table], "sort"]


def parse(text: str, table: str, now: datetime) -> ParsedQuery:
    """Read a query over `table` ("issue" or "feedback"); ages like `7d` count back from `now`."""
    parser = _Parser(tokens(text), table, now, len(text))
    where = parser.query()
    sort = tuple(parser.sort)
    fields = query_fields(table)
    order = tuple((fields[name].order_column, down) for name, down in sort)
    tested = [] if where is None else leaves(where)
    columns = frozenset(fields[leaf.field].column for leaf in tested if isinstance(leaf, Compare))
    columns |= {
        c for leaf in tested if isinstance(leaf, Flag) for c in FLAG_COLUMNS.get(leaf.name, ())
    }
    return ParsedQuery(where, order, sort, columns)


_SYNONYMS = {"tag": "label", "tags": "tag", "label": "tag", "status": "state", "state": "status"}
"""Words of the other list's fields: the Backlog's `label` is the Inbox's `tag`."""


def suggestion(word: str, choices: list[str]) -> str:
    """The closest choice as " — did you mean X?", or "" when nothing is close."""
    synonym = _SYNONYMS.get(word, "")
    if synonym in choices:
        return f" — did you mean {synonym}?"
    from rapidfuzz import fuzz, process  # ~0.2 s to import: only when a query has a typo

    best = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=60)
    return f" — did you mean {best[0]}?" if best else ""


def all_of(nodes: list[Node]) -> Node:
    """Nodes ANDed, nested ANDs flattened and every bare word merged into one search."""
    flat: list[Node] = []
    for node in nodes:
        flat.extend(node.nodes if isinstance(node, All) else [node])
    words = [node.words for node in flat if isinstance(node, Text)]
    rest = [node for node in flat if not isinstance(node, Text)]
    merged: list[Node] = [Text(" ".join(words))] if words else []
    merged += rest
    return merged[0] if len(merged) == 1 else All(tuple(merged))


def any_of(nodes: list[Node]) -> Node:
    flat: list[Node] = []
    for node in nodes:
        flat.extend(node.nodes if isinstance(node, AnyOf) else [node])
    return flat[0] if len(flat) == 1 else AnyOf(tuple(flat))


class _Parser:
    """Recursive descent over the tokens: or := and (OR and)*; and := unary+; unary := NOT unary
    | -unary | ( or ) | term | word."""

    def __init__(self, found: list[Token], table: str, now: datetime, length: int) -> None:
        self.tokens = found
        self.index = 0
        self.table = table
        self.now = now
        self.end = length + 1
        self.fields: Mapping[str, Field] = query_fields(table)
        self.sort: list[tuple[str, bool]] = []
        self.sort_at = 0
        self.depth = 0

    def peek(self) -> Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def here(self) -> int:
        token = self.peek()
        return token.position if token is not None else self.end

    def query(self) -> Node | None:
        if not self.tokens:
            return None
        node = self.either()
        token = self.peek()
        if token is not None:  # only a `)` stops `either` early
            raise QueryError(f"')' at {token.position} has no '(' before it", token.position)
        return node

    def either(self) -> Node | None:
        first = self.both()
        parts = [first]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.take()
            if self.peek() is None or self.peek_kind() in (")", "OR", "AND"):
                raise QueryError(f"OR at {token.position} needs a term after it", token.position)
            parts.append(self.both())
        if len(parts) == 1:
            return first
        if any(part is None for part in parts):
            raise QueryError(f"sort: at {self.sort_at} cannot be part of an OR", self.sort_at)
        return any_of([part for part in parts if part is not None])

    def peek_kind(self) -> str:
        token = self.peek()
        return token.kind if token is not None else ""

    def both(self) -> Node | None:
        nodes: list[Node] = []
        sorted_here = False
        while (token := self.peek()) is not None and token.kind not in (")", "OR"):
            if token.kind == "AND":
                self.take()
                if not nodes and not sorted_here:
                    raise QueryError(
                        f"AND at {token.position} needs a term before it", token.position
                    )
                if self.peek_kind() in ("", ")", "OR", "AND"):
                    raise QueryError(
                        f"AND at {token.position} needs a term after it", token.position
                    )
                continue
            node = self.unary(negated=False)
            if node is None:
                sorted_here = True
            else:
                nodes.append(node)
        if not nodes and not sorted_here:
            where = self.here()
            if self.peek_kind() == "OR":
                raise QueryError(f"OR at {where} needs a term before it", where)
            raise QueryError(f"expected a term at {where}", where)
        return all_of(nodes) if nodes else None

    def unary(self, negated: bool) -> Node | None:
        token = self.take()
        if token.kind in ("NOT", "-"):
            if self.peek_kind() in ("", ")", "OR", "AND"):
                raise QueryError(
                    f"{token.text} at {token.position} needs a term after it", token.position
                )
            inner = self.unary(negated=True)
            return None if inner is None else Not(inner)
        if token.kind == "(":
            return self.group(token)
        if token.kind == "term":
            return self.term(token, negated)
        return Text(token.text)

    def group(self, opening: Token) -> Node:
        if self.peek_kind() == ")":
            raise QueryError(f"empty parentheses at {opening.position}", opening.position)
        self.depth += 1
        node = self.either()
        self.depth -= 1
        if self.peek_kind() != ")":
            where = opening.position
            raise QueryError(f"'(' at {where} is never closed — add ')'", where)
        self.take()
        if node is None:
            raise QueryError(f"sort: at {self.sort_at} cannot be inside parentheses", self.sort_at)
        return node

    def term(self, token: Token, negated: bool) -> Node | None:
        if token.field == "sort":
            self.sort_clause(token, negated)
            return None
        if token.field in FLAGS[self.table]:
            return self.flag(token)
        field = self.fields.get(token.field)
        if field is None:
            hint = suggestion(token.field, field_names(self.table))
            message = f"unknown field '{token.field}' at {token.position}{hint}"
            raise QueryError(message, token.position)
        return compare_node(token, field, self.now)

    def flag(self, token: Token) -> Node:
        names = FLAGS[self.table][token.field]
        if token.op != ":":
            raise QueryError(f"write {token.field}:{names[0]} at {token.position}", token.position)
        name = token.text.lower()
        if name not in names:
            hint = suggestion(name, list(names)) or f" — try {token.field}:{names[0]}"
            at = token.value_position
            raise QueryError(f"unknown {token.field}: value '{token.text}' at {at}{hint}", at)
        return Flag(token.field, name, self.now if token.field == "is" else None)

    def sort_clause(self, token: Token, negated: bool) -> None:
        if negated or self.depth > 0:
            where = token.position
            raise QueryError(f"sort: at {where} must stand on its own, outside ( ) and NOT", where)
        self.sort_at = token.position
        offset = token.value_position
        for part in token.text.split(","):
            self.sort.append(self.sort_key(part, offset))
            offset += len(part) + 1

    def sort_key(self, part: str, at: int) -> tuple[str, bool]:
        name = part.removeprefix("-").lower()
        field = self.fields.get(name)
        if field is None or not field.sortable:
            sortable = [n for n, f in self.fields.items() if f.sortable]
            hint = suggestion(name, sortable) if field is None else " — lists do not sort"
            raise QueryError(f"cannot sort by '{name}' at {at}{hint}", at)
        return name, part.startswith("-")
