"""R6 for GrowthBook: damaged experiment, results and list payloads end only in BadResponse."""

import contextlib
from datetime import UTC, date
from typing import Any

from hypothesis import given

from prodops_tui.connectors.errors import BadResponse
from prodops_tui.connectors.growthbook_map import (
    experiment_row,
    list_page,
    metric_names,
    results_summary,
)
from prodops_tui.fakes.growthbook import experiment_json, metric_json, results_json
from prodops_tui.services.generator import generate
from tests.connectors.analytics_fuzz import FUZZ, damaged

_ROWS = [r for r in generate("tiny", 7, date(2025, 6, 1)).experiments() if r["results"]]
_FULL = experiment_json(_ROWS[0], "prj_acme")
_READ = ("id", "name", "status", "owner", "trackingKey", "dateUpdated", "tags", "variations")
_STOPPED = {k: _FULL[k] for k in _READ} | {"phases": _FULL["phases"]}
_STOPPED["settings"] = {"goals": _FULL["settings"]["goals"]}
_RESULT = results_json(_FULL, _ROWS[0]["results"])["result"]
_RESULTS = {"result": {"results": _RESULT["results"]}}
"""Only what the mapping reads: damage elsewhere would be wasted examples."""
_LIST = {"experiments": [{"id": "exp_1"}], "limit": 10, "offset": 0, "count": 1, "total": 1}
_LIST |= {"hasMore": True, "nextOffset": 10}
_METRICS = {"metrics": [metric_json("checkout_conversion", "prj_acme", "2025-01-01T00:00:00Z")]}
_METRICS |= {"hasMore": False, "nextOffset": None}


@FUZZ
@given(damaged(_STOPPED))
def test_experiment_row_only_raises_bad_response(payload: Any) -> None:
    try:
        row = experiment_row(
            payload, connection_id="growthbook:acme", metrics={}, today=date.today()
        )
    except BadResponse as error:
        assert "\n" not in error.message
        return
    assert isinstance(row["id"], str) and row["updated"].tzinfo is UTC
    assert 0.0 <= row["namespace_start"] <= row["namespace_end"] <= 1.0
    assert all(isinstance(v["key"], str) for v in row["variations"])


@FUZZ
@given(damaged(_RESULTS))
def test_results_summary_only_raises_bad_response(payload: Any) -> None:
    try:
        summary = results_summary(payload, "met_checkout_conversion")
    except BadResponse:
        return
    assert all(isinstance(k, str) for k in summary)


@FUZZ
@given(damaged(_LIST), damaged(_METRICS))
def test_list_pages_only_raise_bad_response(listing: Any, metrics: Any) -> None:
    for parse in (lambda: list_page(listing, "experiments"), lambda: metric_names(metrics)):
        with contextlib.suppress(BadResponse):
            parse()
