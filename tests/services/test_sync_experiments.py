"""A GrowthBook sync leaves local plans alone and re-checks the conflicts afterwards."""

import json
from datetime import date
from typing import Any

import httpx
from sqlalchemy import select
from sqlmodel import SQLModel

from prodops_tui.connectors.auth import bearer
from prodops_tui.connectors.growthbook import GrowthBookConnector
from prodops_tui.connectors.http import HttpCore
from prodops_tui.fakes.growthbook import create_app
from prodops_tui.services.experiments import CONFLICTS_KEY, save_plan
from prodops_tui.services.generator import generate
from prodops_tui.services.sync import sync_connection
from prodops_tui.store.store import Store

TODAY = date(2025, 6, 1)


def _connector(company: Any) -> GrowthBookConnector:
    app = create_app(company, token="key")
    http = HttpCore(
        "growthbook", "http://gb.test", bearer("key"), transport=httpx.ASGITransport(app=app)
    )
    gb = GrowthBookConnector(http, connection_id="growthbook:acme", options={})
    gb.today = lambda: TODAY
    return gb


async def test_sync_keeps_local_plans_and_refreshes_conflicts(store: Store) -> None:
    company = generate("tiny", 7, TODAY)
    store.upsert("connection", list(company.connections()))
    first = next(iter(company.experiments()))  # exp_001: checkout, namespace 0-0.6
    plan = {
        "name": "Checkout: local idea",
        "design": "ab",
        "surface": first["surface"],
        "start": first["start"].isoformat(),
        "end": first["end"].isoformat(),
        "variations": "Control 50, Treatment 50",
        "namespace_start": "0.5",
        "namespace_end": "1",
    }
    saved = save_plan(store, plan, actor="ana")
    assert saved.conflicts == []  # nothing synced yet

    report = await sync_connection(store, _connector(company))
    assert report.ok and report.changed > 0

    experiment = SQLModel.metadata.tables["experiment"]
    meta = SQLModel.metadata.tables["workspace_meta"]
    with store.read() as conn:
        mine = conn.execute(select(experiment).where(experiment.c.id == saved.id)).one()
        text = conn.execute(select(meta.c.value).where(meta.c.key == CONFLICTS_KEY)).scalar()
    assert (mine.source, mine.name, mine.namespace_start) == ("local", plan["name"], 0.5)
    pairs = {(c["first"], c["second"]) for c in json.loads(text or "[]")}
    assert ("growthbook:acme:exp_001", saved.id) in pairs
    assert ("growthbook:acme:exp_001", "growthbook:acme:exp_002") in pairs
