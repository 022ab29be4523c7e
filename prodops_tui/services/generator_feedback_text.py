"""Subjects, bodies, tags and scores of generated feedback."""

import random
from itertools import accumulate

from prodops_tui.models.enums import FeedbackKind
from prodops_tui.services.generator_base import Spec, pick
from prodops_tui.services.generator_issues import IssueShape, issue_shape
from prodops_tui.services.generator_text import (
    ASK_LINES,
    ASK_SUBJECTS,
    BUG_LINES,
    BUG_SUBJECTS,
    CSAT_BAD,
    CSAT_GOOD,
    GENERIC_LINES,
    GENERIC_OPENERS,
    GENERIC_SUBJECTS,
    GREETINGS,
    IMPORT_LINES,
    NPS_DETRACTOR,
    NPS_PASSIVE,
    NPS_PROMOTER,
    PROJECTS,
    SIGNOFFS,
    TICKET_TAGS,
)

Text = tuple[str, str, list[str], int | None]
"""(subject, body, tags, score)."""

_CSAT_SCORES = (1, 2, 3, 4, 5)
_CSAT_WEIGHTS = tuple(accumulate((5, 7, 13, 30, 45)))
_NPS_SCORES = tuple(range(11))
_NPS_WEIGHTS = tuple(accumulate((3, 2, 2, 3, 3, 5, 7, 14, 16, 20, 25)))
"""Detractors 0-6: 25 %, passives 7-8: 30 %, promoters 9-10: 45 %."""


def link_line(issue: IssueShape, line: int) -> str:
    """The sentence of a ticket that says which issue it is about (also the evidence quote)."""
    lines = BUG_LINES if issue.is_bug else ASK_LINES
    phrase = issue.phrase
    return lines[line % len(lines)].format(p=phrase)


def _subject(rng: random.Random, issue: IssueShape) -> str:
    template = pick(rng, BUG_SUBJECTS if issue.is_bug else ASK_SUBJECTS)
    phrase = issue.phrase
    return template.format(p=phrase, P=phrase[0].upper() + phrase[1:])


def ticket_text(spec: Spec, rng: random.Random, issue_index: int, line: int, name: str) -> Text:
    extra = rng.sample(GENERIC_LINES, rng.randint(1, 3))
    if issue_index >= 0:
        issue = issue_shape(spec, issue_index)
        subject = _subject(rng, issue)
        extra.insert(0, link_line(issue, line))
        tags = [PROJECTS[issue.project][1].lower(), "bug" if issue.is_bug else "feature-request"]
    else:
        topic = int(rng.random() * len(GENERIC_SUBJECTS))
        subject = GENERIC_SUBJECTS[topic]
        extra.insert(0, GENERIC_OPENERS[topic])
        tags = rng.sample(TICKET_TAGS, rng.randint(1, 2))
    first_name = name.split(" ", 1)[0]
    body = f"{pick(rng, GREETINGS)}\n\n{' '.join(extra)}\n\n{pick(rng, SIGNOFFS)}\n{first_name}"
    return subject, body, tags, None


def verbatim(rng: random.Random, kind: str, number: str) -> Text:
    if kind == FeedbackKind.CSAT:
        score = rng.choices(_CSAT_SCORES, cum_weights=_CSAT_WEIGHTS)[0]
        mood = "positive" if score >= 4 else "neutral" if score == 3 else "negative"
        comment = pick(rng, CSAT_GOOD if score >= 4 else CSAT_BAD)
        return f"CSAT {score}/5", comment, ["csat", mood], score
    if kind == FeedbackKind.NPS:
        score = rng.choices(_NPS_SCORES, cum_weights=_NPS_WEIGHTS)[0]
        group = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
        pool = {"promoter": NPS_PROMOTER, "passive": NPS_PASSIVE, "detractor": NPS_DETRACTOR}
        return f"NPS {score}", pick(rng, pool[group]), ["nps", group], score
    note = pick(rng, IMPORT_LINES)
    source = note.split(":", 1)[0]
    return f"{source} #{number}", note, ["import", source.lower().replace(" ", "-")], None
