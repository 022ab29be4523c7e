"""Settings: TOML file, environment overrides, named workspaces, one-line errors, the cache."""

import json
import os
from pathlib import Path

import pytest

from prodops_tui.config import paths
from prodops_tui.config.load import ConfigError, load_config


def _write(text: str) -> Path:
    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file() -> None:
    config = load_config()
    workspace = config.workspace()
    assert workspace.name == "default"
    assert workspace.url == f"sqlite:///{paths.data_dir() / 'workspaces' / 'default.db'}"
    assert not workspace.read_only
    assert config.actor_name  # falls back to the OS user


def test_file_values_and_named_workspaces() -> None:
    _write(
        'actor = "alice"\ndefault_workspace = "eu"\n'
        '[workspaces.eu]\nurl = "sqlite:////tmp/eu.db"\nread_only = true\n'
        "[workspaces.us]\n"
    )
    config = load_config()
    assert config.actor_name == "alice"
    assert config.workspace() == config.workspace("eu")
    assert config.workspace("eu").url == "sqlite:////tmp/eu.db"
    assert config.workspace("eu").read_only
    assert config.workspace("us").url.endswith("/workspaces/us.db")


def test_environment_overrides_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    _write('actor = "alice"\n')
    monkeypatch.setenv("PRODOPS_ACTOR", "bob")
    monkeypatch.setenv("PRODOPS_WORKSPACES__TEAM__URL", "postgresql://db.internal/prodops")
    config = load_config()
    assert config.actor == "bob"
    assert config.workspace("team").url == "postgresql://db.internal/prodops"


def test_unknown_workspace_names_the_known_ones() -> None:
    _write("[workspaces.eu]\n")
    with pytest.raises(ConfigError, match=r"unknown workspace 'nope' \(known: default, eu\)"):
        load_config().workspace("nope")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("actor = [1, 2]", "actor"),
        ('[workspaces.x]\nurl = "mysql://h/db"', "workspaces.x.url"),
        ("[workspaces.x]\ncolour = 1", "workspaces.x.colour"),
        ("actor = 'unterminated", "cannot read config"),
        ("surprise = 1", "surprise"),
        ("sync_minutes = -5", "sync_minutes"),
    ],
)
def test_invalid_values_say_where_in_one_line(text: str, message: str) -> None:
    _write(text)
    with pytest.raises(ConfigError) as raised:
        load_config()
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_validated_settings_are_cached_until_the_file_changes() -> None:
    path = _write('actor = "alice"\n')
    assert load_config().actor == "alice"
    cache = paths.cache_dir() / "settings.json"
    assert json.loads(cache.read_text())["values"]["actor"] == "alice"
    assert oct(cache.stat().st_mode & 0o777) == "0o600"
    path.write_text('actor = "carol"\n', encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a different mtime even on a coarse clock
    assert load_config().actor == "carol"


def test_secrets_never_reach_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRODOPS_JIRA_TOKEN", "canary-token-123")
    _write('[workspaces.team]\nurl = "postgresql://u:hunter2@db/x"\n')
    load_config()
    cache = paths.cache_dir() / "settings.json"
    assert not cache.exists() or "hunter2" not in cache.read_text()
    assert not cache.exists() or "canary-token-123" not in cache.read_text()


def test_sync_interval_defaults_and_can_be_turned_off() -> None:
    assert load_config().sync_minutes == 15
    _write("sync_minutes = 0\n")
    assert load_config().sync_minutes == 0
