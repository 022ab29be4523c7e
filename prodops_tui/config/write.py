"""Adding a workspace to the config file without disturbing what the user wrote in it."""

import json
import os
import tomllib
from pathlib import Path

from prodops_tui.config.load import ConfigError


def _current(text: str, source: Path) -> dict[str, object]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"cannot read config {source}: {exc}") from None


def add_workspace(source: Path, name: str, url: str) -> bool:
    """Append `[workspaces.<name>] url = …` to the config (created with mode 0600 if missing);
    False when it is there already with that URL. ConfigError if the name is taken by another
    URL, or if the file is laid out so that appending would break it."""
    text = source.read_text(encoding="utf-8") if source.exists() else ""
    spaces = _current(text, source).get("workspaces", {})
    existing = spaces.get(name) if isinstance(spaces, dict) else None
    if isinstance(existing, dict):
        if existing.get("url") == url:
            return False
        raise ConfigError(
            f"workspace {name!r} already points at another database in {source}; "
            "choose another --name or edit the config"
        )
    # A JSON string is a valid TOML basic string (both escape quotes and backslashes).
    block = f"\n[workspaces.{name}]\nurl = {json.dumps(url)}\n"
    updated = (text.rstrip("\n") + "\n" if text.strip() else "") + block.lstrip("\n")
    try:
        tomllib.loads(updated)
    except tomllib.TOMLDecodeError:
        raise ConfigError(
            f"cannot add the workspace to {source} automatically; add this to it:{block}"
        ) from None
    _write_private(source, updated)
    return True


def _write_private(source: Path, text: str) -> None:
    """Write the file readable by its owner only (it may hold a database password)."""
    source.parent.mkdir(parents=True, exist_ok=True)
    temporary = source.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    temporary.replace(source)
