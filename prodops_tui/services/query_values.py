"""Typed values of query terms (numbers, ages, dates) and a tree written back as query text."""

import re
from datetime import UTC, date, datetime, time, timedelta

from prodops_tui.services.query_lex import QueryError, Token, quote
from prodops_tui.store.query_ast import All, AnyOf, Compare, Field, Flag, Node, Not, Text

_AGE = re.compile(r"(\d+)([hdwy])", re.IGNORECASE)
_AGE_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
_AGE_UNITS["y"] = timedelta(days=365)
_NUMBER = re.compile(r"(-?\d+(?:\.\d+)?)([km]?)", re.IGNORECASE)
_SCALE = {"": 1.0, "k": 1e3, "m": 1e6}
_NEWER = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", ":": ">=", "=": ">="}
"""An age bound as a bound on the time itself: younger than 7d = after now - 7d."""


def compare_node(token: Token, field: Field, now: datetime) -> Node:
    """The node of a checked `field op value` term; QueryError for a value the field can't take."""
    if field.kind in ("text", "list", "key"):
        if token.op not in (":", "="):
            at = token.position
            message = f"{token.field} takes ':' ({token.field}:value), not '{token.op}' at {at}"
            raise QueryError(message, at)
        return Compare(token.field, ":", token.text)
    op = "=" if token.op == ":" else token.op
    if field.kind == "number":
        return Compare(token.field, op, _number(token))
    return _time(token, now)


def _number(token: Token) -> float:
    found = _NUMBER.fullmatch(token.text)
    if found is None:
        at = token.value_position
        raise QueryError(
            f"bad number '{token.text}' at {at} — {token.field} takes e.g. 20, 2.5 or 100k", at
        )
    return float(found.group(1)) * _SCALE[found.group(2).lower()]


def _time(token: Token, now: datetime) -> Node:
    age = _AGE.fullmatch(token.text)
    if age is not None:
        cutoff = now - int(age.group(1)) * _AGE_UNITS[age.group(2).lower()]
        return Compare(token.field, _NEWER[token.op], cutoff)
    try:
        day = date.fromisoformat(token.text)
    except ValueError:
        return Compare(token.field, "=" if token.op == ":" else token.op, _moment(token))
    start = datetime.combine(day, time(), UTC)
    after = start + timedelta(days=1)
    if token.op in (":", "="):
        return All((Compare(token.field, ">=", start), Compare(token.field, "<", after)))
    bound = {">": (">=", after), ">=": (">=", start), "<": ("<", start), "<=": ("<", after)}
    op, at = bound[token.op]
    return Compare(token.field, op, at)


def _moment(token: Token) -> datetime:
    try:
        moment = datetime.fromisoformat(token.text)
    except ValueError:
        at = token.value_position
        hint = "use an age like 7d, 12h, 2w or a date like 2026-01-31"
        raise QueryError(f"bad time '{token.text}' at {at} — {hint}", at) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def query_text(where: Node | None, sort: tuple[tuple[str, bool], ...] = ()) -> str:
    """A tree (and sort) as query text that parses back to the same tree."""
    parts = [] if where is None else [_text(where)]
    if sort:
        parts.append("sort:" + ",".join(("-" if down else "") + name for name, down in sort))
    return " ".join(parts)


def _text(node: Node) -> str:
    if isinstance(node, All):
        return " ".join(f"({_text(n)})" if isinstance(n, AnyOf) else _text(n) for n in node.nodes)
    if isinstance(node, AnyOf):
        return " OR ".join(_text(n) for n in node.nodes)
    if isinstance(node, Not):
        inner = node.node
        return "NOT " + (f"({_text(inner)})" if isinstance(inner, All | AnyOf) else _text(inner))
    if isinstance(node, Text):
        return quote(node.words)
    if isinstance(node, Flag):
        return f"{node.kind}:{node.name}"
    return _compare_text(node)


def _compare_text(node: Compare) -> str:
    value = node.value
    if isinstance(value, datetime):
        shown = value.isoformat()
    elif isinstance(value, float):
        shown = str(int(value)) if value.is_integer() else repr(value)
    else:
        return f"{node.field}:{quote(value)}"
    return f"{node.field}{':' if node.op == '=' else node.op}{shown}"
