"""`prodops init-team` and `prodops serve` as a user meets them."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from prodops_tui.cli import cli
from prodops_tui.cli.serve import app_command, is_loopback
from prodops_tui.config import paths
from prodops_tui.config.load import ConfigError, load_config
from prodops_tui.config.write import add_workspace
from prodops_tui.store.probe import HEAD_REVISION
from prodops_tui.store.store import Store


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_init_team_migrates_and_adds_the_workspace(pg_url: str) -> None:
    result = CliRunner().invoke(cli, ["init-team", "--url", pg_url, "--name", "team"])
    assert result.exit_code == 0, result.output
    assert "prodops --workspace team" in result.output
    assert "prodops:prodops@" not in result.output  # the password is masked
    store = Store.open(pg_url, read_only=True)
    try:
        with store.read() as conn:
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        store.close()
    assert revision == HEAD_REVISION
    assert load_config().workspace("team").url == pg_url
    assert paths.config_file().stat().st_mode & 0o077 == 0
    again = CliRunner().invoke(cli, ["init-team", "--url", pg_url, "--name", "team"])
    assert again.exit_code == 0 and "already in" in again.output
    listed = CliRunner().invoke(cli, ["workspaces"])
    assert "team" in listed.output and "***" in listed.output


def test_init_team_refuses_a_sqlite_url_and_a_bad_name(tmp_path: Path) -> None:
    sqlite = CliRunner().invoke(cli, ["init-team", "--url", f"sqlite:///{tmp_path}/x.db"])
    assert sqlite.exit_code != 0 and "postgresql://" in sqlite.output
    named = CliRunner().invoke(cli, ["init-team", "--url", "postgresql://h/db", "--name", "a b"])
    assert named.exit_code != 0 and "--name" in named.output
    assert not paths.config_file().exists()


def test_init_team_says_when_the_server_is_unreachable() -> None:
    url = f"postgresql://nobody:secret@127.0.0.1:{free_port()}/db"
    result = CliRunner().invoke(cli, ["init-team", "--url", url])
    assert result.exit_code == 1
    assert "cannot connect to PostgreSQL" in result.output and "secret" not in result.output
    assert not paths.config_file().exists()


def test_adding_a_workspace_keeps_the_config_and_refuses_a_clash(tmp_path: Path) -> None:
    source = tmp_path / "config.toml"
    source.write_text('actor = "ana"\n\n[keymap]\n"mode.backlog" = "f9"\n', encoding="utf-8")
    assert add_workspace(source, "team", 'postgresql://h/db?x="1"')
    assert not add_workspace(source, "team", 'postgresql://h/db?x="1"')
    assert source.read_text(encoding="utf-8").startswith('actor = "ana"')
    with pytest.raises(ConfigError, match="already points at another database"):
        add_workspace(source, "team", "postgresql://other/db")
    inline = tmp_path / "inline.toml"
    inline.write_text('workspaces = { solo = { url = "sqlite:////x.db" } }\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="add this to it"):
        add_workspace(inline, "team", "postgresql://h/db")


def test_the_served_app_is_read_only_unless_edits_are_allowed() -> None:
    assert app_command("team", allow_edits=False).endswith("--workspace team --read-only")
    assert "--read-only" not in app_command("team", allow_edits=True)
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("example.com")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[int, subprocess.Popen[str]]]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "prodops_tui", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
        start_new_session=True,
    )
    try:
        yield port, proc
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_serve_listens_on_loopback_and_serves_the_page(
    served: tuple[int, subprocess.Popen[str]],
) -> None:
    port, proc = served
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                page = response.read().decode()
            break
        except OSError:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "serve did not answer"
            time.sleep(0.3)
    assert "prodops" in page and "textual" in page.lower()


def test_serve_on_a_port_in_use_says_so_and_warns_off_loopback() -> None:
    with socket.create_server(("0.0.0.0", 0)) as busy:
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--port", str(port)])
    assert result.exit_code == 1
    assert "not loopback" in result.output
    assert f"cannot serve on 0.0.0.0:{port}: in use" in result.output
