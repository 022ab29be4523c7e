"""`prodops import tools FILE.csv [--dry-run]` end to end on the default workspace."""

from pathlib import Path

from click.testing import CliRunner, Result

from prodops_tui.cli import cli

CSV = (
    "id,name,category,monthly_cost,seats_bought,seats_used,budget_code\n"
    ",Figma,Design,1350.5,30,33,D-1\n"
    ",Miro,Collaboration,500,50,31,D-2\n"
)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_import_twice_reports_unknown_columns_and_changes_nothing_again(tmp_path: Path) -> None:
    source = tmp_path / "tools.csv"
    source.write_text(CSV, encoding="utf-8")
    dry = run("import", "tools", str(source), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "would add 2, updated 0, unchanged 0, rejected 0 (dry run: nothing saved)" in dry.output
    first = run("import", "tools", str(source))
    assert "ignored unknown column(s): budget_code" in first.output
    assert "line 2: warning: 33 seats used, above the 30 bought" in first.output
    assert "added 2, updated 0, unchanged 0, rejected 0" in first.output
    again = run("import", "tools", str(source))
    assert "added 0, updated 0, unchanged 2, rejected 0" in again.output


def test_rejected_rows_name_their_line_and_fail_the_command(tmp_path: Path) -> None:
    source = tmp_path / "tools.csv"
    source.write_text("name,monthly_cost\nFigma,12\nMiro,twelve\n", encoding="utf-8")
    result = run("import", "tools", str(source))
    assert result.exit_code == 1
    assert "line 3: rejected: monthly cost must be a number, e.g. 1250.50, not 'twelve'" in (
        result.output
    )
    assert "1 row(s) rejected; the rest were saved" in result.output
    assert "unchanged 1" in run("import", "tools", str(source)).output


def test_a_file_without_tool_columns_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_text("email,team\nx@y,z\n", encoding="utf-8")
    result = run("import", "tools", str(source))
    assert result.exit_code == 1
    assert "no `name` or `id` column" in result.output
