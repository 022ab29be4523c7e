"""Every CLI test gets its own config, data and cache directories."""

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("PRODOPS_CONFIG", str(home / "config.toml"))
    monkeypatch.setenv("PRODOPS_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("PRODOPS_CACHE_DIR", str(home / "cache"))
    for key in ("PRODOPS_ACTOR", "PRODOPS_DEFAULT_WORKSPACE"):
        monkeypatch.delenv(key, raising=False)
    return home
