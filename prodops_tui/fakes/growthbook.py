"""A local GrowthBook REST API serving the generated company's GrowthBook experiments.

Same paths, offset paging, Bearer secret-key auth, 60 requests a minute (429 + Retry-After) and
`{message}` errors as the real service (API-NOTES.md §3). Experiments the generator plans
locally are not served. Designs, surfaces, audiences and geos the GrowthBook model has no field
for travel as `key:value` tags. Tests steer it through `app.state`: `faults` (a list of
`Fault`s), `experiments` (id -> JSON, editable) and `limit` (the rate window).
"""

import zlib
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from prodops_tui.fakes.json_response import JSONResponse
from prodops_tui.fakes.zendesk_wire import (
    Fault,
    RateWindow,
    injected_fault,
    int_param,
    shaped,
)
from prodops_tui.services.generator import Company

__all__ = ["Fault", "create_app", "experiment_json", "iso"]

Handler = Callable[[Request], Awaitable[Response]]
_SORTS = ("dateCreated", "dateUpdated", "name")
_STATUSES = ("draft", "running", "stopped")
_WITH_RESULTS = ("running", "stopped")
_BEHAVIOR = {"goal": "increase", "windowSettings": {"type": "conversion"}, "minSampleSize": 150}
_BEHAVIOR |= {"riskThresholdSuccess": 0.0025, "riskThresholdDanger": 0.0125, "targetMDE": 0.1}
_BEHAVIOR |= {"minPercentChange": 0.005, "maxPercentChange": 0.5}
_FIXED = {"type": "standard", "description": "", "archived": False, "autoRefresh": True}
_FIXED |= {"hashAttribute": "id", "hashVersion": 2}


def iso(moment: datetime | date) -> str:
    """GrowthBook's timestamp form: `2025-05-31T08:30:00.000Z`."""
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(0, 0), UTC)
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def _tags(row: dict[str, Any]) -> list[str]:
    tags = [f"design:{row['design']}", f"surface:{row['surface']}", f"audience:{row['audience']}"]
    tags += [f"region:{r}" for r in row.get("regions") or []]
    tags += [f"treated:{g}" for g in row.get("treated_geos") or []]
    tags += [f"donor:{g}" for g in row.get("donor_geos") or []]
    if row.get("bucket_hours"):
        tags.append(f"bucket_hours:{row['bucket_hours']}")
    return tags


def _settings(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "datasourceId": "ds_warehouse",
        "assignmentQueryId": "user_id",
        "experimentId": row["flag_key"],
        "segmentId": "",
        "queryFilter": "",
        "inProgressConversions": "exclude",
        "attributionModel": "firstExposure",
        "statsEngine": "frequentist" if "p_value" in row["results"] else "bayesian",
        "goals": [{"metricId": f"met_{row['primary_metric']}", "overrides": {}}],
        "secondaryMetrics": [],
        "guardrails": [],
    }


def _phase(row: dict[str, Any], gb_id: str, status: str) -> dict[str, Any]:
    ns = (row["namespace_start"], row["namespace_end"])
    return {
        "name": "Main",
        "dateStarted": iso(row["start"]),
        "dateEnded": iso(row["end"]) if status == "stopped" else "",
        "reasonForStopping": "",
        "seed": gb_id,
        "coverage": row["traffic_pct"] / 100,
        "trafficSplit": [
            {"variationId": f"var_{i}", "weight": v["weight"]}
            for i, v in enumerate(row["variations"])
        ],
        "namespace": {"namespaceId": "ns_main", "enabled": ns != (0.0, 1.0), "range": list(ns)},
        "targetingCondition": "{}",
    }


def experiment_json(row: dict[str, Any], project: str) -> dict[str, Any]:
    """A generator experiment row in GrowthBook's Experiment shape."""
    gb_id = str(row["id"]).rsplit(":", 1)[-1]
    status = "draft" if row["status"] in ("draft", "scheduled") else str(row["status"])
    body: dict[str, Any] = {
        "id": gb_id,
        "trackingKey": row["flag_key"],
        "dateCreated": iso(row["updated"] - timedelta(days=7)),
        "dateUpdated": iso(row["updated"]),
        "name": row["name"],
        "project": project,
        "hypothesis": row["hypothesis"],
        "tags": _tags(row),
        "owner": row["owner"],
        "status": status,
        **_FIXED,
        "variations": [
            {"variationId": f"var_{i}", "key": v["key"], "name": v["name"]}
            | {"description": "", "screenshots": []}
            for i, v in enumerate(row["variations"])
        ],
        "phases": [_phase(row, gb_id, status)],
        "settings": _settings(row),
    }
    if row["results"]:
        winner = "var_1" if row["results"]["ci_low"] > 0 else ""
        body["resultSummary"] = {
            "status": "won" if winner else "inconclusive",
            "winner": winner,
            "conclusions": "",
            "releasedVariationId": winner,
            "excludeFromPayload": True,
        }
    return body


def _analysis(results: dict[str, Any], treated: bool, engine: str) -> dict[str, Any]:
    half = results["users"] // 2
    lift = results["lift"] if treated else 0.0
    base = {"engine": engine, "numerator": round(half * 0.1 * (1 + lift)), "denominator": half}
    base |= {"mean": 0.1 * (1 + lift), "stddev": 0.3, "percentChange": lift}
    base |= {"ciLow": results["ci_low"] if treated else 0.0}
    base |= {"ciHigh": results["ci_high"] if treated else 0.0}
    if treated and "p_value" in results:
        base["pValue"] = results["p_value"]
    if treated and "chance_to_win" in results:
        base["chanceToBeatControl"] = results["chance_to_win"]
    return base


def results_json(experiment: dict[str, Any], results: dict[str, Any]) -> dict[str, Any]:
    """GrowthBook's results body: per metric, per variation analyses, and the SRM check."""
    settings = experiment["settings"]
    engine = settings["statsEngine"]
    metric = settings["goals"][0]["metricId"]
    variations = [
        {
            "variationId": v["variationId"],
            "variationName": v["name"],
            "users": results["users"] // len(experiment["variations"]),
            "analyses": [_analysis(results, i > 0, engine)],
        }
        for i, v in enumerate(experiment["variations"])
    ]
    phase = experiment["phases"][-1]
    result = {
        "id": f"snp_{experiment['id']}",
        "dateUpdated": experiment["dateUpdated"],
        "experimentId": experiment["id"],
        "phase": "0",
        "dateStart": phase["dateStarted"],
        "dateEnd": phase["dateEnded"],
        "dimension": {"type": "none"},
        "settings": settings,
        "queryIds": [],
        "results": [
            {
                "dimension": "All",
                "totalUsers": results["users"],
                "checks": {"srm": results["srm_p"]},
                "metrics": [
                    {"metricId": metric, "metricName": metric[4:], "variations": variations}
                ],
            }
        ],
    }
    return {"experiment": experiment, "result": result}


def metric_json(name: str, project: str, when: str) -> dict[str, Any]:
    """A binomial metric in GrowthBook's Metric shape."""
    fixed: dict[str, Any] = {"managedBy": "", "owner": "", "datasourceId": "ds_warehouse"}
    fixed |= {"type": "binomial", "tags": [], "archived": False, "description": ""}
    fixed["behavior"] = dict(_BEHAVIOR)
    return fixed | {
        "id": f"met_{name}",
        "dateCreated": when,
        "dateUpdated": when,
        "name": name,
        "projects": [project],
    }


def _interim(row: dict[str, Any]) -> dict[str, Any]:
    """A running experiment's latest snapshot: a small lift with a wide interval."""
    h = zlib.crc32(str(row["id"]).encode())
    lift, half = (h % 61 - 20) / 1000, 0.02 + h % 7 / 100
    return {"lift": lift, "ci_low": lift - half, "ci_high": lift + half} | {
        "users": 1_000 + h % 50_000,
        "chance_to_win": 0.5 + lift * 5,
        "srm_p": 0.5,
    }


def _message(status: int, text: str, **headers: str) -> Response:
    return JSONResponse({"message": text}, status, headers=headers)


def _guard(handler: Handler) -> Handler:
    """Faults first, then auth, then the per-minute budget, then the handler."""

    async def guarded(request: Request) -> Response:
        state = request.app.state
        injected = await injected_fault(request)
        if injected is not None:
            return injected
        if request.headers.get("authorization", "") != f"Bearer {state.token}":
            return _message(401, "Invalid API key")
        wait = state.limit.admit()
        if wait is not None:
            return _message(
                429, "Too many requests, limit to 60 per minute", **{"Retry-After": f"{wait:g}"}
            )
        return shaped(request, await handler(request))

    return guarded


def _paged(request: Request, name: str, items: list[dict[str, Any]]) -> Response:
    limit, offset = int_param(request, "limit", 10), int_param(request, "offset", 0)
    if limit is None or not 1 <= limit <= 100 or offset is None or offset < 0:
        return _message(400, "limit must be 1 to 100 and offset at least 0")
    chunk = items[offset : offset + limit]
    more = offset + limit < len(items)
    page: dict[str, Any] = {"limit": limit, "offset": offset, "count": len(chunk)}
    page["total"] = len(items)
    page |= {"hasMore": more, "nextOffset": offset + limit if more else None}
    return JSONResponse({name: chunk, **page})


async def list_experiments(request: Request) -> Response:
    query = request.query_params
    sort, order = query.get("sortBy", "dateCreated"), query.get("sortOrder", "asc")
    status = query.get("status")
    if sort not in _SORTS or order not in ("asc", "desc") or status not in (None, *_STATUSES):
        return _message(400, "invalid sortBy, sortOrder or status")
    items = [
        e
        for e in request.app.state.experiments.values()
        if (status is None or e["status"] == status)
        and query.get("projectId", e["project"]) == e["project"]
    ]
    items.sort(key=lambda e: (e[sort], e["id"]), reverse=order == "desc")
    return _paged(request, "experiments", items)


def _experiment(request: Request) -> dict[str, Any] | None:
    found: dict[str, Any] | None = request.app.state.experiments.get(request.path_params["id"])
    return found


async def get_experiment(request: Request) -> Response:
    found = _experiment(request)
    if found is None:
        return _message(404, "Could not find experiment with that id")
    start = found["phases"][-1]["dateStarted"]
    label = found["status"].title()
    if found["status"] == "draft" and start > iso(datetime.now(UTC)):
        label = "Scheduled"
    return JSONResponse({"experiment": {**found, "enhancedStatus": {"status": label}}})


async def get_results(request: Request) -> Response:
    found = _experiment(request)
    if found is None:
        return _message(404, "Could not find experiment with that id")
    results = request.app.state.results.get(found["id"])
    if not results:
        return _message(400, "No results found for that experiment")
    return JSONResponse(results_json(found, results))


async def list_metrics(request: Request) -> Response:
    metrics = request.app.state.metrics
    wanted = request.query_params.get("projectId")
    return _paged(request, "metrics", [m for m in metrics if wanted in (None, *m["projects"])])


def create_app(
    company: Company,
    *,
    site: str = "acme",
    token: str = "secret_fake-token",
    per_minute: int = 60,
) -> Starlette:
    """The fake GrowthBook API at `/api/v1/...`, holding the company's GrowthBook experiments."""
    project = f"prj_{site}"
    rows = [r for r in company.experiments() if r["source"] == "growthbook"]
    routes = [
        Route("/api/v1/experiments", _guard(list_experiments)),
        Route("/api/v1/experiments/{id}", _guard(get_experiment)),
        Route("/api/v1/experiments/{id}/results", _guard(get_results)),
        Route("/api/v1/metrics", _guard(list_metrics)),
    ]
    app = Starlette(routes=routes)
    app.state.token = token
    app.state.faults = []
    app.state.writes = []
    app.state.limit = RateWindow(per_minute)
    app.state.experiments = {(e := experiment_json(r, project))["id"]: e for r in rows}
    app.state.results = {
        str(r["id"]).rsplit(":", 1)[-1]: r["results"] or _interim(r)
        for r in rows
        if r["status"] in _WITH_RESULTS
    }
    when = iso(company.spec.now - timedelta(days=400))
    names = sorted({r["primary_metric"] for r in rows})
    app.state.metrics = [metric_json(name, project, when) for name in names]
    return app
