"""A local Mixpanel: the Query API (`/api/query/segmentation`, `/events`, `/events/names`) and
the raw Event Export (`/api/2.0/export`, NDJSON) over the generated company.

Service-account Basic auth and a required `project_id`; 60 queries an hour and 5 at once
(429 + Retry-After, which the real service does not promise: API-NOTES.md §3). Usage events are
the ones the generator's issues are measured by, with deterministic daily counts; the NPS event
carries each generated NPS response (`score`, `comment`, `$insert_id` = its number). Tests steer
it through `app.state`: `faults` (a list of `Fault`s), `limit`, `in_flight`, `nps` (events).
"""

import base64
import binascii
import json
import zlib
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from prodops_tui.fakes.json_response import JSONResponse
from prodops_tui.fakes.zendesk_wire import Fault, RateWindow, injected_fault, shaped
from prodops_tui.services.generator import Company

__all__ = ["Fault", "create_app", "daily_count", "daily_unique"]

Handler = Callable[[Request], Awaitable[Response]]
NPS_EVENT = "NPS Survey Response"
_UNITS = ("day", "month")
_TYPES = ("general", "unique")
_MAX_DAYS = 731


def _hash(*parts: object) -> int:
    return zlib.crc32(":".join(map(str, parts)).encode())


def daily_count(seed: int, event: str, day: date) -> int:
    """How often `event` fired on `day`: a per-event base, quieter weekends, a small trend."""
    base = 40 + _hash(seed, event) % 900
    weekend = 0.6 if day.weekday() >= 5 else 1.0
    wobble = 1 + (_hash(seed, event, day) % 21 - 10) / 100
    trend = 1 + day.toordinal() % 3650 / 5000
    return max(0, round(base * weekend * wobble * trend))


def daily_unique(seed: int, event: str, day: date) -> int:
    """Distinct users behind `daily_count` on `day`."""
    return round(daily_count(seed, event, day) * (0.25 + _hash(seed, event, "u") % 30 / 100))


def _monthly_unique(seed: int, event: str, month: date, today: date) -> int:
    days = [d for d in _days(month, _month_end(month)) if d <= today]
    if not days:
        return 0
    return round(max(daily_unique(seed, event, d) for d in days) * min(len(days), 10) / 3)


def _month_end(month: date) -> date:
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _error(request: Request, status: int, text: str, **headers: str) -> Response:
    return JSONResponse({"request": request.url.path, "error": text}, status, headers=headers)


def _authorised(request: Request) -> bool:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        user, _, secret = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    state = request.app.state
    return secret == state.token and state.username in (None, user)


def _guard(handler: Handler) -> Handler:
    """Faults, auth, project, the hourly budget and the concurrency cap, then the handler."""

    async def guarded(request: Request) -> Response:
        state = request.app.state
        injected = await injected_fault(request)
        if injected is not None:
            return injected
        if not _authorised(request):
            return _error(request, 401, "Invalid service account credentials")
        project = request.query_params.get("project_id", "")
        if not project:
            return _error(request, 400, "project_id is required for service accounts")
        if project != str(state.project_id):
            return _error(request, 403, "service account has no access to this project")
        if state.in_flight >= state.concurrency:
            return _error(request, 429, "too many concurrent queries", **{"Retry-After": "1"})
        wait = state.limit.admit()
        if wait is not None:
            return _error(
                request, 429, "hourly query limit reached", **{"Retry-After": f"{wait:g}"}
            )
        state.in_flight += 1
        try:
            return shaped(request, await handler(request))
        finally:
            state.in_flight -= 1

    return guarded


def _range(request: Request) -> tuple[date, date] | str:
    query = request.query_params
    try:
        start, end = date.fromisoformat(query["from_date"]), date.fromisoformat(query["to_date"])
    except (KeyError, ValueError):
        return "from_date and to_date must be yyyy-mm-dd dates"
    if end < start or (end - start).days > _MAX_DAYS:
        return "to_date must follow from_date by at most two years"
    return start, end


def _counts(request: Request, event: str, days: list[date], kind: str) -> dict[str, int]:
    state = request.app.state
    if event == state.nps_event:
        tally: dict[str, int] = {d.isoformat(): 0 for d in days}
        for row in state.nps:
            key = row["created"].date().isoformat()
            if key in tally:
                tally[key] += 1
        return tally
    if event not in state.events:
        return {d.isoformat(): 0 for d in days}
    count = daily_unique if kind == "unique" else daily_count
    return {d.isoformat(): count(state.seed, event, d) if d <= state.today else 0 for d in days}


def _series(request: Request, event: str, start: date, end: date) -> dict[str, Any] | str:
    query = request.query_params
    unit, kind = query.get("unit", "day"), query.get("type", "general")
    if unit not in _UNITS or kind not in _TYPES:
        return "unit must be day or month and type general or unique"
    days = _days(start, end)
    if unit == "day":
        return _counts(request, event, days, kind)
    months = sorted({d.replace(day=1) for d in days})
    state = request.app.state
    if kind == "unique" and event in state.events:
        return {m.isoformat(): _monthly_unique(state.seed, event, m, state.today) for m in months}
    daily = _counts(request, event, days, kind)
    return {m.isoformat(): sum(n for k, n in daily.items() if k[:7] == str(m)[:7]) for m in months}


def _by_score(request: Request, days: list[date]) -> dict[str, dict[str, int]]:
    keys = {d.isoformat() for d in days}
    values: dict[str, dict[str, int]] = {}
    for row in request.app.state.nps:
        key = row["created"].date().isoformat()
        if key in keys:
            cell = values.setdefault(str(row["score"]), {d.isoformat(): 0 for d in days})
            cell[key] += 1
    return values


async def segmentation(request: Request) -> Response:
    span = _range(request)
    event = request.query_params.get("event", "")
    if isinstance(span, str) or not event:
        return _error(request, 400, span if isinstance(span, str) else "event is required")
    on = request.query_params.get("on")
    if on is not None:
        if on != 'properties["score"]' or event != request.app.state.nps_event:
            return _error(request, 400, "this fake segments only the NPS event by its score")
        values = _by_score(request, _days(*span))
    else:
        series = _series(request, event, *span)
        if isinstance(series, str):
            return _error(request, 400, series)
        values = {event: series}
    dates = sorted({d for cells in values.values() for d in cells})
    return JSONResponse({"data": {"series": dates, "values": values}, "legend_size": len(values)})


async def events(request: Request) -> Response:
    span = _range(request)
    if isinstance(span, str):
        return _error(request, 400, span)
    try:
        names = json.loads(request.query_params.get("event", ""))
    except ValueError:
        names = None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return _error(request, 400, 'event must be a JSON array of names, e.g. ["signup"]')
    values: dict[str, Any] = {}
    for name in names:
        series = _series(request, name, *span)
        if isinstance(series, str):
            return _error(request, 400, series)
        values[name] = series
    dates = sorted({d for cells in values.values() for d in cells})
    return JSONResponse({"data": {"series": dates, "values": values}, "legend_size": len(values)})


async def event_names(request: Request) -> Response:
    state = request.app.state
    return JSONResponse(sorted([*state.events, state.nps_event], reverse=True))


def _export_line(row: dict[str, Any], event: str) -> str:
    properties = {
        "time": int(row["created"].timestamp()),
        "distinct_id": row["requester_email"],
        "$insert_id": row["external_id"],
        "name": row["requester"],
        "score": row["score"],
        "comment": row["body"],
    }
    return json.dumps({"event": event, "properties": properties})


async def export(request: Request) -> Response:
    span = _range(request)
    if isinstance(span, str):
        return _error(request, 400, span)
    state = request.app.state
    try:
        wanted = json.loads(request.query_params.get("event", "null"))
    except ValueError:
        return _error(request, 400, "event must be a JSON array of names")
    if wanted is not None and state.nps_event not in wanted:
        return Response("", media_type="text/plain")
    start, end = span
    lines = [
        _export_line(row, state.nps_event)
        for row in state.nps
        if start <= row["created"].date() <= end
    ]
    return Response("".join(f"{line}\n" for line in lines), media_type="text/plain")


def create_app(
    company: Company,
    *,
    site: str = "acme",
    token: str = "fake-token",
    username: str | None = None,
    project_id: int | None = None,
    per_hour: int = 60,
    concurrency: int = 5,
) -> Starlette:
    """The fake Mixpanel; `username` None accepts any service-account name with the secret."""
    connection = next(c for c in company.connections() if c["kind"] == "mixpanel")
    routes = [
        Route("/api/query/segmentation", _guard(segmentation)),
        Route("/api/query/events", _guard(events)),
        Route("/api/query/events/names", _guard(event_names)),
        Route("/api/2.0/export", _guard(export)),
    ]
    app = Starlette(routes=routes)
    state = app.state
    state.token, state.username, state.site = token, username, site
    state.project_id = project_id or connection["options"]["project_id"]
    state.faults, state.writes = [], []
    state.limit = RateWindow(per_hour, per=3600.0)
    state.concurrency, state.in_flight = concurrency, 0
    state.seed, state.today = company.seed, company.today
    state.events = sorted({i["usage_event"] for i in company.issues() if i["usage_event"]})
    state.nps_event = str(connection["options"].get("nps_event", NPS_EVENT))
    state.nps = sorted(
        (f for f in company.feedback() if f["kind"] == "nps"), key=lambda f: f["created"]
    )
    return app
