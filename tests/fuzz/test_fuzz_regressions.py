"""The bugs the schema fuzzing found, pinned as plain examples (each crashed a pull or a commit
with an exception no caller handled)."""

import httpx
import pytest

from prodops_tui.connectors.adf import adf_to_md
from prodops_tui.connectors.errors import BadResponse
from prodops_tui.connectors.http import HttpCore
from prodops_tui.connectors.jira import JiraConnector
from prodops_tui.connectors.jira_map import parse_time, remote_id
from prodops_tui.services.registry import open_connector
from prodops_tui.store.store import Store
from tests.fuzz.faults import company, fake, row


@pytest.mark.parametrize("text", ["9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00"])
def test_a_timestamp_shifted_out_of_range_is_a_bad_response(text: str) -> None:
    with pytest.raises(BadResponse):
        parse_time(text)  # was OverflowError


def test_adf_nodes_whose_type_is_not_text_degrade_to_text() -> None:
    doc = {"type": "doc", "content": [{"type": ["p"], "text": "a", "marks": [{"type": {}}]}]}
    assert adf_to_md(doc) == "a"  # was TypeError: unhashable type: 'list'


def test_a_field_list_with_odd_names_finds_no_points_field() -> None:
    jira = JiraConnector.__new__(JiraConnector)
    jira.options = {}
    fields = [
        {"id": "customfield_1", "name": ["Story Points"]},
        {"id": "x", "name": "Story Points"},
    ]
    assert jira._points_field(fields) == "x"  # was TypeError: unhashable type: 'list'


async def test_json_bodies_decode_to_text_every_store_holds(sqlite_url: str) -> None:
    body = b'{"summary": "a\\ud800b\\u0000c", "\\udc00": ["\\ud83d\\ude00"], "n": 1}'
    async with HttpCore("jira", "https://acme.atlassian.net", None) as http:
        value = http.decode(httpx.Response(200, content=body), "GET /x")
        for bad in (b"[" * 100_000, b'{"n": NaN}', b"[1e999]"):  # RecursionError; PostgreSQL
            with pytest.raises(BadResponse, match="malformed or truncated JSON"):  # JSON refuses
                http.decode(httpx.Response(200, content=bad), "GET /x")  # NaN and Infinity
    assert value == {"summary": "a\ufffdb\ufffdc", "\ufffd": ["😀"], "n": 1}
    store = Store.open(sqlite_url)  # a lone surrogate made the page's commit raise
    try:  # UnicodeEncodeError, which the sync engine did not catch
        store.upsert("workspace_meta", [{"key": "k", "value": value["summary"]}])
    finally:
        store.close()


async def test_a_saved_cursor_of_unicode_digits_starts_over() -> None:
    world = company()
    app = fake("zendesk", world)
    transport = httpx.ASGITransport(app=app)
    async with open_connector(row("zendesk"), "fake-token", transport=transport) as zendesk:
        pages = [page async for page in zendesk.pull("orgs", "²")]  # was ValueError from int()
    assert pages and all(page.cursor.isascii() for page in pages)
    with pytest.raises(BadResponse, match="id is not numeric"):
        remote_id({"id": "١٢"})  # Arabic-Indic digits pass str.isdigit
