"""The fake Jira's state: the generated backlog as Jira issue JSON, users, workflow and clock."""

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from prodops_tui.services.generator import Company
from prodops_tui.services.generator_text import PMS, PROJECTS, TEAM

POINTS_FIELD = "customfield_10016"
STATUSES: dict[str, tuple[str, str]] = {
    "To Do": ("10000", "new"),
    "In Progress": ("3", "indeterminate"),
    "In Review": ("10001", "indeterminate"),
    "Done": ("10002", "done"),
    "Declined": ("10003", "done"),
    "Duplicate": ("10004", "done"),
    "Selected for Development": ("10005", "new"),
}
TRANSITION_IDS = {name: str(11 + 10 * n) for n, name in enumerate(STATUSES)}
"""One global transition per target status: "To Do" 11, "In Progress" 21, ... "Duplicate" 61."""
WORKFLOW: dict[str, tuple[str, ...]] = {
    "To Do": ("In Progress", "Declined", "Duplicate", "Selected for Development"),
    "Selected for Development": ("In Progress", "To Do", "Declined", "Duplicate"),
    "In Progress": ("In Review", "To Do", "Declined", "Duplicate"),
    "In Review": ("Done", "In Progress", "Declined"),
    "Done": ("To Do",),
    "Declined": ("To Do",),
    "Duplicate": ("To Do",),
}
PRIORITIES = ("Highest", "High", "Medium", "Low", "Lowest")
_CATEGORY_NAMES = {"new": "To Do", "indeterminate": "In Progress", "done": "Done"}
_CATEGORY_IDS = {"new": 2, "indeterminate": 4, "done": 3}
ME = {"accountId": "acc-ops", "displayName": "Acme Ops Bot", "emailAddress": "ops@acme.example"}


def jira_time(moment: datetime) -> str:
    """`2025-06-01T13:05:22.123+0000`: Jira's timestamp format."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}+0000"


def parse_jira_time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z")


def account_id(name: str) -> str:
    return "acc-" + name.lower().replace(" ", "-")


def user(name: str) -> dict[str, Any]:
    return {"accountId": account_id(name), "displayName": name, "active": True}


def status_json(name: str) -> dict[str, Any]:
    status_id, category = STATUSES.get(name, ("1", "new"))
    return {
        "id": status_id,
        "name": name,
        "statusCategory": {
            "id": _CATEGORY_IDS[category],
            "key": category,
            "name": _CATEGORY_NAMES[category],
        },
    }


def priority_json(name: str) -> dict[str, Any]:
    return {"id": str(PRIORITIES.index(name) + 1), "name": name}


def project_json(key: str) -> dict[str, Any]:
    index = next(n for n, (k, _) in enumerate(PROJECTS) if k == key)
    return {"id": str(10_000 + index), "key": key, "name": PROJECTS[index][1]}


def issue_from_row(row: dict[str, Any]) -> dict[str, Any]:
    """A generator issue row as the Jira issue JSON the API serves."""
    remote_id = row["id"].rsplit(":", 1)[1]
    assignee = user(row["assignee"]) if row["assignee"] else None
    return {
        "id": remote_id,
        "key": row["key"],
        "fields": {
            "summary": row["summary"],
            "status": status_json(row["status"]),
            "priority": priority_json(row["priority"]),
            "labels": list(row["labels"]),
            "assignee": assignee,
            "reporter": dict(ME),
            "issuetype": {"id": str(10_000 + len(row["type"])), "name": row["type"]},
            "project": project_json(row["project"]),
            "created": jira_time(row["created"]),
            "updated": jira_time(row["updated"]),
            "description": row["description_adf"],
            POINTS_FIELD: row["estimate"],
        },
    }


@dataclass
class JiraData:
    """Issues by id, their comments and properties, bulk tasks, and a clock that only moves on."""

    issues: dict[str, dict[str, Any]]
    clock: Callable[[], float] = time.time
    keys: dict[str, str] = field(default_factory=dict)
    comments: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    properties: dict[str, dict[str, Any]] = field(default_factory=dict)
    tasks: dict[str, dict[str, Any]] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    deleted_comments: int = 0
    """Comments deleted so far: new comment ids stay unique."""
    generation: int = 0
    """Bumped on every change, so cached search results know they are stale."""
    _last: float = 0.0
    _next_id: int = 0

    def __post_init__(self) -> None:
        self.keys = {issue["key"]: issue_id for issue_id, issue in self.issues.items()}
        self._next_id = max((int(i) for i in self.issues), default=10_000) + 1

    def find(self, id_or_key: str) -> dict[str, Any] | None:
        issue_id = self.keys.get(id_or_key, id_or_key)
        return None if issue_id in self.deleted else self.issues.get(issue_id)

    def live(self) -> Iterable[dict[str, Any]]:
        return (issue for i, issue in self.issues.items() if i not in self.deleted)

    def stamp(self) -> str:
        """A fresh `updated` value, strictly later than any handed out before."""
        now = max(self.clock(), self._last + 0.001)
        self._last = now
        self.generation += 1
        return jira_time(datetime.fromtimestamp(now, UTC))

    def touch(self, issue: dict[str, Any]) -> str:
        issue["fields"]["updated"] = self.stamp()
        return str(issue["fields"]["updated"])

    def add(self, project: str, fields: dict[str, Any]) -> dict[str, Any]:
        issue_id = str(self._next_id)
        self._next_id += 1
        number = 1 + sum(1 for key in self.keys if key.startswith(f"{project}-"))
        stamp = self.stamp()
        key = f"{project}-{number}"
        body = {**fields, "created": stamp, "updated": stamp, "reporter": dict(ME)}
        issue: dict[str, Any] = {"id": issue_id, "key": key, "fields": body}
        self.issues[issue_id] = issue
        self.keys[key] = issue_id
        return issue

    def delete(self, id_or_key: str) -> None:
        issue = self.find(id_or_key)
        if issue is not None:
            self.deleted.add(issue["id"])
            self.generation += 1


def build(company: Company, clock: Callable[[], float] = time.time) -> JiraData:
    issues = {}
    for row in company.issues():
        issue = issue_from_row(row)
        issues[issue["id"]] = issue
    return JiraData(issues=issues, clock=clock)


def team() -> list[dict[str, Any]]:
    return [user(name) for name in TEAM]


def site_users() -> list[dict[str, Any]]:
    """Every account `/users/search` lists: the team, the PMs and the bot (licensed), an app
    account and a deactivated user (neither takes a licence)."""
    licensed = [{**user(name), "accountType": "atlassian"} for name in (*TEAM, *PMS)]
    bot = {**ME, "accountType": "atlassian", "active": True}
    app = {**user("Automation for Jira"), "accountId": "acc-app-automation", "accountType": "app"}
    gone = {**user("Former Colleague"), "accountType": "atlassian", "active": False}
    return [bot, *licensed, app, gone]
