"""The seat reads (Jira `/users/search`, Zendesk `/api/v2/users?role[]=`) and the fakes' answers
match the vendors' full specs (the subsets do not list these paths)."""

from datetime import date

import httpx
import pytest

from prodops_tui.connectors.auth import basic, bearer
from prodops_tui.connectors.http import HttpCore
from prodops_tui.connectors.jira import USERS_PAGE, JiraConnector
from prodops_tui.connectors.zendesk import ZendeskConnector
from prodops_tui.fakes import jira_data
from prodops_tui.fakes.zendesk import create_app as zendesk_app
from prodops_tui.services.generator import generate
from tests.connectors.jira_helpers import fake_jira
from tests.contract.spec_hook import spec_file, spec_hook


async def test_jira_users_search_follows_the_full_spec() -> None:
    hook = spec_hook(
        spec_file("jira-platform-swagger-v3.v3.json"), server="https://acme.atlassian.net"
    )
    transport = httpx.ASGITransport(app=fake_jira())
    auth = basic("ops@acme.example", "fake-token")
    async with HttpCore(
        "jira",
        "https://acme.atlassian.net",
        auth,
        transport=transport,
        event_hooks={"response": [hook]},
    ) as http:
        rows = await JiraConnector(http, connection_id="jira:acme", options={}).seat_holders()
    assert len(rows) == len(jira_data.site_users()) < USERS_PAGE
    assert {row["role"] for row in rows} == {"atlassian", "app"}


async def test_jira_users_are_read_page_by_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("prodops_tui.connectors.jira.USERS_PAGE", 10)
    transport = httpx.ASGITransport(app=fake_jira())
    auth = basic("ops@acme.example", "fake-token")
    async with HttpCore("jira", "https://acme.atlassian.net", auth, transport=transport) as http:
        rows = await JiraConnector(http, connection_id="jira:acme", options={}).seat_holders()
    assert len({row["account_id"] for row in rows}) == len(jira_data.site_users())


async def test_zendesk_agents_follow_the_full_spec_across_pages() -> None:
    base = "https://acme.zendesk.com"
    hook = spec_hook(spec_file("zendesk-support-oas.yaml"), server=base)
    app = zendesk_app(generate("tiny", 7, date(2025, 1, 15)), agents=150)
    transport = httpx.ASGITransport(app=app)
    async with HttpCore(
        "zendesk", base, bearer("fake-token"), transport=transport, event_hooks={"response": [hook]}
    ) as http:
        rows = await ZendeskConnector(http, connection_id="zendesk:acme", options={}).seat_holders()
    assert len(rows) == 152  # two pages of 100
    assert {row["role"] for row in rows} == {"admin", "agent"}
