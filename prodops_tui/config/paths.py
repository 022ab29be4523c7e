"""Where prodops keeps its files: platform directories, overridable for tests and shared boxes."""

import os
from pathlib import Path

APP_NAME = "prodops"


def config_file() -> Path:
    """The TOML config file; `PRODOPS_CONFIG` names another one."""
    override = os.environ.get("PRODOPS_CONFIG")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP_NAME) / "config.toml"


def data_dir() -> Path:
    """Where workspace databases live; `PRODOPS_DATA_DIR` moves it."""
    override = os.environ.get("PRODOPS_DATA_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP_NAME)


def cache_dir() -> Path:
    """Disposable files, such as the validated-settings cache."""
    override = os.environ.get("PRODOPS_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_cache_path

    return user_cache_path(APP_NAME)


def workspace_db(name: str) -> Path:
    return data_dir() / "workspaces" / f"{name}.db"
