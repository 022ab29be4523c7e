"""The fake Zendesk's records: the generated tickets, users, orgs and ratings as API JSON."""

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from prodops_tui.services.generator import Company

Record = dict[str, Any]
ADMIN_ID = 1
ADMIN_EMAIL = "ops@acme.example"
AGENT_ID = 2
_STATUSES = ("open", "pending", "solved", "closed", "new", "open", "solved")


def stamp(ts: float) -> str:
    """Zendesk's timestamp format: whole seconds, UTC, `Z`."""
    return datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def epoch(value: str) -> int:
    """Unix seconds of a Zendesk timestamp (also accepts `+00:00` offsets)."""
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())


def _number(item_id: str | None) -> int | None:
    return int(item_id.rsplit(":", 1)[1]) if item_id else None


class ZendeskData:
    """Every record the fake serves, keyed by numeric id, plus a clock to date changes."""

    def __init__(self, base_url: str, clock: Callable[[], float]) -> None:
        self.base_url = base_url
        self.clock = clock
        self.tickets: dict[int, Record] = {}
        self.users: dict[int, Record] = {}
        self.orgs: dict[int, Record] = {}
        self.ratings: dict[int, Record] = {}
        self.comments: dict[int, list[Record]] = {}
        self._user_by_email: dict[str, int] = {}
        self._next_audit = 1
        self.version = 0
        """Bumped on every change, so sorted views are rebuilt only when something changed."""
        self._views: dict[str, tuple[int, list[tuple[int, int]], list[Record]]] = {}

    def ordered(self, kind: str) -> tuple[list[tuple[int, int]], list[Record]]:
        """(keys, records) of "tickets", "users", "orgs" or "ratings" by (updated, id)."""
        cached = self._views.get(kind)
        if cached is not None and cached[0] == self.version:
            return cached[1], cached[2]
        records: dict[int, Record] = getattr(self, kind)
        if kind == "tickets":
            pairs = sorted(((r["generated_timestamp"], r["id"]), r) for r in records.values())
        else:
            pairs = sorted(((epoch(r["updated_at"]), r["id"]), r) for r in records.values())
        keys, rows = [key for key, _ in pairs], [row for _, row in pairs]
        self._views[kind] = (self.version, keys, rows)
        return keys, rows

    def now(self) -> int:
        return int(self.clock())

    def add_user(self, name: str, email: str, org: int | None, role: str, ts: int) -> int:
        self.version += 1
        known = self._user_by_email.get(email)
        if known is not None:
            return known
        user_id = len(self.users) + 1
        self._user_by_email[email] = user_id
        self.users[user_id] = {
            "id": user_id,
            "name": name,
            "email": email,
            "role": role,
            "active": True,
            "organization_id": org,
            "created_at": stamp(ts),
            "updated_at": stamp(ts),
            "url": f"{self.base_url}/api/v2/users/{user_id}.json",
        }
        return user_id

    def add_org(self, row: Record, ts: int) -> None:
        self.version += 1
        org_id = _number(row["id"])
        assert org_id is not None
        self.orgs[org_id] = {
            "id": org_id,
            "name": row["name"],
            "domain_names": [],
            "tags": [row["tier"]],
            "organization_fields": {"tier": row["tier"], "arr": row["arr"]},
            "created_at": stamp(ts),
            "updated_at": stamp(ts),
            "url": f"{self.base_url}/api/v2/organizations/{org_id}.json",
        }

    def add_ticket(self, row: Record, requester: int) -> None:
        self.version += 1
        ticket_id = int(row["external_id"])
        created, updated = int(row["created"].timestamp()), int(row["updated"].timestamp())
        self.tickets[ticket_id] = {
            "id": ticket_id,
            "url": f"{self.base_url}/api/v2/tickets/{ticket_id}.json",
            "subject": row["subject"],
            "raw_subject": row["subject"],
            "description": row["body"],
            "status": _STATUSES[ticket_id % len(_STATUSES)],
            "priority": "normal",
            "type": "question",
            "requester_id": requester,
            "submitter_id": requester,
            "assignee_id": AGENT_ID,
            "tags": list(row["tags"]),
            "custom_fields": [],
            "via": {"channel": row["channel"]},
            "created_at": stamp(created),
            "updated_at": stamp(updated),
            "generated_timestamp": updated,
        }
        if row["org_id"]:
            self.tickets[ticket_id]["organization_id"] = _number(row["org_id"])
        self.comments[ticket_id] = [self._comment(ticket_id, requester, row["body"], created)]

    def add_rating(self, row: Record, requester: int) -> None:
        self.version += 1
        rating_id = int(row["external_id"])
        score = row["score"] or 3
        verdict = "good" if score >= 4 else "bad" if score <= 2 else "offered"
        ticket_id = 1 + (rating_id * 7919) % max(1, len(self.tickets))
        self.ratings[rating_id] = {
            "id": rating_id,
            "url": f"{self.base_url}/api/v2/satisfaction_ratings/{rating_id}.json",
            "score": verdict,
            "comment": row["body"] if verdict != "offered" else "",
            "ticket_id": ticket_id,
            "requester_id": requester,
            "assignee_id": AGENT_ID,
            "group_id": 1,
            "created_at": stamp(row["created"].timestamp()),
            "updated_at": stamp(row["updated"].timestamp()),
        }

    def _comment(self, ticket_id: int, author: int, body: str, ts: int) -> Record:
        comment_id = ticket_id * 100 + len(self.comments.get(ticket_id, []))
        return {
            "id": comment_id,
            "type": "Comment",
            "author_id": author,
            "body": body,
            "plain_body": body,
            "html_body": "<p>" + body.replace("&", "&amp;").replace("<", "&lt;") + "</p>",
            "public": True,
            "created_at": stamp(ts),
        }

    def add_comment(self, ticket_id: int, author: int, body: str) -> None:
        comment = self._comment(ticket_id, author, body, self.now())
        self.comments.setdefault(ticket_id, []).append(comment)

    def touch(self, ticket_id: int, **fields: Any) -> Record:
        """Change a ticket as if someone edited it in Zendesk; `updated_at` always moves on."""
        ticket = self.tickets[ticket_id]
        ticket.update(fields)
        self.version += 1
        previous = epoch(ticket["updated_at"])
        moment = max(self.now(), previous + 1)
        ticket["updated_at"] = stamp(moment)
        ticket["generated_timestamp"] = moment
        return ticket

    def delete_ticket(self, ticket_id: int) -> None:
        self.touch(ticket_id, status="deleted")

    def audit(self, ticket_id: int, events: list[Record]) -> Record:
        self._next_audit += 1
        return {
            "id": self._next_audit,
            "ticket_id": ticket_id,
            "author_id": ADMIN_ID,
            "created_at": self.tickets[ticket_id]["updated_at"],
            "events": [dict(event, id=self._next_audit * 10 + i) for i, event in enumerate(events)],
        }


def _load_people(data: ZendeskData, company: Company, first_ts: int) -> Iterator[Record]:
    """Zendesk feedback rows, each requester registered as a user on the way."""
    for row in company.feedback():
        if row["kind"] not in ("ticket", "csat"):
            continue
        org = _number(row["org_id"])
        ts = int(row["created"].timestamp())
        row["_requester"] = data.add_user(
            row["requester"], row["requester_email"], org, "end-user", min(ts, first_ts)
        )
        yield row


def build(
    company: Company, base_url: str, clock: Callable[[], float] | None = None, *, agents: int = 0
) -> ZendeskData:
    """The fake's records for `company`; the clock defaults to wall time, never before its data."""
    floor = company.spec.now_ts + 61
    data = ZendeskData(base_url, clock or (lambda: max(time.time(), floor)))
    start = company.spec.feedback_start_ts - 86_400
    data.add_user("Ops Admin", ADMIN_EMAIL, None, "admin", start)
    data.add_user("Sam Agent", "sam.agent@acme.example", None, "agent", start)
    for index, org in enumerate(company.orgs()):
        data.add_org(org, start + index * 60)
    ratings: list[Record] = []
    for row in _load_people(data, company, start):
        if row["kind"] == "ticket":
            data.add_ticket(row, row["_requester"])
        else:
            ratings.append(row)
    for row in ratings:
        data.add_rating(row, row["_requester"])
    for n in range(1, agents + 1):  # after the requesters: their user ids stay as they were
        data.add_user(f"Support Agent {n}", f"agent{n}@acme.example", None, "agent", start)
    return data
