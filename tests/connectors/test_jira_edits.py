"""JiraConnector writes against the fake Jira: conflicts, idempotency, verbs, bulk tasks."""

from typing import Any

import pytest
from starlette.applications import Starlette

from prodops_tui.connectors.base import Edit
from prodops_tui.connectors.errors import Conflict, Rejected, ServiceUnavailable
from tests.connectors.jira_helpers import connector, fake_jira


def issue(app: Starlette, key: str) -> dict[str, Any]:
    found: dict[str, Any] = app.state.data.find(key)
    return found


def edit(app: Starlette, key: str, op: str, payload: dict[str, Any], eid: str = "e-1") -> Edit:
    found = issue(app, key)
    return Edit(eid, f"jira:acme:{found['id']}", op, payload, found["fields"]["updated"])


def writes(app: Starlette, suffix: str = "") -> list[dict[str, Any]]:
    return [w for w in app.state.writes if w["path"].endswith(suffix)]


async def test_priority_edit_sets_priority_and_returns_the_new_version() -> None:
    app = fake_jira()
    wanted = "Lowest" if issue(app, "CHK-1")["fields"]["priority"]["name"] != "Lowest" else "High"
    async with connector(app) as jira:
        applied = await jira.apply(edit(app, "CHK-1", "priority", {"name": wanted}))
    assert issue(app, "CHK-1")["fields"]["priority"]["name"] == wanted
    assert applied.remote_version == issue(app, "CHK-1")["fields"]["updated"]
    assert writes(app)[0]["body"] == {"fields": {"priority": {"name": wanted}}}


async def test_labels_use_update_verbs_and_keep_remote_labels() -> None:
    app = fake_jira()
    pending = edit(app, "CHK-2", "labels", {"add": ["pm-triaged"], "remove": ["nope"]})
    app.state.data.find("CHK-2")["fields"]["labels"].append("theirs")
    async with connector(app) as jira:
        await jira.apply(pending)
    assert writes(app)[0]["body"] == {
        "update": {"labels": [{"add": "pm-triaged"}, {"remove": "nope"}]}
    }
    assert {"theirs", "pm-triaged"} <= set(issue(app, "CHK-2")["fields"]["labels"])


async def test_a_remote_change_since_the_base_is_a_conflict_and_nothing_is_written() -> None:
    app = fake_jira()
    pending = edit(app, "CHK-3", "priority", {"name": "Lowest"})
    app.state.touch("CHK-3", priority="Highest")
    async with connector(app) as jira:
        with pytest.raises(Conflict) as caught:
            await jira.apply(pending)
    assert caught.value.remote_version == issue(app, "CHK-3")["fields"]["updated"]
    assert writes(app) == []
    assert issue(app, "CHK-3")["fields"]["priority"]["name"] == "Highest"


async def test_an_edit_already_in_place_is_done_without_a_write() -> None:
    app = fake_jira()
    current = issue(app, "CHK-4")["fields"]["priority"]["name"]
    async with connector(app) as jira:
        await jira.apply(edit(app, "CHK-4", "priority", {"name": current}))
    assert writes(app) == []


async def test_transition_is_resolved_by_status_name_and_not_repeated() -> None:
    app = fake_jira()
    app.state.touch("MOB-1", status="To Do")
    pending = edit(app, "MOB-1", "transition", {"to_status": "In Progress"})
    app.state.lost.append("/rest/api/3/issue/")
    async with connector(app) as jira:
        with pytest.raises(ServiceUnavailable):
            await jira.apply(pending)
        await jira.apply(pending)
    assert issue(app, "MOB-1")["fields"]["status"]["name"] == "In Progress"
    assert [w["body"] for w in writes(app, "/transitions")] == [{"transition": {"id": "21"}}]


async def test_a_transition_the_workflow_does_not_offer_is_a_conflict() -> None:
    app = fake_jira()
    app.state.touch("MOB-2", status="To Do")
    async with connector(app) as jira:
        with pytest.raises(Conflict):
            await jira.apply(edit(app, "MOB-2", "transition", {"to_status": "Done"}))
    assert writes(app) == []


async def test_a_comment_whose_response_was_lost_is_not_doubled() -> None:
    app = fake_jira()
    pending = edit(app, "BILL-1", "comment", {"markdown": "Customers **love** this"})
    app.state.lost.append("/rest/api/3/issue/")
    async with connector(app) as jira:
        with pytest.raises(ServiceUnavailable):
            await jira.apply(pending)
        applied = await jira.apply(pending)
    assert len(writes(app, "/comment")) == 1
    comment = app.state.data.comments[issue(app, "BILL-1")["id"]][0]
    assert applied.remote_id == comment["id"]
    assert comment["body"]["content"][0]["content"][1] == {
        "type": "text",
        "text": "love",
        "marks": [{"type": "strong"}],
    }


async def test_create_is_not_doubled_after_a_lost_response() -> None:
    app = fake_jira()
    payload = {
        "project": "ONB",
        "type": "Story",
        "summary": "Guided setup",
        "markdown": "- step one\n- step two",
        "labels": ["growth"],
    }
    pending = Edit("e-create", "local:new-1", "create", payload)
    app.state.lost.append("/rest/api/3/issue")
    async with connector(app) as jira:
        with pytest.raises(ServiceUnavailable):
            await jira.apply(pending)
        applied = await jira.apply(pending)
        again = await jira.apply(pending)
    assert applied.remote_id == again.remote_id
    assert len(writes(app, "/rest/api/3/issue")) == 1
    created = app.state.data.find(applied.remote_id.rsplit(":", 1)[1])
    assert created["fields"]["summary"] == "Guided setup"
    assert created["fields"]["description"]["content"][0]["type"] == "bulletList"


async def test_fields_edit_maps_estimate_and_markdown_and_refuses_label_replace() -> None:
    app = fake_jira()
    async with connector(app) as jira:
        fields = {"estimate": 8, "description": "New *scope*", "summary": "Sharper"}
        await jira.apply(edit(app, "API-1", "fields", {"fields": fields}))
        with pytest.raises(Rejected):
            await jira.apply(edit(app, "API-2", "fields", {"fields": {"labels": ["x"]}}))
    got = issue(app, "API-1")["fields"]
    assert got["customfield_10016"] == 8
    assert got["summary"] == "Sharper"
    assert got["description"]["content"][0]["content"][1]["marks"] == [{"type": "em"}]


async def test_bulk_field_edit_runs_as_a_polled_task() -> None:
    app = fake_jira()
    keys = ["CHK-5", "CHK-6", "CHK-7"]
    targets = [f"jira:acme:{issue(app, k)['id']}" for k in keys]
    payload = {"targets": targets, "priority": "Highest", "labels": {"add": ["q3-okr"]}}
    async with connector(app) as jira:
        await jira.apply(Edit("e-bulk", targets[0], "bulk_fields", payload))
    for key in keys:
        assert issue(app, key)["fields"]["priority"]["name"] == "Highest"
        assert "q3-okr" in issue(app, key)["fields"]["labels"]
    assert len(writes(app, "/bulk/issues/fields")) == 2


async def test_bulk_transition_groups_by_transition_and_skips_finished() -> None:
    app = fake_jira()
    for key in ("SRCH-1", "SRCH-2"):
        app.state.touch(key, status="In Review")
    app.state.touch("SRCH-3", status="Done")
    targets = [f"jira:acme:{issue(app, k)['id']}" for k in ("SRCH-1", "SRCH-2", "SRCH-3")]
    async with connector(app) as jira:
        await jira.apply(
            Edit("e-bt", targets[0], "bulk_transition", {"targets": targets, "to_status": "Done"})
        )
    sent = writes(app, "/bulk/issues/transition")[0]["body"]["bulkTransitionInputs"]
    assert sent == [
        {"selectedIssueIdsOrKeys": [t.rsplit(":", 1)[1] for t in targets[:2]], "transitionId": "41"}
    ]
    assert all(issue(app, k)["fields"]["status"]["name"] == "Done" for k in ("SRCH-1", "SRCH-2"))


async def test_unknown_ops_are_rejected() -> None:
    async with connector(fake_jira()) as jira:
        with pytest.raises(Rejected):
            await jira.apply(Edit("e", "jira:acme:10001", "explode", {}))
