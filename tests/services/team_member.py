"""One team member as a separate process, for the concurrency tests: makes decisions or drains
the outbox on a shared workspace, then prints JSON on stdout.

    python team_member.py decide URL ACTOR COUNT ISSUES
    python team_member.py lease URL OWNER
"""

import json
import sys
import time

from prodops_tui.models.enums import JIRA_PRIORITIES
from prodops_tui.services.triage import set_priority
from prodops_tui.store.store import Store


def decide(store: Store, actor: str, count: int, issues: int) -> dict[str, object]:
    """`count` priority decisions round-robin over the issues, values cycling per member."""
    offset = sum(map(ord, actor))
    made = []
    for n in range(count):
        issue_id = f"jira:acme:{(n + offset) % issues + 1}"
        name = JIRA_PRIORITIES[(n + offset) % len(JIRA_PRIORITIES)]
        made.append(set_priority(store, issue_id, name, actor))
    return {"outbox": [edit for edit in made if edit]}


def lease(store: Store, owner: str) -> dict[str, object]:
    """Lease and finish outbox rows until none is due for three seconds."""
    leased: list[str] = []
    idle_since = time.monotonic()
    while time.monotonic() - idle_since < 3.0:  # a loaded box: others may hold the rest
        rows = store.lease_outbox(owner, limit=20, lease_seconds=300)
        if rows:
            idle_since = time.monotonic()
        for row in rows:
            leased.append(str(row["id"]))
            store.finish_outbox(str(row["id"]), "done", remote_id="r")
    return {"leased": leased}


def main(argv: list[str]) -> None:
    mode, url, who = argv[:3]
    store = Store.open(url, create=False)
    store.actor = who
    try:
        if mode == "decide":
            result = decide(store, who, int(argv[3]), int(argv[4]))
        else:
            result = lease(store, who)
    finally:
        store.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
