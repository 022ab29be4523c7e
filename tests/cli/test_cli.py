"""The command line as a user meets it: help, and one-line errors that change nothing."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from prodops_tui.cli import cli
from prodops_tui.config import paths


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "prodops_tui", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ.copy(),
        stdin=subprocess.DEVNULL,
    )


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _configure(text: str) -> None:
    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_help_lists_the_commands() -> None:
    result = _run("--help")
    assert result.returncode == 0
    for command in ("demo", "screenshots", "workspaces", "--workspace", "--read-only"):
        assert command in result.stdout


def _assert_one_line_error(result: subprocess.CompletedProcess[str], text: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert text in lines[0]


def test_unknown_workspace() -> None:
    _assert_one_line_error(_run("--workspace", "nope"), "unknown workspace 'nope'")


def test_invalid_config_value() -> None:
    _configure('[workspaces.x]\nurl = "ftp://nowhere"\n')
    _assert_one_line_error(_run("--workspace", "x"), "workspaces.x.url")


def test_empty_first_run_without_a_terminal_points_at_the_demo() -> None:
    _assert_one_line_error(_run(), "prodops demo")
    assert not paths.workspace_db("default").exists()


@pytest.mark.parametrize(
    "content", [b"\x00garbage" * 4096, b"SQLite format 3\x00" + b"\xff" * 8000]
)
def test_corrupt_database_is_refused_untouched(tmp_path: Path, content: bytes) -> None:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    bad = folder / "bad.db"
    bad.write_bytes(content)
    _configure(f'[workspaces.bad]\nurl = "sqlite:///{bad}"\n')
    before = _digest(bad)
    _assert_one_line_error(_run("--workspace", "bad"), "")
    assert _digest(bad) == before
    assert sorted(p.name for p in folder.iterdir()) == ["bad.db"]


def test_foreign_sqlite_database_is_refused_untouched(tmp_path: Path) -> None:
    import sqlite3

    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        connection.execute("INSERT INTO notes (body) VALUES ('keep me')")
    connection.close()
    _configure(f'[workspaces.other]\nurl = "sqlite:///{other}"\n')
    before = _digest(other)
    _assert_one_line_error(_run("--workspace", "other"), "not a prodops workspace")
    assert _digest(other) == before


def test_unreachable_postgresql_fails_fast_without_the_password() -> None:
    _configure('[workspaces.team]\nurl = "postgresql://u:hunter2@127.0.0.1:1/prodops"\n')
    result = _run("--workspace", "team")
    _assert_one_line_error(result, "")
    assert "hunter2" not in result.stderr + result.stdout


def test_unwritable_data_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("PRODOPS_DATA_DIR", str(blocker / "data"))
    _assert_one_line_error(_run("demo", "--size", "tiny"), str(blocker))


def test_outbox_lists_edits_in_a_fresh_process(tmp_path: Path) -> None:
    """`prodops outbox` alone (no other command has imported the models in that process)."""
    from prodops_tui.store.store import Store

    url = f"sqlite:///{tmp_path / 'w.db'}"
    Store.open(url).close()
    _configure(f'[workspaces.w]\nurl = "{url}"\n')
    result = _run("--workspace", "w", "outbox")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "the outbox is empty" in result.stdout


def test_workspaces_lists_names_and_masks_passwords() -> None:
    _configure('[workspaces.team]\nurl = "postgresql://u:hunter2@db/prodops"\nread_only = true\n')
    result = CliRunner().invoke(cli, ["workspaces"])
    assert result.exit_code == 0, result.output
    assert "* default" in result.output
    assert "team" in result.output and "(read-only)" in result.output
    assert "u:***@db" in result.output and "hunter2" not in result.output
