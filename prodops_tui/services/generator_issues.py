"""Jira issues of the generated company, with ADF descriptions and their Markdown."""

import random
from collections.abc import Iterator
from itertools import accumulate
from typing import Any, NamedTuple

from prodops_tui.models.enums import JIRA_PRIORITIES, StatusCategory, TriageState
from prodops_tui.services.generator_base import (
    DAY,
    ISSUE_SPAN_DAYS,
    JIRA,
    Spec,
    issue_id,
    mix,
    pick,
    utc,
)
from prodops_tui.services.generator_doc import Block, Inline, marked, plain, to_adf, to_md
from prodops_tui.services.generator_text import (
    BENEFITS,
    BUG_SUFFIXES,
    CRITERIA,
    ERRORS,
    LABELS,
    LINKS,
    OBJECTS,
    PERSONAS,
    PROJECTS,
    REQUESTS,
    STEPS,
    STORY_SUFFIXES,
    SYMPTOMS,
    TEAM,
    USAGE_EVENTS,
)

STREAM = 1
_TYPES = (("Bug", 35), ("Story", 75), ("Task", 95), ("Epic", 100))
_STATUSES = (
    ("To Do", StatusCategory.NEW),
    ("In Progress", StatusCategory.IN_PROGRESS),
    ("In Review", StatusCategory.IN_PROGRESS),
    ("Done", StatusCategory.DONE),
)
_PRIORITIES = JIRA_PRIORITIES
_BUG_PRIORITY_WEIGHTS = tuple(accumulate((10, 30, 40, 15, 5)))
_OTHER_PRIORITY_WEIGHTS = tuple(accumulate((3, 15, 55, 20, 7)))
_POINTS = (1.0, 2.0, 3.0, 5.0, 8.0, 13.0)
_LABEL_COUNTS = (0, 0, 1, 1, 1, 2, 3)
_UNSCORED = dict.fromkeys(("reach", "impact", "confidence", "effort", "score"))
"""Score inputs stay empty: scoring derives them from evidence later."""
_OTHER_TRIAGE = (TriageState.ACCEPTED, TriageState.SNOOZED, TriageState.DECLINED)


class IssueShape(NamedTuple):
    """What an issue is about, derived from its index alone (feedback reuses it)."""

    project: int
    type: str
    obj: str
    predicate: str
    created_ts: int

    @property
    def is_bug(self) -> bool:
        return self.type == "Bug"

    @property
    def phrase(self) -> str:
        """The key phrase customers use when they write about this issue."""
        if self.is_bug:
            return f"the {self.obj} {self.predicate}"
        return f"{self.predicate} the {self.obj}"


def issue_shape(spec: Spec, index: int) -> IssueShape:
    h = mix(spec.salt(STREAM) + index)
    project = h % len(PROJECTS)
    roll = (h >> 8) % 100
    kind = next(name for name, upto in _TYPES if roll < upto)
    objects = OBJECTS[project]
    obj = objects[(h >> 16) % len(objects)]
    predicates = SYMPTOMS if kind == "Bug" else REQUESTS
    predicate = predicates[(h >> 24) % len(predicates)]
    fraction = (index + ((h >> 40) & 0xFFFF) / 65_536) / spec.n_issues
    created = spec.issue_start_ts + int(fraction * ISSUE_SPAN_DAYS * DAY)
    return IssueShape(project, kind, obj, predicate, created)


def issues_before(spec: Spec, ts: float) -> int:
    """How many issues exist at epoch second `ts` (issues are created in index order)."""
    fraction = (ts - spec.issue_start_ts) / (ISSUE_SPAN_DAYS * DAY)
    return max(1, min(spec.n_issues, int(fraction * spec.n_issues)))


def issues(spec: Spec) -> Iterator[dict[str, Any]]:
    rng = spec.rng(STREAM)
    counters = [0] * len(PROJECTS)
    for index in range(spec.n_issues):
        shape = issue_shape(spec, index)
        counters[shape.project] += 1
        yield _issue_row(spec, rng, index, shape, counters[shape.project])


def _summary(rng: random.Random, shape: IssueShape) -> str:
    if shape.is_bug:
        text = f"{shape.obj[0].upper()}{shape.obj[1:]} {shape.predicate}"
        suffixes = BUG_SUFFIXES
    else:
        text = f"{shape.predicate[0].upper()}{shape.predicate[1:]} the {shape.obj}"
        suffixes = STORY_SUFFIXES
    return f"{text} {pick(rng, suffixes)}" if rng.random() < 0.3 else text


def _status(rng: random.Random, age_days: float) -> tuple[str, str]:
    done = min(0.85, age_days / 400)
    roll = rng.random()
    if roll < done:
        return _STATUSES[3]
    rest = (roll - done) / (1 - done)
    return _STATUSES[1] if rest < 0.3 else _STATUSES[2] if rest < 0.45 else _STATUSES[0]


def _triage(rng: random.Random, category: str, age_days: float) -> str:
    roll = rng.random()
    if category == StatusCategory.NEW:
        untriaged = 0.9 if age_days < 45 else 0.35
        if roll < untriaged:
            return TriageState.UNTRIAGED
        return pick(rng, _OTHER_TRIAGE)
    if roll < 0.92:
        return TriageState.ACCEPTED
    return TriageState.DUPLICATE if roll < 0.96 else TriageState.DECLINED


def _issue_row(
    spec: Spec, rng: random.Random, index: int, shape: IssueShape, number: int
) -> dict[str, Any]:
    now = spec.now_ts
    age_days = (now - shape.created_ts) / DAY
    updated = shape.created_ts + (now - shape.created_ts) * rng.random() ** 3
    status, category = _status(rng, age_days)
    triage = _triage(rng, category, age_days)
    weights = _BUG_PRIORITY_WEIGHTS if shape.is_bug else _OTHER_PRIORITY_WEIGHTS
    unassigned = category == StatusCategory.NEW and rng.random() < 0.5
    event = pick(rng, USAGE_EVENTS[shape.project]) if rng.random() < 0.35 else ""
    blocks = _description(rng, shape, event)
    key = PROJECTS[shape.project][0]
    return {
        "id": issue_id(index),
        "connection_id": JIRA,
        "key": f"{key}-{number}",
        "project": key,
        "type": shape.type,
        "summary": _summary(rng, shape),
        "description_adf": to_adf(blocks),
        "description_md": to_md(blocks),
        "status": status,
        "status_category": str(category),
        "priority": rng.choices(_PRIORITIES, cum_weights=weights)[0],
        "assignee": "" if unassigned else pick(rng, TEAM),
        "labels": rng.sample(LABELS, pick(rng, _LABEL_COUNTS)),
        "estimate": None if rng.random() < 0.3 else pick(rng, _POINTS),
        "usage_event": event,
        "created": utc(shape.created_ts),
        "updated": utc(updated),
        "deleted": False,
        "version": 1,
        "triage_state": str(triage),
        "snoozed_until": utc(now + rng.randint(3, 21) * DAY) if triage == "snoozed" else None,
        "duplicate_of": "",
        "transitions": [],
        **_UNSCORED,
    }


def _description(rng: random.Random, shape: IssueShape, event: str) -> list[Block]:
    blocks = _bug_blocks(rng, shape) if shape.is_bug else _story_blocks(rng, shape)
    if rng.random() < 0.5:
        label, links = ("error dashboard", LINKS[::3]) if shape.is_bug else ("design", LINKS[1:3])
        blocks.append(("p", [plain("See the "), marked(label, "link", pick(rng, links))]))
    if event:
        blocks.append(("p", [plain("Usage is tracked by "), marked(event, "code"), plain(".")]))
    return blocks


def _bug_blocks(rng: random.Random, shape: IssueShape) -> list[Block]:
    reporters = rng.randint(2, 40)
    steps: list[list[Inline]] = [
        [plain(step.format(obj=shape.obj))] for step in rng.sample(STEPS, 3)
    ]
    blocks: list[Block] = [
        (
            "p",
            [
                plain("Reported by "),
                marked(f"{reporters} customers", "strong"),
                plain(f": {shape.phrase}."),
            ],
        ),
        ("p", [marked("Steps to reproduce", "strong")]),
        ("ul", steps),
    ]
    if rng.random() < 0.4:
        blocks.append(("code", pick(rng, ERRORS)))
    blocks.append(
        ("p", [marked("Expected:", "em"), plain(f" the {shape.obj} works as documented.")])
    )
    return blocks


def _story_blocks(rng: random.Random, shape: IssueShape) -> list[Block]:
    criteria: list[list[Inline]] = [[plain(c)] for c in rng.sample(CRITERIA, rng.randint(2, 4))]
    intro = [
        plain("As a "),
        marked(pick(rng, PERSONAS), "em"),
        plain(f", I need us to {shape.phrase} so that {pick(rng, BENEFITS)}."),
    ]
    return [("p", intro), ("p", [marked("Acceptance criteria", "strong")]), ("ul", criteria)]
