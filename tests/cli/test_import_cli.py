"""`prodops import feedback`: report, dry run, re-import and one-line errors."""

from pathlib import Path

from click.testing import CliRunner, Result
from sqlalchemy import text

from prodops_tui.cli import cli
from prodops_tui.config.load import load_config
from prodops_tui.store.store import Store

CSV = (
    "id,nps score,verbatim,name\n"
    "a1,10,Exports are great,Ann\n"
    "a2,12,Out of range,Bob\n"
    "a3,4,\x1b[2JSlow dashboards,\u202eCy\n"
)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def feedback_count() -> int:
    store = Store.open(load_config().workspace(None).url)
    try:
        with store.read() as conn:
            return int(conn.execute(text("SELECT count(*) FROM feedback")).scalar_one())
    finally:
        store.close()


def test_import_dry_run_then_for_real_then_again(tmp_path: Path) -> None:
    path = tmp_path / "nps.csv"
    path.write_text(CSV, encoding="utf-8")
    mapping = ("--map", "nps score=score", "--map", "verbatim=body", "--kind", "nps")
    dry = run("import", "feedback", str(path), *mapping, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "nps score -> score" in dry.output
    assert "would add 2, 0 already there, 1 rejected" in dry.output
    assert "line 3: NPS score 12 is outside 0-10" in dry.output
    assert "\x1b" not in dry.output and "\u202e" not in dry.output
    first = run("import", "feedback", str(path), *mapping)
    assert "added 2, 0 already there" in first.output
    second = run("import", "feedback", str(path), *mapping)
    assert "added 0, 2 already there" in second.output
    assert feedback_count() == 2


def test_import_errors_are_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes("score,comment\n9,caf\xe9\n".encode("latin-1"))
    result = run("import", "feedback", str(path), "--kind", "nps")
    assert result.exit_code == 1
    assert "line 2 is not utf-8-sig text" in result.output
    assert "Traceback" not in result.output
    wrong = run("import", "feedback", str(path), "--map", "score")
    assert "write it as CSVCOLUMN=FIELD" in wrong.output
    latin = run("import", "feedback", str(path), "--kind", "nps", "--encoding", "latin-1")
    assert "added 1" in latin.output, latin.output
