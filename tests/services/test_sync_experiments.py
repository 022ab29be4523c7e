"""A GrowthBook sync leaves local plans alone and re-checks the conflicts afterwards."""

import json
from datetime import UTC, date, datetime
from typing import Any

import httpx
from sqlalchemy import select
from sqlmodel import SQLModel

from prodops_tui.connectors.auth import bearer
from prodops_tui.connectors.growthbook import GrowthBookConnector
from prodops_tui.connectors.http import HttpCore
from prodops_tui.fakes.growthbook import create_app, iso
from prodops_tui.services.experiments import CONFLICTS_KEY, save_plan
from prodops_tui.services.generator import generate
from prodops_tui.services.sync import sync_connection
from prodops_tui.store.store import Store

TODAY = date(2025, 6, 1)


def _connector(company: Any, app: Any = None) -> GrowthBookConnector:
    app = app or create_app(company, token="key")
    http = HttpCore(
        "growthbook", "http://gb.test", bearer("key"), transport=httpx.ASGITransport(app=app)
    )
    gb = GrowthBookConnector(http, connection_id="growthbook:acme", options={})
    gb.today = lambda: TODAY
    return gb


def _local_plan(store: Store, company: Any) -> tuple[Any, dict[str, str]]:
    """A plan made in prodops that meets exp_001 (checkout, namespace 0-0.6)."""
    first = next(iter(company.experiments()))
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
    return save_plan(store, plan, actor="ana"), plan


async def test_sync_keeps_local_plans_and_refreshes_conflicts(store: Store) -> None:
    company = generate("tiny", 7, TODAY)
    store.upsert("connection", list(company.connections()))
    saved, plan = _local_plan(store, company)
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


def _held(store: Store) -> dict[str, str]:
    experiment = SQLModel.metadata.tables["experiment"]
    with store.read() as conn:
        return dict(conn.execute(select(experiment.c.id, experiment.c.source)).all())


async def test_experiments_deleted_or_archived_in_growthbook_leave_the_workspace(
    store: Store,
) -> None:
    company = generate("tiny", 7, TODAY)
    store.upsert("connection", list(company.connections()))
    app = create_app(company, token="key")
    _local_plan(store, company)
    assert (await sync_connection(store, _connector(company, app))).ok
    before = _held(store)
    local = {k for k, source in before.items() if source == "local"}
    assert local and {"growthbook:acme:exp_002", "growthbook:acme:exp_003"} <= before.keys()
    del app.state.experiments["exp_002"]
    archived = app.state.experiments["exp_003"]
    archived["archived"], archived["dateUpdated"] = True, iso(datetime.now(UTC))

    report = await sync_connection(store, _connector(company, app))
    assert report.ok and report.streams[0].deleted == 2
    after = _held(store)
    assert after.keys() == before.keys() - {"growthbook:acme:exp_002", "growthbook:acme:exp_003"}
    assert local <= after.keys()  # plans made in prodops stay
    meta = SQLModel.metadata.tables["workspace_meta"]
    with store.read() as conn:
        text = conn.execute(select(meta.c.value).where(meta.c.key == CONFLICTS_KEY)).scalar()
    assert "exp_002" not in (text or "") and "exp_003" not in (text or "")
    again = await sync_connection(store, _connector(company, app))
    assert again.ok and again.streams[0].deleted == 0 and _held(store).keys() == after.keys()
