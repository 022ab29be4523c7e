"""Whether two experiments' audiences can meet, per pair of designs (rules in conflicts.py)."""

from prodops_tui.services.plan_model import WHOLE, Plan

__all__ = ["audiences_meet"]


def _kind(plan: Plan) -> str:
    return plan.design if plan.design in ("switchback", "geo") else "ab"


def _range(plan: Plan) -> str:
    return f"{plan.namespace[0]:g}-{plan.namespace[1]:g}"


def _listed(names: frozenset[str]) -> str:
    return ", ".join(sorted(names))


def _ab_ab(a: Plan, b: Plan) -> str | None:
    if a.namespace != WHOLE and b.namespace != WHOLE:
        low = max(a.namespace[0], b.namespace[0])
        high = min(a.namespace[1], b.namespace[1])
        return f"namespaces {_range(a)} and {_range(b)} overlap" if low < high else None
    total = a.share + b.share
    if total > 1.0 + 1e-9:
        return f"traffic {a.share:.0%} + {b.share:.0%} exceeds 100%"
    return None


def _places_meet(mine: frozenset[str], theirs: frozenset[str]) -> frozenset[str] | None:
    """The places two sets share; an empty set means everywhere (None: they do not meet)."""
    if not mine or not theirs:
        return theirs or mine
    common = mine & theirs
    return common or None


def _switchbacks(a: Plan, b: Plan) -> str | None:
    common = _places_meet(a.regions, b.regions)
    if common is None:
        return None
    return f"switchback regions {_listed(common)} shared" if common else "both switch everywhere"


def _geos(a: Plan, b: Plan) -> str | None:
    hits = (a.treated & (b.treated | b.donors)) | (b.treated & (a.treated | a.donors))
    return f"treated market {_listed(hits)} is also in the other test" if hits else None


def _ab_switchback(ab: Plan, switchback: Plan) -> str | None:
    if ab.share <= 0:
        return None
    common = _places_meet(ab.regions, switchback.regions)
    if common is None:
        return None
    where = _listed(common) if common else "every region"
    return f"A/B traffic reaches switchback regions ({where})"


def _ab_geo(ab: Plan, geo: Plan) -> str | None:
    if ab.share <= 0:
        return None
    markets = geo.treated | geo.donors
    reached = markets if not ab.treated else ab.treated & markets
    if not reached:
        return None
    treated = reached & geo.treated
    role, where = ("treated", treated) if treated else ("donor", reached)
    return f"A/B traffic reaches geo {role} market {_listed(where)}"


def _switchback_geo(switchback: Plan, geo: Plan) -> str | None:
    regions = _listed(switchback.regions) or "every region"
    return f"switchback over {regions} may reach geo markets {_listed(geo.treated)}"


def audiences_meet(a: Plan, b: Plan) -> str | None:
    """Why the two audiences can meet, or None when they cannot."""
    kinds = (_kind(a), _kind(b))
    if kinds == ("ab", "ab"):
        return _ab_ab(a, b)
    if kinds == ("switchback", "switchback"):
        return _switchbacks(a, b)
    if kinds == ("geo", "geo"):
        return _geos(a, b)
    by_kind = {_kind(a): a, _kind(b): b}
    if "ab" in by_kind and "switchback" in by_kind:
        return _ab_switchback(by_kind["ab"], by_kind["switchback"])
    if "ab" in by_kind:
        return _ab_geo(by_kind["ab"], by_kind["geo"])
    return _switchback_geo(by_kind["switchback"], by_kind["geo"])
