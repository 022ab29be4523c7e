"""The product-ops figures on SQLite and PostgreSQL against a workspace with known answers."""

from collections.abc import Iterator
from datetime import date

import pytest
from stats_rows import HOSTILE, NOW, TODAY, at, filled_reader

from prodops_tui.services import stats
from prodops_tui.store.reads import Reader

WEEKS = ["2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"]
PERIOD = stats.last_weeks(TODAY, 4)


@pytest.fixture
def reader(db_url: str) -> Iterator[Reader]:
    with filled_reader(db_url) as opened:
        yield opened


def test_the_period_is_whole_weeks_up_to_today() -> None:
    assert stats.weeks_of(PERIOD) == WEEKS
    assert PERIOD[0] == at(11, 2, 0)
    assert PERIOD[1] == at(11, 28, 0)


def test_feedback_per_theme_per_week(reader: Reader) -> None:
    themes = stats.feedback_by_theme(reader, PERIOD)
    assert [(t.tag, t.total, t.weekly) for t in themes] == [
        ("billing", 2, [1, 1, 0, 0]),
        ("bug", 1, [1, 0, 0, 0]),
        ("feature-request", 1, [0, 0, 0, 1]),
        ("search", 1, [0, 0, 0, 1]),
    ]
    assert [t.tag for t in stats.feedback_by_theme(reader, PERIOD, top=1)] == ["billing"]


def test_nps_and_csat_per_week(reader: Reader) -> None:
    nps = stats.nps_by_week(reader, PERIOD)
    assert [(p.week, p.count, p.value) for p in nps] == [
        ("2026-11-02", 3, 0.0),
        ("2026-11-23", 1, 100.0),
    ]
    csat = stats.csat_by_week(reader, PERIOD)
    assert [(p.week, p.count, p.value) for p in csat] == [("2026-11-09", 2, 50.0)]


def test_top_issues_by_evidence_count_distinct_orgs_and_their_arr(reader: Reader) -> None:
    top = stats.top_issues(reader, 5)
    assert [(i.key, i.evidence, i.orgs, i.arr) for i in top] == [
        ("PROD-1", 3, 2, 1500.0),
        ("PROD-2", 1, 1, 0.0),
    ]
    assert top[0].summary == HOSTILE
    recent = stats.top_issues(reader, 5, (at(11, 5), NOW))
    assert [(i.key, i.evidence, i.orgs, i.arr) for i in recent] == [("PROD-1", 2, 2, 1500.0)]


def test_triage_decisions_per_week(reader: Reader) -> None:
    weeks = stats.decisions_by_week(reader, PERIOD)
    assert weeks.weeks == WEEKS
    assert weeks.totals == [0, 2, 0, 1]
    assert weeks.by_action == {"accept": 2, "decline": 1}


def test_stickiness_is_mean_dau_over_the_month_mau(reader: Reader) -> None:
    points = stats.stickiness_by_week(reader, PERIOD)
    assert [(p.week, p.count, p.value) for p in points] == [
        ("2026-11-16", 40, 20.0),
        ("2026-11-23", 50, 25.0),
    ]


def test_adoption_of_what_shipped(reader: Reader) -> None:
    shipped = stats.adoption(reader, PERIOD)
    assert [(a.key, a.event, a.released) for a in shipped] == [
        ("PROD-2", "export_clicked", "2026-11-20")
    ]
    assert shipped[0].share == pytest.approx(100 * 30 / 290)
    assert stats.adoption(reader, stats.since_days(NOW, 3)) == []


def test_adoption_counts_a_day_at_most_at_its_active_users(db_url: str) -> None:
    """80 users of the event on a day with 50 active users count as 50: a share stays <= 100%."""
    from prodops_tui.store.store import Store

    with filled_reader(db_url) as reader:
        store = Store.open(db_url)
        row = {"event": "export_clicked", "day": date(2026, 11, 25), "count": 80}
        store.upsert("usage_daily", [{**row, "unique_users": 80}])
        store.close()
        shipped = stats.adoption(reader, PERIOD)
    assert shipped[0].share == pytest.approx(100 * (30 + 50) / 290)


def test_an_empty_period_has_empty_series(reader: Reader) -> None:
    empty = (at(1, 5), at(1, 12))
    assert stats.feedback_by_theme(reader, empty) == []
    assert stats.nps_by_week(reader, empty) == []
    assert stats.stickiness_by_week(reader, empty) == []
    assert stats.decisions_by_week(reader, empty).totals == [0, 0]


def test_sparkline_and_bar_scale_to_the_series() -> None:
    assert stats.sparkline([0, 7, 14]) == "▁▅█"
    assert stats.sparkline([3, 3]) == "▅▅"
    assert stats.sparkline([]) == ""
    assert stats.bar(10, 10, 4) == "████"
    assert stats.bar(1, 100, 4) == "▏"
    assert stats.bar(0, 10, 4) == ""
