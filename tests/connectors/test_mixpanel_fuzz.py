"""R6 for Mixpanel: damaged report, export and survey payloads end only in BadResponse."""

import contextlib
import json
from datetime import UTC
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from prodops_tui.connectors.errors import BadResponse
from prodops_tui.connectors.mixpanel_map import export_events, nps_row, nps_summary, series
from tests.connectors.analytics_fuzz import FUZZ, damaged

_REPORT = {
    "data": {
        "series": ["2025-05-30", "2025-05-31"],
        "values": {"app_opened": {"2025-05-30": 120, "2025-05-31": 98}, "9": {"2025-05": 3}},
    },
    "legend_size": 2,
}
_EVENT = {
    "event": "NPS Survey Response",
    "properties": {
        "time": 1748680000,
        "distinct_id": "ana@example.com",
        "$insert_id": "17",
        "name": "Ana",
        "score": 9,
        "comment": "Great",
    },
}


@FUZZ
@given(damaged(_REPORT))
def test_series_and_nps_summary_only_raise_bad_response(payload: Any) -> None:
    try:
        counts = series(payload)
    except BadResponse:
        return
    assert all(n >= 0 for days in counts.values() for n in days.values())
    with contextlib.suppress(BadResponse):
        summary = nps_summary(payload)
        assert summary["nps"] is None or -100 <= summary["nps"] <= 100


@FUZZ
@given(damaged(_EVENT))
def test_nps_row_only_raises_bad_response(payload: Any) -> None:
    try:
        row = nps_row(payload, connection_id="mixpanel:acme")
    except BadResponse:
        return
    assert 0 <= row["score"] <= 10 and row["created"].tzinfo is UTC
    assert row["id"].startswith("mixpanel:acme:nps:")


@FUZZ
@given(st.lists(damaged(_EVENT), max_size=3), st.integers(0, 400))
def test_cut_or_damaged_exports_only_raise_bad_response(events: list[Any], cut: int) -> None:
    body = "\n".join(json.dumps(e) for e in events).encode()
    try:
        for event in export_events(body[: len(body) - cut] if cut < len(body) else body):
            nps_row(event, connection_id="mixpanel:acme")
    except BadResponse:
        return
