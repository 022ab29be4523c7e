"""Plan validation: every bad input gets one clear line and nothing comes back half-made."""

from datetime import date
from typing import Any

import pytest

from prodops_tui.services.plan_fields import (
    PlanError,
    clean_plan,
    form_values,
    parse_variations,
    variations_text,
)


def ab(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": "Checkout: sticky CTA",
        "design": "ab",
        "surface": "checkout",
        "primary_metric": "checkout_conversion",
        "start": "2025-04-01",
        "end": "2025-04-29",
        "variations": "Control 50, Treatment 50",
        "namespace_start": "0",
        "namespace_end": "0.5",
        "traffic_pct": "100",
    }
    return values | changes


def test_a_valid_ab_plan_becomes_a_row() -> None:
    row = clean_plan(ab(owner="  Ana   Ruiz ", regions="ignored"))
    assert row["owner"] == "Ana Ruiz" and row["status"] == "draft"
    assert row["start"] == date(2025, 4, 1) and row["end"] == date(2025, 4, 29)
    assert row["namespace_end"] == 0.5 and row["regions"] == []
    assert [v["weight"] for v in row["variations"]] == [0.5, 0.5]
    assert [v["key"] for v in row["variations"]] == ["control", "treatment"]


def test_switchback_and_geo_plans() -> None:
    row = clean_plan(
        ab(design="switchback", regions="eu-west, us-east,, eu-west", bucket_hours="4")
    )
    assert row["regions"] == ["eu-west", "us-east"] and row["bucket_hours"] == 4
    assert row["variations"] == [] and row["namespace_end"] == 1.0
    geo = clean_plan(ab(design="geo", treated_geos="DE, AT", donor_geos="FR, NL"))
    assert geo["treated_geos"] == ["DE", "AT"] and geo["donor_geos"] == ["FR", "NL"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end": "2025-03-01"}, "must come after the start"),
        ({"end": "2025-04-01"}, "must come after the start"),
        ({"start": "April"}, "is not a date"),
        ({"start": ""}, "start date is required"),
        ({"variations": "Control 60, Treatment 60"}, "sums to 120%, not 100%"),
        ({"variations": "Control 100"}, "at least two variations"),
        ({"variations": "Control, Treatment"}, "needs a name and a percentage"),
        ({"variations": "A 0, B 100"}, "above 0%"),
        ({"variations": "A 50, a 50"}, "must differ"),
        ({"namespace_end": "1.5"}, "must lie inside 0-1"),
        ({"namespace_start": "-0.1"}, "must lie inside 0-1"),
        ({"namespace_start": "0.5"}, "must start below its end"),
        ({"namespace_start": "half"}, "must be a number"),
        ({"traffic_pct": "120"}, "at most 100%"),
        ({"traffic_pct": "nan"}, "finite"),
        ({"design": "bandit"}, "unknown design 'bandit'"),
        ({"status": "running"}, "draft or scheduled"),
        ({"name": "  "}, "needs a name"),
        ({"surface": "", "primary_metric": ""}, "surface, a feature flag or a primary metric"),
        ({"design": "switchback"}, "at least one region"),
        ({"design": "switchback", "regions": "eu", "bucket_hours": "1.5"}, "whole number"),
        ({"design": "geo", "donor_geos": "FR"}, "at least one treated market"),
        ({"design": "geo", "treated_geos": "DE"}, "donor pool"),
        ({"design": "geo", "treated_geos": "DE, FR", "donor_geos": "FR"}, "FR cannot be both"),
    ],
)
def test_bad_input_gets_one_line(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(PlanError, match=message) as caught:
        clean_plan(ab(**changes))
    assert "\n" not in str(caught.value)


def test_form_values_round_trip() -> None:
    row = clean_plan(ab(design="geo", treated_geos="DE", donor_geos="FR, NL", hypothesis="h"))
    again = clean_plan(form_values(row))
    assert again == row
    row = clean_plan(ab())
    assert clean_plan(form_values(row)) == row


def test_variations_text() -> None:
    parsed = parse_variations("Control 50, Variant A 25%, Variant B 25")
    assert variations_text(parsed) == "Control 50, Variant A 25, Variant B 25"
    assert variations_text(None) == ""
