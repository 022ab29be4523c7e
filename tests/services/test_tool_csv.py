"""services.tool_csv: idempotent import, unknown columns, rejected rows with line numbers."""

import io
from datetime import date
from pathlib import Path

from sqlalchemy import text

from prodops_tui.services.export import export
from prodops_tui.services.generator import generate
from prodops_tui.services.generator_tools import TOOLS
from prodops_tui.services.tool_csv import COLUMNS, import_tools
from prodops_tui.store.store import Store

TODAY = date(2026, 11, 27)
HEADER = ",".join(COLUMNS)
GOOD = f"""{HEADER}
,tool:figma,Figma,Design,Claire,30,33,1350.5,2027-01-10,,active,"Two seats, shared"
,,Miro,Collaboration,Tom,50,31,500,2026-01-01,,active,
"""


def count(store: Store, sql: str) -> int:
    with store.read() as conn:
        return int(conn.execute(text(sql)).scalar() or 0)


def test_import_adds_then_changes_nothing_the_second_time(store: Store) -> None:
    first = import_tools(store, GOOD, "pat", TODAY)
    assert (first.added, first.updated, first.unchanged, first.rejected) == (2, 0, 0, [])
    assert first.warnings == [
        (2, "33 seats used, above the 30 bought"),
        (3, "renewal date 2026-01-01 is in the past"),
    ]
    again = import_tools(store, GOOD, "pat", TODAY)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    assert count(store, "SELECT count(*) FROM tool") == 2
    assert count(store, "SELECT count(*) FROM decision WHERE action = 'tool.import'") == 2


def test_dry_run_reports_and_saves_nothing(store: Store) -> None:
    report = import_tools(store, GOOD, "pat", TODAY, dry_run=True)
    assert (report.added, report.dry_run) == (2, True)
    assert count(store, "SELECT count(*) FROM tool") == 0
    assert count(store, "SELECT count(*) FROM decision") == 0


def test_bad_rows_are_rejected_by_line_and_the_rest_saved(store: Store) -> None:
    csv_text = (
        "name,monthly_cost,seats_bought,colour,renewal_date\n"
        "Figma,lots,3,red,\n"
        '"Miro\n(whiteboard)",10,5,blue,\n'
        "Notion,20,x,green,\n"
        "Loom,30,4,,2027-13-01\n"
        "Slack,40,10,,\n"
        "slack,50,10,,\n"
    )
    report = import_tools(store, csv_text, "pat", TODAY)
    assert report.unknown_columns == ("colour",)
    assert report.added == 2
    assert report.rejected == [
        (2, "monthly cost must be a number, e.g. 1250.50, not 'lots'"),
        (5, "seats bought must be a whole number of 0 or more, not 'x'"),
        (6, "renewal date must be YYYY-MM-DD, not '2027-13-01'"),
        (8, "the name 'slack' is also on line 7"),
    ]
    with store.read() as conn:
        names = sorted(r[0] for r in conn.execute(text("SELECT name FROM tool")))
    assert names == ["Miro\n(whiteboard)", "Slack"]


def test_a_partial_file_updates_only_its_columns(store: Store) -> None:
    import_tools(store, GOOD, "pat", TODAY)
    report = import_tools(store, "name,seats_used\nFIGMA,12\n", "sam", TODAY)
    assert (report.updated, report.warnings) == (1, [])
    with store.read() as conn:
        row = conn.execute(text("SELECT name, seats_used, notes FROM tool WHERE id='tool:figma'"))
        assert tuple(row.one()) == ("FIGMA", 12, "Two seats, shared")  # the file spells it so


def test_an_export_imports_back_with_every_field(tmp_path: Path) -> None:
    """`prodops export tools --format csv` into another workspace and back into this one."""
    company = generate("tiny", 7, TODAY)
    source, target = (Store.open(f"sqlite:///{tmp_path / name}.db") for name in ("a", "b"))
    try:
        for each in (source, target):
            each.upsert("connection", list(company.connections()))
        source.upsert("tool", list(company.tools()))
        out = io.StringIO()
        assert export(source, "tools", "csv", out) == len(TOOLS)
        assert out.getvalue().splitlines()[0] == ",".join(COLUMNS)
        report = import_tools(target, out.getvalue(), "pat", TODAY)
        assert (report.added, report.rejected, report.unknown_columns) == (len(TOOLS), [], ())
        assert tools_of(target) == tools_of(source)
        again = import_tools(source, out.getvalue(), "pat", TODAY)
        assert (again.added, again.updated, again.unchanged) == (0, 0, len(TOOLS))
    finally:
        source.close()
        target.close()


def tools_of(store: Store) -> list[dict[str, object]]:
    with store.read() as conn:
        rows = conn.execute(text("SELECT * FROM tool ORDER BY id")).mappings()
        return [{k: v for k, v in row.items() if k != "seq"} for row in rows]
