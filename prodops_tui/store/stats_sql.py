"""Aggregate reads for Home, the inbox trends and the digest, on the plain DB-API read path.

Every query groups in the database and returns a handful of rows: weeks start on Monday (UTC)
and come back as `YYYY-MM-DD` text on both dialects. Cheap to import (no SQLAlchemy).
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from prodops_tui.models.enums import FeedbackKind, StatusCategory
from prodops_tui.store.reads import Cancelled, Reader

ACTIVE = "$active"
"""The usage_daily event holding daily active users (see connectors.mixpanel_map)."""
ACTIVE_MONTH = "$active_month"
"""The usage_daily event holding monthly active users, on the first day of each month."""

Period = tuple[datetime, datetime]
"""[start, end) in UTC."""


def week_of(dialect: str, column: str, *, moment: bool = True) -> str:
    """SQL for the Monday (as `YYYY-MM-DD`) of the week holding `column` (a moment or a date)."""
    if dialect == "postgresql":
        utc = f"{column} AT TIME ZONE 'UTC'" if moment else column
        return f"to_char(date_trunc('week', {utc}), 'YYYY-MM-DD')"
    return f"date({column}, '-6 days', 'weekday 1')"


def day_of(dialect: str, column: str) -> str:
    """SQL for the UTC day of a moment column, comparable with a date column."""
    if dialect == "postgresql":
        return f"({column} AT TIME ZONE 'UTC')::date"
    return f"date({column})"


def moment_param(dialect: str, value: datetime) -> object:
    """A moment as the driver compares it with stored moments (SQLite keeps UTC text)."""
    utc = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return utc if dialect == "postgresql" else utc.strftime("%Y-%m-%d %H:%M:%S")


def date_param(dialect: str, value: date) -> object:
    return value if dialect == "postgresql" else value.isoformat()


def _period(reader: Reader, period: Period) -> list[object]:
    return [moment_param(reader.dialect, moment) for moment in period]


def _rows(
    reader: Reader, sql: str, params: Sequence[Any], cancelled: Cancelled | None = None
) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in reader.fetch(sql, params, cancelled)]


def feedback_tags_by_week(reader: Reader, period: Period) -> list[tuple[str, str, int]]:
    """(week, tag, feedback count) of feedback created in the period."""
    week = week_of(reader.dialect, "f.created")
    if reader.dialect == "postgresql":
        tags = "CROSS JOIN LATERAL json_array_elements_text(f.tags) AS j(value)"
    else:
        tags = "JOIN json_each(f.tags) j"
    sql = (
        f"SELECT {week} AS week, j.value AS tag, count(*) FROM feedback f {tags}"
        " WHERE f.created >= ? AND f.created < ? GROUP BY 1, 2 ORDER BY 1, 2"
    )
    return [(str(w), str(t), int(n)) for w, t, n in _rows(reader, sql, _period(reader, period))]


def scores_by_week(
    reader: Reader, kind: FeedbackKind, period: Period, good: int, bad: int
) -> list[tuple[str, int, int, int, float]]:
    """(week, responses, scores >= good, scores <= bad, mean score) of NPS or CSAT feedback."""
    week = week_of(reader.dialect, "created")
    sql = (
        f"SELECT {week} AS week, count(*),"
        " sum(CASE WHEN score >= ? THEN 1 ELSE 0 END),"
        " sum(CASE WHEN score <= ? THEN 1 ELSE 0 END), avg(score)"
        " FROM feedback WHERE kind = ? AND score IS NOT NULL AND created >= ? AND created < ?"
        " GROUP BY 1 ORDER BY 1"
    )
    params = [good, bad, kind.value, *_period(reader, period)]
    return [
        (str(w), int(n), int(g or 0), int(b or 0), float(m or 0))
        for w, n, g, b, m in _rows(reader, sql, params)
    ]


def decisions_by_week(reader: Reader, period: Period) -> list[tuple[str, str, int]]:
    """(week, action, decisions) recorded in the period."""
    week = week_of(reader.dialect, "created_at")
    sql = (
        f"SELECT {week} AS week, action, count(*) FROM decision"
        " WHERE created_at >= ? AND created_at < ? GROUP BY 1, 2 ORDER BY 1, 2"
    )
    return [(str(w), str(a), int(n)) for w, a, n in _rows(reader, sql, _period(reader, period))]


_EVIDENCE_SQL = (
    "SELECT e.issue_id, count(*) AS evidence, count(DISTINCT f.org_id) AS orgs"
    " FROM evidence e JOIN feedback f ON f.id = e.feedback_id{where} GROUP BY e.issue_id"
)
_ARR_SQL = (
    "SELECT d.issue_id, sum(o.arr) AS arr FROM (SELECT DISTINCT e.issue_id, f.org_id"
    " FROM evidence e JOIN feedback f ON f.id = e.feedback_id"
    " WHERE f.org_id IS NOT NULL{also}) d JOIN org o ON o.id = d.org_id GROUP BY d.issue_id"
)


def top_issues(reader: Reader, limit: int, period: Period | None = None) -> list[tuple[Any, ...]]:
    """(id, key, summary, status, status_category, triage_state, evidence, orgs, ARR) of the
    issues with the most evidence (from feedback created in `period`, else any), most first;
    ARR counts each linked org once."""
    params: list[object] = []
    where = also = ""
    if period is not None:
        inside = "f.created >= ? AND f.created < ?"
        where, also = f" WHERE {inside}", f" AND {inside}"
        params = _period(reader, period) * 2
    sql = (
        "SELECT i.id, i.key, i.summary, i.status, i.status_category, i.triage_state,"
        " ev.evidence, ev.orgs, coalesce(a.arr, 0) AS arr"
        f" FROM ({_EVIDENCE_SQL.format(where=where)}) ev JOIN issue i ON i.id = ev.issue_id"
        f" LEFT JOIN ({_ARR_SQL.format(also=also)}) a ON a.issue_id = ev.issue_id"
        " WHERE NOT i.deleted ORDER BY ev.evidence DESC, arr DESC, i.key LIMIT ?"
    )
    return [
        (*row[:6], int(row[6]), int(row[7]), float(row[8]))
        for row in _rows(reader, sql, [*params, limit])
    ]


def active_users(reader: Reader, start: date, end: date) -> list[tuple[str, str, int]]:
    """(event, day, unique users) of `$active` (DAU) and `$active_month` (MAU) in [start, end)."""
    dialect = reader.dialect
    sql = (
        "SELECT event, day, unique_users FROM usage_daily WHERE event IN (?, ?)"
        " AND day >= ? AND day < ? ORDER BY day"
    )
    params = [ACTIVE, ACTIVE_MONTH, date_param(dialect, start), date_param(dialect, end)]
    return [(str(e), str(d)[:10], int(u)) for e, d, u in _rows(reader, sql, params)]


def shipped_usage(reader: Reader, period: Period, limit: int) -> list[tuple[Any, ...]]:
    """(key, summary, usage_event, done day, event user-days, active user-days since that day)
    of issues done in the period that name a usage event, newest first."""
    release = day_of(reader.dialect, "i.updated")
    since = "(SELECT coalesce(sum(u.unique_users), 0) FROM usage_daily u WHERE u.event = ?"
    # A day's users of the event are counted up to that day's active users: the daily counts
    # come from different queries and the share must stay a share.
    used = (
        "(SELECT coalesce(sum(CASE WHEN a.unique_users IS NULL OR u.unique_users < a.unique_users"
        " THEN u.unique_users ELSE a.unique_users END), 0) FROM usage_daily u"
        " LEFT JOIN usage_daily a ON a.day = u.day AND a.event = ? WHERE u.event = i.usage_event"
    )
    sql = (
        f"SELECT i.key, i.summary, i.usage_event, {release},"
        f" {used} AND u.day >= {release}),"
        f" {since} AND u.day >= {release})"
        " FROM issue i WHERE i.status_category = ? AND i.usage_event <> '' AND NOT i.deleted"
        " AND i.updated >= ? AND i.updated < ? ORDER BY i.updated DESC, i.key LIMIT ?"
    )
    params = [ACTIVE, ACTIVE, StatusCategory.DONE.value, *_period(reader, period), limit]
    return [
        (k, s, e, str(d)[:10], int(u), int(a)) for k, s, e, d, u, a in _rows(reader, sql, params)
    ]


def source_health(reader: Reader) -> list[tuple[Any, ...]]:
    """Per connection: (id, kind, name, options, the newest and the oldest successful sync of
    its streams, how many of its streams never synced, the newest error that came after its
    stream's last success, "" when none)."""
    streams = "FROM sync_state s WHERE s.connection_id = c.id"
    sql = (
        "SELECT c.id, c.kind, c.name, c.options,"
        f" (SELECT max(s.last_success_at) {streams}),"
        f" (SELECT min(s.last_success_at) {streams}),"
        f" (SELECT count(*) {streams} AND s.last_success_at IS NULL),"
        " (SELECT max(CASE WHEN s.last_error <> '' AND (s.last_success_at IS NULL"
        f" OR s.last_error_at >= s.last_success_at) THEN s.last_error ELSE '' END) {streams})"
        " FROM connection c ORDER BY c.kind, c.id"
    )
    return _rows(reader, sql, [])
