"""Properties of the conflict rules over generated experiments (hypothesis)."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from prodops_tui.services.conflicts import (
    Plan,
    all_pairs,
    conflict_between,
    conflicts_of,
    find_conflicts,
    next_free_slot,
)

D0 = date(2025, 1, 1)
PLACES = st.frozensets(st.sampled_from(["DE", "FR", "NL", "eu-west", "us-east"]), max_size=3)


@st.composite
def plans(draw: st.DrawFn, id: str | None = None) -> Plan:
    start = draw(st.integers(0, 60))
    length = draw(st.integers(1, 40))
    low = draw(st.sampled_from([0.0, 0.2, 0.4, 0.5]))
    high = draw(st.sampled_from([0.5, 0.6, 1.0]))
    return Plan(
        id=id or draw(st.text("abcdef", min_size=1, max_size=4)),
        design=draw(st.sampled_from(["ab", "switchback", "geo", "other"])),
        surface=draw(st.sampled_from(["", "checkout", "search"])),
        flag_key=draw(st.sampled_from(["", "f1"])),
        primary_metric=draw(st.sampled_from(["", "ctr"])),
        start=D0 + timedelta(days=start),
        end=None if draw(st.booleans()) and start > 50 else D0 + timedelta(start + length),
        namespace=(low, max(low, high)),
        traffic_pct=draw(st.sampled_from([0.0, 20.0, 50.0, 100.0])),
        regions=draw(PLACES),
        treated=draw(PLACES),
        donors=draw(PLACES),
    )


@given(plans(id="a"), plans(id="b"))
def test_conflict_is_symmetric(a: Plan, b: Plan) -> None:
    assert conflict_between(a, b) == conflict_between(b, a)


@given(plans(id="a"), plans(id="b"))
def test_no_conflict_without_overlap_or_a_shared_key(a: Plan, b: Plan) -> None:
    found = conflict_between(a, b)
    if found is None:
        return
    assert a.start is not None and b.start is not None
    assert a.start < b.stop and b.start < a.stop
    assert found.reason.startswith("same ")


@settings(max_examples=60)
@given(st.lists(plans(), max_size=25, unique_by=lambda p: p.id))
def test_sweep_finds_exactly_the_pairs(found: list[Plan]) -> None:
    assert find_conflicts(found) == all_pairs(found)


@settings(max_examples=80)
@given(plans(id="mine"), st.lists(plans(), max_size=12, unique_by=lambda p: p.id))
def test_next_free_slot_is_free_keeps_the_duration_and_is_earliest(
    mine: Plan, others: list[Plan]
) -> None:
    others = [o for o in others if o.id != "mine"]
    slot = next_free_slot(mine, others)
    if slot is None:
        assert any(o.end is None for o in others)
        return
    start, end = slot
    assert start >= (mine.start or start) and (end - start).days == mine.days
    assert not conflicts_of(mine.moved_to(start), others)
    for earlier in range((start - (mine.start or start)).days):
        moved = mine.moved_to((mine.start or start) + timedelta(days=earlier))
        assert conflicts_of(moved, others)
