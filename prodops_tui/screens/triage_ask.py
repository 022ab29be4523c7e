"""What a triage key asks before it decides: parsing typed values and searching the pickers.
Plain functions (the dialogs call them); the searches run in worker threads."""

import re
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prodops_tui.services.similarity import IssueIndex

PICKS = 20
_RELATIVE = re.compile(r"^\+?(\d{1,3})\s*([dw])$")


def parse_day(text: str, today: date) -> date | str:
    """`2025-07-01`, `+3d` or `2w` as a day after today; else the one-line problem."""
    typed = text.strip().lower()
    relative = _RELATIVE.match(typed)
    if relative:
        count, unit = int(relative.group(1)), relative.group(2)
        day = today + timedelta(days=count * (7 if unit == "w" else 1))
    else:
        try:
            day = date.fromisoformat(typed)
        except ValueError:
            return "a date is YYYY-MM-DD, +3d or +2w"
    return day if day > today else "pick a day after today"


def parse_labels(text: str) -> dict[str, list[str]] | str:
    """`+beta -old new` -> add beta and new, remove old; else the one-line problem."""
    add: list[str] = []
    remove: list[str] = []
    for word in text.replace(",", " ").split():
        label = word.lstrip("+-")
        if not label:
            continue
        (remove if word.startswith("-") else add).append(label)
    if not add and not remove:
        return "type labels: +add -remove"
    return {"add": add, "remove": remove}


def non_empty(what: str) -> Any:
    def check(text: str) -> str | None:
        return None if text.strip() else f"{what} is required"

    return check


def duplicate_choices(
    index: "IssueIndex", summary: str, typed: str, exclude: set[str]
) -> list[tuple[str, str]]:
    """Issues like `summary` narrowed by what was typed; typos still find one (rapidfuzz)."""
    found = index.rank(summary, PICKS + len(exclude), typed)
    picks = [(s.id, f"{s.key}  {s.title}") for s in found if s.id not in exclude]
    if typed.strip() and not picks:
        from rapidfuzz import fuzz, process

        near = process.extract(typed, index.titles, scorer=fuzz.WRatio, limit=PICKS)
        seen = {key for key, _ in picks}
        for _, _, doc in near:
            issue_id = index.ids[doc]
            if issue_id not in exclude and issue_id not in seen:
                picks.append((issue_id, f"{index.keys[doc]}  {index.titles[doc]}"))
    return picks[:PICKS]


def people_choices(people: dict[str, str], typed: str) -> list[tuple[str, str]]:
    """People (account id -> name), best match first; untyped, the first choice unassigns.
    A choice's id is `account<TAB>name`."""
    if typed.strip():
        from rapidfuzz import fuzz, process

        ranked = process.extract(typed, people, scorer=fuzz.WRatio, limit=PICKS)
        return [(f"{account}\t{name}", name) for name, _, account in ranked]
    unassign = [("\t", "Unassigned")]
    return unassign + [(f"{a}\t{n}", n) for a, n in list(people.items())[:PICKS]]
