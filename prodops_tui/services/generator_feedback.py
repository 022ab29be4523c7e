"""Feedback of the generated company (tickets, CSAT, NPS, imports) and its ground-truth links."""

import random
from collections.abc import Iterator
from typing import Any, NamedTuple

from prodops_tui.models.enums import FeedbackKind, FeedbackState
from prodops_tui.services.generator_base import (
    DAY,
    FEEDBACK_SPAN_DAYS,
    MIXPANEL,
    ZENDESK,
    Spec,
    issue_id,
    mix,
    pick,
    utc,
)
from prodops_tui.services.generator_feedback_text import link_line, ticket_text, verbatim
from prodops_tui.services.generator_issues import issue_shape, issues_before
from prodops_tui.services.generator_orgs import PEOPLE_PER_ORG, org_domain, org_id, person
from prodops_tui.services.generator_text import MAIL_DOMAINS, TEAM

STREAM = 3
_KINDS = (
    (FeedbackKind.TICKET, 39_322, f"{ZENDESK}:ticket", ZENDESK),
    (FeedbackKind.CSAT, 52_429, f"{ZENDESK}:csat", ZENDESK),
    (FeedbackKind.NPS, 62_259, f"{MIXPANEL}:nps", MIXPANEL),
    (FeedbackKind.IMPORT, 65_536, "import", None),
)
"""(kind, cumulative share of 65,536: 60/20/15/5 %, id prefix, connection)."""
_LINKED = 19_661
"""30 % of 65,536: the share of tickets written about an existing issue."""
_ORG_SHARE = {"ticket": 0.9, "csat": 0.9, "nps": 0.7, "import": 0.5}
_CHANNELS = {
    "ticket": ("email", "email", "web", "chat", "api"),
    "csat": ("email", "web"),
    "nps": ("survey",),
    "import": ("survey", "api"),
}


class Skeleton(NamedTuple):
    """The facts of one feedback row that follow from its index alone."""

    kind: int
    created_ts: int
    issue: int
    """Index of the issue this ticket is about, or -1."""
    line: int
    evidence: bool
    importance: int


def skeleton(spec: Spec, index: int) -> Skeleton:
    h = mix(spec.salt(STREAM) + index)
    roll = h & 0xFFFF
    kind = next(k for k, entry in enumerate(_KINDS) if roll < entry[1])
    span = FEEDBACK_SPAN_DAYS * DAY / spec.n_feedback
    created = spec.feedback_start_ts + int((index + ((h >> 16) & 0xFFFF) / 65_536) * span)
    if kind != 0 or (h >> 32) & 0xFFFF >= _LINKED:
        return Skeleton(kind, created, -1, 0, False, 0)
    h2 = mix(h)
    target = h2 % issues_before(spec, created)
    return Skeleton(kind, created, target, (h2 >> 32) % 6, bool((h2 >> 40) & 1), 1 + (h2 >> 41) % 3)


def walk(spec: Spec) -> Iterator[tuple[str, str, Skeleton]]:
    """(feedback id, external id, skeleton) for every feedback row, in generation order."""
    counters = [0] * len(_KINDS)
    for index in range(spec.n_feedback):
        shape = skeleton(spec, index)
        counters[shape.kind] += 1
        number = str(counters[shape.kind])
        yield f"{_KINDS[shape.kind][2]}:{number}", number, shape


def true_links(spec: Spec) -> Iterator[tuple[str, str]]:
    for feedback_id, _, shape in walk(spec):
        if shape.issue >= 0:
            yield feedback_id, issue_id(shape.issue)


def evidence(spec: Spec) -> Iterator[dict[str, Any]]:
    for feedback_id, _, shape in walk(spec):
        if shape.issue < 0 or not shape.evidence:
            continue
        issue = issue_shape(spec, shape.issue)
        hours = 1 + (shape.created_ts // 7) % 72
        yield {
            "feedback_id": feedback_id,
            "issue_id": issue_id(shape.issue),
            "importance": shape.importance,
            "quote": link_line(issue, shape.line),
            "created_by": TEAM[shape.created_ts % len(TEAM)],
            "created_at": utc(min(spec.now_ts, shape.created_ts + hours * 3_600)),
        }


def feedback(spec: Spec, org_names: list[str]) -> Iterator[dict[str, Any]]:
    rng = spec.rng(STREAM)
    domains = [org_domain(name) for name in org_names]
    for feedback_id, number, shape in walk(spec):
        yield _row(spec, rng, domains, feedback_id, number, shape)


def _requester(rng: random.Random, domains: list[str], kind: str) -> tuple[str | None, str, str]:
    if rng.random() < _ORG_SHARE[kind]:
        index = int(len(domains) * rng.random() ** 2)
        who = person(index * PEOPLE_PER_ORG + rng.randrange(PEOPLE_PER_ORG), domains[index])
        return org_id(index), who.name, who.email
    who = person(rng.getrandbits(32), pick(rng, MAIL_DOMAINS))
    return None, who.name, who.email


def _state(spec: Spec, rng: random.Random, created: int) -> tuple[str, Any]:
    roll = rng.random()
    if spec.now_ts - created < 30 * DAY or roll < 0.5:
        return FeedbackState.NEW, None
    if roll < 0.85:
        return FeedbackState.PROCESSED, None
    if roll < 0.97:
        return FeedbackState.ARCHIVED, None
    return FeedbackState.SNOOZED, utc(spec.now_ts + rng.randint(2, 14) * DAY)


def _row(
    spec: Spec,
    rng: random.Random,
    domains: list[str],
    feedback_id: str,
    number: str,
    shape: Skeleton,
) -> dict[str, Any]:
    kind, _, _, connection = _KINDS[shape.kind]
    org, name, email = _requester(rng, domains, kind)
    if kind == FeedbackKind.TICKET:
        subject, body, tags, score = ticket_text(spec, rng, shape.issue, shape.line, name)
    else:
        subject, body, tags, score = verbatim(rng, kind, number)
    updated = min(spec.now_ts, shape.created_ts + int(rng.random() ** 2 * 10 * DAY))
    state, snoozed = _state(spec, rng, shape.created_ts)
    moment = utc(updated)
    return {
        "id": feedback_id,
        "kind": str(kind),
        "external_id": number,
        "connection_id": connection,
        "requester": name,
        "requester_email": email,
        "org_id": org,
        "channel": pick(rng, _CHANNELS[kind]),
        "subject": subject,
        "body": body,
        "tags": tags,
        "score": score,
        "created": utc(shape.created_ts),
        "updated": moment,
        "updated_stamp": f"{moment.isoformat()[:19]}Z",
        "state": str(state),
        "snoozed_until": snoozed,
        "version": 1,
    }
