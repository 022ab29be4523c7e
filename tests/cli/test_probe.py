"""The start-up probe agrees with the migrations and with Store.open."""

from pathlib import Path

from prodops_tui.store.migrate import head_revision
from prodops_tui.store.probe import HEAD_REVISION, is_current_sqlite
from prodops_tui.store.store import Store


def test_probe_head_is_the_migration_head() -> None:
    assert head_revision() == HEAD_REVISION


def test_probe_accepts_a_fresh_workspace_only(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    assert not is_current_sqlite(url)
    Store.open(url).close()
    assert is_current_sqlite(url)
    assert not is_current_sqlite("postgresql://localhost/x")
