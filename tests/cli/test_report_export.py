"""`prodops report` and `prodops export` on a real workspace: output, files, bad input."""

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from prodops_tui.cli import cli
from prodops_tui.config.paths import workspace_db
from prodops_tui.store.store import Store

HOSTILE = "<script>alert(1)</script> \x1b[31m"


@pytest.fixture
def workspace(isolated_dirs: Path) -> Path:
    """The default workspace with two issues, recent feedback linked to one, and a saved view."""
    path = workspace_db("default")
    path.parent.mkdir(parents=True)
    now = datetime.now(UTC)
    store = Store.open(f"sqlite:///{path}")
    try:
        store.upsert(
            "issue",
            [
                {"id": f"jira:a:{n}", "key": f"PROD-{n}", "summary": s, "labels": []}
                | {"updated": now, "created": now - timedelta(days=2), "transitions": []}
                | {"triage_state": state}
                for n, s, state in ((1, HOSTILE, "untriaged"), (2, "Calm", "accepted"))
            ],
        )
        store.upsert(
            "feedback",
            [
                {"id": f"zd:{n}", "subject": "Wants it", "tags": []}
                | {"created": now - timedelta(days=1), "updated": now}
                for n in (1, 2)
            ],
        )
        store.upsert("evidence", [{"feedback_id": "zd:1", "issue_id": "jira:a:1"}])
        store.upsert("saved_view", [{"screen": "backlog", "name": "Fresh", "query": "triage:new"}])
        store.upsert(
            "saved_view", [{"screen": "backlog", "name": "Open", "query": "triage:untriaged"}]
        )
    finally:
        store.close()
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_report_prints_markdown_of_the_period(workspace: Path) -> None:
    code, out, _ = run("report", "--since", "3d")
    assert code == 0
    assert out.startswith("# Product-ops digest: default\n")
    assert "1 issue untriaged now" in out and "2 issues created" in out
    assert "1. PROD-1 \\<script\\>alert(1)\\</script\\>" in out
    assert "\x1b" not in out


def test_report_writes_html_to_a_file(workspace: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "digest.html"
    target.parent.mkdir()
    code, out, err = run("report", "--format", "html", "--output", str(target))
    assert code == 0 and out == "" and f"html digest written to {target}" in err
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "&lt;script&gt;" in page
    assert "<svg" in page
    assert [p.name for p in target.parent.iterdir()] == ["digest.html"]  # no partial file


def test_report_refuses_bad_input_in_one_line(workspace: Path, tmp_path: Path) -> None:
    code, _, err = run("report", "--since", "soon")
    assert code == 2 and "use a number and a unit, e.g. 7d, 2w or 48h" in err
    missing = tmp_path / "no" / "such" / "dir" / "d.md"
    code, _, err = run("report", "--output", str(missing))
    assert code == 1 and f"cannot write {missing}: No such file or directory" in err
    code, _, err = run("report", "--output", str(tmp_path))
    assert code == 1 and "is a directory" in err


def test_report_on_a_workspace_that_does_not_exist(isolated_dirs: Path) -> None:
    code, _, err = run("report")
    assert code == 1 and "no workspace database" in err


def test_export_streams_csv_and_json(workspace: Path, tmp_path: Path) -> None:
    code, out, _ = run("export", "issues")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["key"] for r in rows] == ["PROD-1", "PROD-2"]
    assert rows[0]["summary"] == HOSTILE and rows[0]["updated"].endswith("Z")
    target = tmp_path / "feedback.json"
    code, _, err = run("export", "feedback", "--format", "json", "-o", str(target))
    assert code == 0 and "2 feedback written to" in err
    assert [item["id"] for item in json.loads(target.read_text())] == ["zd:1", "zd:2"]


def test_export_a_saved_view(workspace: Path) -> None:
    code, out, _ = run("export", "issues", "--view", "Open")
    assert code == 0
    assert [r["key"] for r in csv.DictReader(io.StringIO(out))] == ["PROD-1"]


def test_export_refuses_unknown_views_and_kinds(workspace: Path) -> None:
    code, _, err = run("export", "issues", "--view", "Nope")
    assert code == 1 and "no saved view 'Nope' for issues (saved views: Fresh, Open)" in err
    code, _, err = run("export", "tools", "--view", "Open")
    assert code == 1 and "saved views filter issues and feedback, not tools" in err
    code, _, err = run("export", "orgs")
    assert code == 2 and "Invalid value for '{issues|feedback|experiments|tools|decisions}'" in err
