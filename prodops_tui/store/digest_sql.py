"""The digest's reads beyond the weekly series: throughput, decisions on given items,
experiments started or finished, tool changes (aggregates and short lists, DB-API path)."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from prodops_tui.models.enums import StatusCategory, TriageState
from prodops_tui.store.reads import Reader
from prodops_tui.store.stats_sql import Period, date_param, moment_param

Rows = list[tuple[Any, ...]]


def _period(reader: Reader, period: Period) -> list[object]:
    return [moment_param(reader.dialect, moment) for moment in period]


def throughput(reader: Reader, period: Period) -> dict[str, int]:
    """Issues created and done, feedback received, decisions and deciders in the period, and
    the issues untriaged now."""
    inside = "{} >= ? AND {} < ?"
    sql = (
        "SELECT (SELECT count(*) FROM issue WHERE NOT deleted AND "
        + inside.format("created", "created")
        + "), (SELECT count(*) FROM issue WHERE NOT deleted AND status_category = ? AND "
        + inside.format("updated", "updated")
        + "), (SELECT count(*) FROM feedback WHERE "
        + inside.format("created", "created")
        + "), (SELECT count(*) FROM decision WHERE "
        + inside.format("created_at", "created_at")
        + "), (SELECT count(DISTINCT actor) FROM decision WHERE "
        + inside.format("created_at", "created_at")
        + "), (SELECT count(*) FROM issue WHERE NOT deleted AND triage_state = ?"
        " AND status_category <> ?)"
    )
    span = _period(reader, period)
    done, untriaged = StatusCategory.DONE.value, TriageState.UNTRIAGED.value
    params = [*span, done, *span, *span, *span, *span, untriaged, done]
    names = ("issues_created", "issues_done", "feedback", "decisions", "deciders", "untriaged")
    row = reader.fetch(sql, params)[0]
    return {name: int(value or 0) for name, value in zip(names, row, strict=True)}


def decisions_on(reader: Reader, targets: Sequence[str], period: Period) -> Rows:
    """(target, action, actor, when) of the decisions about these items in the period."""
    if not targets:
        return []
    marks = ", ".join("?" * len(targets))
    sql = (
        f"SELECT target, action, actor, created_at FROM decision WHERE target IN ({marks})"
        " AND created_at >= ? AND created_at < ? ORDER BY created_at, id"
    )
    return [tuple(row) for row in reader.fetch(sql, [*targets, *_period(reader, period)])]


def experiments_between(reader: Reader, first: date, last: date) -> Rows:
    """(id, name, status, design, start, end, results) of experiments that started or ended
    within [first, last]."""
    days = [date_param(reader.dialect, first), date_param(reader.dialect, last)]
    sql = (
        'SELECT id, name, status, design, start, "end", results FROM experiment'
        ' WHERE (start >= ? AND start <= ?) OR ("end" >= ? AND "end" <= ?)'
        " ORDER BY start, name"
    )
    return [tuple(row) for row in reader.fetch(sql, [*days, *days])]


def experiment_names(reader: Reader, ids: Sequence[str]) -> Rows:
    """(id, name, status) of these experiments."""
    if not ids:
        return []
    marks = ", ".join("?" * len(ids))
    sql = f"SELECT id, name, status FROM experiment WHERE id IN ({marks}) ORDER BY name"
    return [tuple(row) for row in reader.fetch(sql, list(ids))]


def tool_decisions(reader: Reader, period: Period) -> Rows:
    """(tool id, tool name now, action, detail, when) of tool changes recorded in the period."""
    sql = (
        "SELECT d.target, t.name, d.action, d.detail, d.created_at FROM decision d"
        " LEFT JOIN tool t ON t.id = d.target WHERE d.action LIKE ?"
        " AND d.created_at >= ? AND d.created_at < ? ORDER BY d.created_at, d.id"
    )
    return [tuple(row) for row in reader.fetch(sql, ["tool.%", *_period(reader, period)])]
