"""The product team's tool stack, its connections and their sync streams."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from prodops_tui.models.enums import ConnectionKind, ToolStatus
from prodops_tui.services.generator_base import GROWTHBOOK, JIRA, MIXPANEL, ZENDESK, Spec
from prodops_tui.services.generator_text import PMS, PROJECTS, SITE

_ACTIVE, _EVAL, _RETIRING, _RETIRED = (
    ToolStatus.ACTIVE,
    ToolStatus.EVALUATING,
    ToolStatus.RETIRING,
    ToolStatus.RETIRED,
)
TOOLS: tuple[tuple[Any, ...], ...] = (
    # name, category, seats bought, seats used, monthly cost, renewal in days, connection,
    # status, notes
    ("Jira", "Delivery", 120, 112, 1_050.0, 150, JIRA, _ACTIVE, "Backlog of record."),
    ("Zendesk", "Support", 60, 58, 3_450.0, 21, ZENDESK, _ACTIVE, "Tickets and CSAT."),
    ("GrowthBook", "Experimentation", 25, 18, 400.0, 75, GROWTHBOOK, _ACTIVE, "Flags, results."),
    ("Mixpanel", "Analytics", 40, 44, 1_250.0, 9, MIXPANEL, _ACTIVE, "Events and NPS survey."),
    ("Figma", "Design", 30, 33, 1_350.0, 45, None, _ACTIVE, "Two seats shared by contractors."),
    ("Miro", "Collaboration", 50, 31, 500.0, 200, None, _ACTIVE, ""),
    ("Notion", "Docs", 80, 76, 800.0, 27, None, _ACTIVE, "Specs and meeting notes."),
    ("Productboard", "Roadmapping", 15, 9, 900.0, -12, None, _ACTIVE, "Renewal lapsed; decide."),
    ("Amplitude", "Analytics", 20, 6, 1_000.0, 63, None, _RETIRING, "Moving to Mixpanel."),
    ("Hotjar", "Research", 10, 7, 213.0, 300, None, _ACTIVE, ""),
    ("Loom", "Collaboration", 60, 41, 750.0, 88, None, _ACTIVE, ""),
    ("Slack", "Communication", 150, 147, 1_312.5, 120, None, _ACTIVE, ""),
    ("Confluence", "Docs", 120, 64, 690.0, 180, None, _ACTIVE, "Most spaces moved to Notion."),
    ("Dovetail", "Research", 8, 8, 290.0, 35, None, _ACTIVE, "Interview repository."),
    ("LaunchDarkly", "Experimentation", 10, 3, 830.0, 15, None, _RETIRING, "Flags moving."),
    ("Pendo", "Analytics", 5, 5, 700.0, 40, None, _EVAL, "In-app guides trial."),
    ("Jira Product Discovery", "Roadmapping", 15, 12, 150.0, 95, None, _EVAL, ""),
    ("Linear", "Delivery", 0, 0, 0.0, None, None, _RETIRED, "Retired after consolidation."),
    ("Maze", "Research", 5, 6, 99.0, 250, None, _ACTIVE, "Unmoderated usability tests."),
    ("Typeform", "Research", 3, 2, 83.0, 330, None, _ACTIVE, ""),
    ("Airtable", "Data", 25, 11, 500.0, 58, None, _ACTIVE, "Launch tracker."),
    ("Looker", "BI", 20, 17, 1_500.0, 140, None, _ACTIVE, "Leadership dashboards."),
    ("Segment", "Data", 5, 4, 1_200.0, 210, None, _ACTIVE, ""),
    ("Intercom", "Support", 12, 12, 950.0, 100, None, _ACTIVE, "In-app chat."),
    ("Calendly", "Scheduling", 10, 9, 120.0, 270, None, _ACTIVE, ""),
    ("Lucidchart", "Design", 15, 4, 135.0, 29, None, _ACTIVE, "Low use; consider Miro."),
    ("Sentry", "Engineering", 40, 38, 520.0, 160, None, _ACTIVE, ""),
)

_PRODUCTS = {
    ConnectionKind.JIRA: "Jira",
    ConnectionKind.ZENDESK: "Zendesk",
    ConnectionKind.GROWTHBOOK: "GrowthBook",
    ConnectionKind.MIXPANEL: "Mixpanel",
}
STREAMS: tuple[tuple[str, str, int, int], ...] = (
    # connection, stream, minutes since last success, items changed
    (JIRA, "issues", 6, 37),
    (ZENDESK, "tickets", 4, 112),
    (ZENDESK, "ratings", 15, 21),
    (ZENDESK, "orgs", 120, 3),
    (GROWTHBOOK, "experiments", 30, 2),
    (MIXPANEL, "usage", 60, 48),
    (MIXPANEL, "nps", 3 * 24 * 60 + 40, 0),
)
"""Named as the connectors' streams; the Mixpanel NPS stream is deliberately stale (days old,
with a rate-limit error)."""


def tools(spec: Spec) -> Iterator[dict[str, Any]]:
    for index, (name, category, bought, used, cost, renew, conn, status, notes) in enumerate(TOOLS):
        yield {
            "id": f"tool:{'-'.join(name.lower().split())}",
            "name": name,
            "category": category,
            "owner": PMS[(index + spec.seed) % len(PMS)],
            "seats_bought": bought,
            "seats_used": used,
            "monthly_cost": cost,
            "renewal_date": None if renew is None else spec.day(renew),
            "connection_id": conn,
            "status": str(status),
            "notes": notes,
        }


def connections(spec: Spec) -> Iterator[dict[str, Any]]:
    projects = [key for key, _ in PROJECTS]
    options: dict[str, dict[str, Any]] = {
        JIRA: {
            "projects": projects,
            "jql": f"project in ({', '.join(projects)}) ORDER BY updated DESC",
        },
        ZENDESK: {"subdomain": SITE},
        GROWTHBOOK: {"project_id": f"prj_{SITE}"},
        MIXPANEL: {"project_id": 2_480_000 + spec.seed % 1_000, "nps_event": "NPS Survey Response"},
    }
    auth = {JIRA: "api_token", ZENDESK: "oauth", GROWTHBOOK: "bearer", MIXPANEL: "service_account"}
    for kind in ConnectionKind:
        conn_id = f"{kind}:{SITE}"
        yield {
            "id": conn_id,
            "kind": str(kind),
            "name": f"{SITE.title()} {_PRODUCTS[kind]}",
            "base_url": "http://127.0.0.1",
            "account": f"ops@{SITE}.example",
            "auth_method": auth[conn_id],
            "options": options[conn_id],
        }


def sync_states(spec: Spec) -> Iterator[dict[str, Any]]:
    for conn_id, stream, minutes, changed in STREAMS:
        success = spec.now - timedelta(minutes=minutes)
        stale = minutes > 24 * 60
        yield {
            "connection_id": conn_id,
            "stream": stream,
            "cursor": success.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "last_success_at": success,
            "last_error": "HTTP 429 Too Many Requests (retry after 3600 s)" if stale else "",
            "last_error_at": spec.now - timedelta(minutes=50) if stale else None,
            "items_changed": changed,
            "rate_remaining": 0 if stale else 400 - changed % 400,
            "rate_reset_at": spec.now + timedelta(minutes=10) if stale else None,
        }
