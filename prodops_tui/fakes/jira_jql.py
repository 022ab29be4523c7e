"""The subset of JQL the fake Jira understands: what prodops sends, strictly checked.

`clause (AND clause)* [ORDER BY field [ASC|DESC], ...]` where a clause is
`project|id|key in (...)`, `project|id|key = value`, or `updated|created <op> "yyyy/MM/dd HH:mm"`
(minute precision, in the caller's time zone); grouping parentheses are allowed. A query with
no clause is unbounded and refused.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from prodops_tui.fakes.jira_data import parse_jira_time

Issue = dict[str, Any]
_CLAUSE = re.compile(
    r"\s*(?P<field>project|id|key|issuekey|updated|created)\s*"
    r"(?:(?P<in>in)\s*\[(?P<list>[^\]]*)\]|(?P<op>>=|<=|=|>|<)\s*(?P<value>\"[^\"]*\"|[\w-]+))\s*",
    re.IGNORECASE,
)
_DATE_FORMATS = ("%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d", "%Y-%m-%d")
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
    "=": lambda a, b: a == b,
}


class JqlError(ValueError):
    """The query is outside the subset, malformed, or unbounded."""


@dataclass(frozen=True)
class Query:
    match: Callable[[Issue], bool]
    order: list[tuple[str, bool]]
    """(field, descending) pairs."""

    def sort_key(self, field: str) -> Callable[[Issue], Any]:
        if field in ("id", "key"):
            return lambda issue: _key_parts(issue["key"]) if field == "key" else int(issue["id"])
        return lambda issue: issue["fields"][field]


def _key_parts(key: str) -> tuple[str, int]:
    project, _, number = key.partition("-")
    return project, int(number) if number.isdigit() else 0


def parse(jql: str, zone: tzinfo) -> Query:
    body, order = _split_order(jql)
    if not body.strip():
        raise JqlError("Unbounded JQL queries are not allowed here. Add a search restriction.")
    lists = re.sub(r"(?i)\b(in\s*)\(([^()]*)\)", r"\1[\2]", body)
    flat = lists.replace("(", " ").replace(")", " ")
    parts = re.split(r"\s+AND\s+", flat.strip(), flags=re.IGNORECASE)
    tests = [_clause(part, zone) for part in parts]
    return Query(lambda issue: all(test(issue) for test in tests), order)


def _split_order(jql: str) -> tuple[str, list[tuple[str, bool]]]:
    found = re.search(r"(?i)\border\s+by\b", jql)
    if found is None:
        return jql, [("key", True)]
    head, tail = jql[: found.start()], jql[found.end() :]
    terms = []
    for term in tail.split(","):
        words = term.split()
        if (
            not words
            or len(words) > 2
            or words[0].lower() not in ("updated", "created", "key", "id")
        ):
            raise JqlError(f"The ORDER BY term '{term.strip()}' is not supported.")
        descending = len(words) == 2 and words[1].lower() == "desc"
        if len(words) == 2 and words[1].lower() not in ("asc", "desc"):
            raise JqlError(f"The ORDER BY direction '{words[1]}' is not valid.")
        terms.append((words[0].lower(), descending))
    if len(terms) > 7:
        raise JqlError("At most 7 ORDER BY fields are allowed.")
    return head, terms


def _clause(text: str, zone: tzinfo) -> Callable[[Issue], bool]:
    match = _CLAUSE.fullmatch(text)
    if match is None:
        raise JqlError(f"Error in the JQL query: unsupported clause '{text.strip()}'.")
    name = match["field"].lower()
    if match["in"]:
        values = {v.strip().strip('"') for v in match["list"].split(",") if v.strip()}
        if not values:
            raise JqlError(f"The list for '{name}' is empty.")
        return _membership(name, values)
    value = match["value"].strip('"')
    if name in ("updated", "created"):
        moment = _moment(value, zone)
        compare = _OPS[match["op"]]
        return lambda issue: compare(parse_jira_time(issue["fields"][name]), moment)
    if match["op"] != "=":
        raise JqlError(f"The operator '{match['op']}' is not supported for '{name}'.")
    return _membership(name, {value})


def _membership(name: str, values: set[str]) -> Callable[[Issue], bool]:
    if name == "project":
        upper = {v.upper() for v in values}
        return lambda issue: issue["fields"]["project"]["key"] in upper
    if name == "id":
        return lambda issue: issue["id"] in values
    return lambda issue: issue["key"] in values


def _moment(value: str, zone: tzinfo) -> datetime:
    for layout in _DATE_FORMATS:
        try:
            return datetime.strptime(value, layout).replace(tzinfo=zone)
        except ValueError:
            continue
    raise JqlError(f"Date value '{value}' for field is invalid; use 'yyyy/MM/dd HH:mm'.")
