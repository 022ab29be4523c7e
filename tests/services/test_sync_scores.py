"""Scores after a sync: rescored once at the end of a run, and after a run that died between
committing pages and rescoring them, at the start of the next one."""

import gc

import pytest

from prodops_tui.connectors.base import Page
from prodops_tui.services.scoring import set_scoring_model
from prodops_tui.services.sync import sync_connection
from prodops_tui.services.sync_pages import YOUNG_THRESHOLD, fewer_collections
from prodops_tui.store.store import Store
from tests.services.test_sync_engine import (
    CONN,
    ScriptedConnector,
    _scalar,
    _store_with_connection,
    issue,
)

MARK = f"scoring.pending:{CONN}"


def _score(store: Store, number: int) -> float | None:
    value = _scalar(store, "SELECT score FROM issue WHERE id = :i", i=f"{CONN}:{number}")
    return None if value is None else float(value)


def _marks(store: Store) -> int:
    return int(_scalar(store, "SELECT count(*) FROM workspace_meta WHERE key = :k", k=MARK))


def _killed(stream: str, received: int) -> None:
    raise RuntimeError("killed")  # after the page's commit, before anything else


async def test_a_sync_scores_every_issue_it_wrote_once_the_pages_are_in(db_url: str) -> None:
    store = _store_with_connection(db_url)
    set_scoring_model(store, "ICE")  # ICE needs only the estimate (effort)
    pages: list[Page | Exception] = [
        Page("issue", [issue(1, estimate=2.0), issue(2, estimate=8.0)], cursor="c1"),
        Page("issue", [issue(3)], cursor="c2"),  # no estimate: no score
    ]
    report = await sync_connection(store, ScriptedConnector({"issues": pages}))
    assert report.ok
    assert _score(store, 1) is not None and _score(store, 2) is not None
    assert _score(store, 1) > _score(store, 2)  # type: ignore[operator]  (less effort)
    assert _score(store, 3) is None
    assert _marks(store) == 0
    again = [Page("issue", [issue(2, minutes=5, estimate=1.0)], cursor="c3")]
    await sync_connection(store, ScriptedConnector({"issues": again}))
    assert _score(store, 2) > _score(store, 1)  # type: ignore[operator]  (re-estimated)
    store.close()


async def test_a_run_killed_after_a_commit_leaves_a_mark_the_next_sync_rescores(
    db_url: str,
) -> None:
    store = _store_with_connection(db_url)
    set_scoring_model(store, "ICE")
    page: list[Page | Exception] = [Page("issue", [issue(1, estimate=2.0)], cursor="c1")]
    with pytest.raises(RuntimeError):
        await sync_connection(store, ScriptedConnector({"issues": page}), progress=_killed)
    assert _scalar(store, "SELECT count(*) FROM issue") == 1
    assert _score(store, 1) is None
    assert _marks(store) == 1
    report = await sync_connection(store, ScriptedConnector({"issues": []}))
    assert report.ok and _score(store, 1) is not None
    assert _marks(store) == 0
    store.close()


def test_fewer_collections_nests_and_restores_the_thresholds() -> None:
    before = gc.get_threshold()
    with fewer_collections():
        with fewer_collections():
            assert gc.get_threshold()[0] >= YOUNG_THRESHOLD
        assert gc.get_threshold()[0] >= YOUNG_THRESHOLD  # the outer sync still runs
    assert gc.get_threshold() == before
