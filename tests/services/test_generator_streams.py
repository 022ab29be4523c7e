"""The generated sync states name the streams the connectors really sync."""

from datetime import date

from prodops_tui.connectors.growthbook import GrowthBookConnector
from prodops_tui.connectors.jira import JiraConnector
from prodops_tui.connectors.mixpanel import MixpanelConnector
from prodops_tui.connectors.zendesk import ZendeskConnector
from prodops_tui.services.generator import generate

STREAMS = {
    "jira": JiraConnector.streams,
    "zendesk": ZendeskConnector.streams,
    "growthbook": GrowthBookConnector.streams,
    "mixpanel": MixpanelConnector.streams,
}


def test_every_generated_sync_state_is_a_stream_of_its_connector() -> None:
    company = generate("tiny", 7, date(2026, 11, 27))
    kinds = {c["id"]: c["kind"] for c in company.connections()}
    states = list(company.sync_states())
    for state in states:
        assert state["stream"] in STREAMS[kinds[state["connection_id"]]], state
    mixpanel = {s["stream"] for s in states if kinds[s["connection_id"]] == "mixpanel"}
    assert mixpanel == {"usage", "nps"}
