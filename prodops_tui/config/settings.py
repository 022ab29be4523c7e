"""The typed settings model: TOML file < `PRODOPS_*` environment (nested with `__`)."""

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_URL = re.compile(r"^(sqlite:///.+|postgresql(\+psycopg)?://.+)$")


class WorkspaceSettings(BaseModel):
    """One named workspace: its database and whether it opens read-only."""

    model_config = ConfigDict(extra="forbid")

    url: str = ""
    """`sqlite:////path/to.db` or `postgresql://…`; empty means a SQLite file in the data dir."""
    read_only: bool = False

    @field_validator("url")
    @classmethod
    def _known_scheme(cls, url: str) -> str:
        if url and not _URL.match(url):
            raise ValueError("must start with sqlite:/// or postgresql://")
        return url


class Settings(BaseSettings):
    """Everything a user can set in config.toml or through `PRODOPS_*` variables."""

    model_config = SettingsConfigDict(
        env_prefix="PRODOPS_", env_nested_delimiter="__", extra="forbid"
    )

    actor: str = ""
    """Name recorded on decisions; empty means the OS user."""
    default_workspace: str = "default"
    workspaces: dict[str, WorkspaceSettings] = Field(default_factory=dict)
    keymap: dict[str, str] = Field(default_factory=dict)
    """Binding id -> keys, e.g. `"mode.backlog" = "f3"`."""
    theme: str = ""
    sync_minutes: float = Field(default=15.0, ge=0)
    """Minutes between background syncs in the app; 0 turns them off."""
    animations: bool = False
    """Animate scrolling and transitions (off: less redraw over slow SSH links)."""
    mouse: bool = True
    """Ask the terminal for mouse events (off: no mouse traffic over SSH; keys do everything)."""

    @field_validator("workspaces")
    @classmethod
    def _valid_names(cls, spaces: dict[str, WorkspaceSettings]) -> dict[str, WorkspaceSettings]:
        for name in spaces:
            if not _NAME.match(name):
                raise ValueError(f"bad workspace name {name!r}: use letters, digits, . _ -")
        return spaces

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))


def validate(toml_path: Path | None) -> dict[str, Any]:
    """Validate the file and environment; raise pydantic's ValidationError on bad values."""

    class FileSettings(Settings):
        model_config = SettingsConfigDict(toml_file=toml_path)

    return FileSettings().model_dump()
