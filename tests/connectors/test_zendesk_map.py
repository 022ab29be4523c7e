"""Zendesk JSON -> rows: real shapes map exactly; malformed payloads end only in BadResponse."""

from datetime import UTC, datetime
from typing import Any

import pytest

from prodops_tui.connectors import zendesk_map as zmap
from prodops_tui.connectors.errors import BadResponse
from prodops_tui.connectors.zendesk_map import Person

TICKET: dict[str, Any] = {
    "id": 35436,
    "subject": "Help, my printer is on fire!",
    "description": "The fire is very colorful.",
    "status": "open",
    "requester_id": 20978392,
    "organization_id": 509974,
    "tags": ["enterprise", "other_tag"],
    "via": {"channel": "web"},
    "created_at": "2009-07-20T22:55:29Z",
    "updated_at": "2011-05-05T10:38:52Z",
}
PEOPLE = {20978392: Person("Ada Lovelace", "ada@example.com", 7)}
RATING: dict[str, Any] = {
    "id": 1234,
    "score": "good",
    "comment": "Great support!",
    "ticket_id": 35436,
    "requester_id": 20978392,
    "assignee_id": 1,
    "group_id": 1,
    "created_at": "2011-05-05T10:38:52Z",
    "updated_at": "2011-05-06T10:38:52+00:00",
}


def test_ticket_maps_to_a_feedback_row_without_local_fields() -> None:
    row = zmap.ticket_row(TICKET, sub="acme", connection_id="zendesk:acme", people=PEOPLE)
    assert row == {
        "id": "zendesk:acme:ticket:35436",
        "kind": "ticket",
        "external_id": "35436",
        "connection_id": "zendesk:acme",
        "requester": "Ada Lovelace",
        "requester_email": "ada@example.com",
        "org_id": "zendesk:acme:org:509974",
        "channel": "web",
        "subject": "Help, my printer is on fire!",
        "body": "The fire is very colorful.",
        "tags": ["enterprise", "other_tag"],
        "score": None,
        "created": datetime(2009, 7, 20, 22, 55, 29, tzinfo=UTC),
        "updated": datetime(2011, 5, 5, 10, 38, 52, tzinfo=UTC),
        "updated_stamp": "2011-05-05T10:38:52Z",
    }
    assert not {"state", "snoozed_until", "version", "seq"} & set(row)


def test_unknown_requester_and_missing_org_fall_back() -> None:
    raw = dict(TICKET, organization_id=None, requester_id=5)
    row = zmap.ticket_row(raw, sub="acme", connection_id="c", people={5: Person("B", "b@x", 9)})
    assert row["org_id"] == "zendesk:acme:org:9"
    stranger = zmap.ticket_row(dict(raw, requester_id=6), sub="acme", connection_id="c", people={})
    assert (stranger["requester"], stranger["org_id"]) == ("", None)


def test_rating_and_org_mapping() -> None:
    row = zmap.rating_row(RATING, sub="acme", connection_id="zendesk:acme", people=PEOPLE)
    assert (row["id"], row["kind"], row["score"], row["subject"]) == (
        "zendesk:acme:csat:1234",
        "csat",
        5,
        "CSAT 5/5",
    )
    assert row["org_id"] == "zendesk:acme:org:7"
    assert (
        zmap.rating_row(dict(RATING, score="bad"), sub="a", connection_id="c", people={})["score"]
        == 1
    )
    org = {"id": 3, "name": "Initech", "organization_fields": {"tier": "Growth", "arr": "15,000"}}
    assert zmap.org_row(org, sub="acme") == {
        "id": "zendesk:acme:org:3",
        "name": "Initech",
        "tier": "growth",
        "arr": 15000.0,
    }
    odd = {"id": 4, "name": "X", "organization_fields": {"tier": "platinum", "arr": "lots"}}
    assert zmap.org_row(odd, sub="acme")["tier"] == "free"
    assert zmap.org_row(odd, sub="acme")["arr"] == 0.0


@pytest.mark.parametrize(
    "broken",
    [
        {k: v for k, v in TICKET.items() if k != "requester_id"},
        dict(TICKET, id="35436"),
        dict(TICKET, id=True),
        dict(TICKET, tags="a,b"),
        dict(TICKET, tags=[1, 2]),
        dict(TICKET, updated_at="yesterday"),
        dict(TICKET, updated_at="2011-05-05T10:38:52"),
        dict(TICKET, via="web"),
        [TICKET],
        None,
    ],
)
def test_malformed_tickets_raise_bad_response(broken: Any) -> None:
    with pytest.raises(BadResponse) as caught:
        zmap.ticket_row(broken, sub="acme", connection_id="c", people=PEOPLE)
    assert "\n" not in caught.value.message
