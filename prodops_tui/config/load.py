"""Load validated settings fast: pydantic runs only when the file or environment changed."""

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prodops_tui.config import paths

_MODEL_VERSION = 3
"""Bump when the settings model changes, so values cached by an older one are validated again."""
_SECRET_MARKERS = ("TOKEN", "SECRET", "PASSWORD", "PASSPHRASE")
_PASSWORD_IN_URL = re.compile(r"://[^/@:]*:[^/@]+@")


class ConfigError(Exception):
    """A config problem, said in one line."""


@dataclass(frozen=True)
class Workspace:
    """A workspace resolved to its database."""

    name: str
    url: str
    read_only: bool


@dataclass(frozen=True)
class Config:
    """Validated settings as plain data (cheap to import and to pass around)."""

    actor: str
    default_workspace: str
    workspaces: dict[str, dict[str, Any]]
    keymap: dict[str, str]
    theme: str
    source: Path
    sync_minutes: float = 15.0
    animations: bool = False
    mouse: bool = True

    @property
    def actor_name(self) -> str:
        """Who decisions are recorded for: the configured name, else the OS user."""
        return self.actor or os_user()

    def workspace(self, name: str | None = None) -> Workspace:
        """The named workspace; `default` and `demo-*` exist without being configured."""
        chosen = name or self.default_workspace
        entry = self.workspaces.get(chosen)
        if entry is None and chosen != "default" and not chosen.startswith("demo-"):
            known = ", ".join(sorted({"default", *self.workspaces})) or "default"
            raise ConfigError(f"unknown workspace {chosen!r} (known: {known})")
        entry = entry or {}
        url = entry.get("url") or f"sqlite:///{paths.workspace_db(chosen)}"
        return Workspace(chosen, url, bool(entry.get("read_only", False)))


def os_user() -> str:
    """The OS user name, or `unknown` when neither the environment nor the password database
    has one (e.g. a container running as an unnamed uid)."""
    import getpass  # only commands that write need it, not opening the app

    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def _settings_env() -> dict[str, str]:
    return {
        key: value
        for key, value in os.environ.items()
        if key.startswith("PRODOPS_")
        and not any(marker in key for marker in _SECRET_MARKERS)
        and key not in {"PRODOPS_CONFIG", "PRODOPS_DATA_DIR", "PRODOPS_CACHE_DIR"}
    }


def _fingerprint(source: Path) -> str:
    try:
        stat = source.stat()
        file_part = f"{source.resolve()}:{stat.st_mtime_ns}:{stat.st_size}"
    except FileNotFoundError:
        file_part = f"{source}:absent"
    env_part = json.dumps(sorted(_settings_env().items()))
    return hashlib.sha256(f"{_MODEL_VERSION}|{file_part}|{env_part}".encode()).hexdigest()


def _validate(source: Path) -> dict[str, Any]:
    import tomllib  # only when the settings cache is missing or stale

    if source.exists():
        try:
            with source.open("rb") as handle:
                tomllib.load(handle)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read config {source}: {exc}") from None
    from pydantic import ValidationError

    from prodops_tui.config.settings import validate

    try:
        return validate(source if source.exists() else None)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "config"
        raise ConfigError(f"invalid config value in {source}: {where}: {first['msg']}") from None


def _read_cache(cache: Path, key: str) -> dict[str, Any] | None:
    try:
        stored = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(stored, dict) and stored.get("key") == key:
        values = stored.get("values")
        return values if isinstance(values, dict) else None
    return None


def _holds_password(values: dict[str, Any]) -> bool:
    urls = (str(entry.get("url", "")) for entry in values["workspaces"].values())
    return any(_PASSWORD_IN_URL.search(url) for url in urls)


def _write_cache(cache: Path, key: str, values: dict[str, Any]) -> None:
    if _holds_password(values):
        return  # never copy a secret into another file
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        temporary = cache.with_suffix(".tmp")
        temporary.write_text(json.dumps({"key": key, "values": values}), encoding="utf-8")
        temporary.chmod(0o600)
        temporary.replace(cache)
    except OSError:
        return  # the cache only saves time; without it we validate every start


def load_config() -> Config:
    """Settings from the config file and `PRODOPS_*` variables, validated."""
    source = paths.config_file()
    cache = paths.cache_dir() / "settings.json"
    key = _fingerprint(source)
    values = _read_cache(cache, key)
    if values is None:
        values = _validate(source)
        _write_cache(cache, key, values)
    return Config(
        actor=values["actor"],
        default_workspace=values["default_workspace"],
        workspaces=values["workspaces"],
        keymap=values["keymap"],
        theme=values["theme"],
        source=source,
        sync_minutes=float(values.get("sync_minutes", 15.0)),
        animations=bool(values.get("animations", False)),
        mouse=bool(values.get("mouse", True)),
    )
