"""services.feedback_import: mapping, validation, dry run, idempotence, all or nothing."""

from pathlib import Path

import pytest
from sqlalchemy import text

from prodops_tui.services import feedback_import
from prodops_tui.services.feedback_import import CsvProblem, import_feedback, parse_pairs
from prodops_tui.store.store import Store

NPS = (
    "Response ID,Score,Comment,Email,Company,Date\n"
    "r1,9,Love the exports,ann@acme.test,Acme,2026-11-01\n"
    "r2,11,Too high a score,bob@acme.test,Acme,2026-11-02\n"
    'r3,3,"Slow, very slow\nsecond line",cy@zed.test,Zed Corp,2026-11-03\n'
    "r4,,No score,dee@zed.test,Zed Corp,2026-11-03\n"
    "r1,9,Love the exports,ann@acme.test,Acme,2026-11-01\n"
    "r5,7,Fine,eve@acme.test,acme,not a date\n"
    "r6,10,Great [b]markup[/b] \x1b[31m,fay@acme.test,,2026-11-05\n"
    "r7,6\n"
)


def write(tmp_path: Path, body: str | bytes, name: str = "nps.csv") -> Path:
    path = tmp_path / name
    if isinstance(body, str):
        path.write_text(body, encoding="utf-8")
    else:
        path.write_bytes(body)
    return path


def count(store: Store, sql: str) -> int:
    with store.read() as conn:
        return int(conn.execute(text(sql)).scalar_one())


def test_nps_import_reports_bad_rows_by_line(store: Store, tmp_path: Path) -> None:
    store.upsert("org", [{"id": "zendesk:x:org:1", "name": "Acme", "tier": "growth"}])
    report = import_feedback(store, write(tmp_path, NPS), kind="nps", actor="pat")
    assert report.columns == {
        "Response ID": "external_id",
        "Score": "score",
        "Comment": "body",
        "Email": "requester_email",
        "Company": "org",
        "Date": "created",
    }
    assert (report.read, report.added, report.present) == (8, 3, 0)
    reasons = {error.line: error.reason for error in report.rejected}
    assert reasons == {
        3: "NPS score 11 is outside 0-10",
        6: "no NPS score",
        7: "duplicate of line 2",
        8: "created 'not a date' is not a date (YYYY-MM-DD[ HH:MM])",
        10: "has 2 fields, the header has 6",
    }
    assert count(store, "SELECT count(*) FROM feedback WHERE kind = 'nps'") == 3
    assert count(store, "SELECT count(*) FROM feedback WHERE org_id = 'zendesk:x:org:1'") == 1
    assert count(store, "SELECT count(*) FROM org WHERE name = 'Zed Corp'") == 1
    assert report.new_orgs == 1
    with store.read() as conn:
        tags, subject, body = conn.execute(
            text("SELECT tags, subject, body FROM feedback WHERE external_id = 'r3'")
        ).one()
    assert "detractor" in str(tags) and subject == "NPS 3"
    assert body == "Slow, very slow\nsecond line"
    assert count(store, "SELECT count(*) FROM decision WHERE action = 'import'") == 1


def test_same_file_twice_adds_nothing(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path, NPS)
    import_feedback(store, path, kind="nps")
    again = import_feedback(store, path, kind="nps")
    assert (again.added, again.present) == (0, 3)
    assert count(store, "SELECT count(*) FROM feedback") == 3


def test_dry_run_previews_and_writes_nothing(store: Store, tmp_path: Path) -> None:
    report = import_feedback(store, write(tmp_path, NPS), kind="nps", dry_run=True, preview=2)
    assert report.added == 3 and len(report.preview) == 2
    assert report.preview[0]["score"] == 9
    assert count(store, "SELECT count(*) FROM feedback") == 0
    assert count(store, "SELECT count(*) FROM org") == 0


def test_rows_without_ids_get_content_ids(store: Store, tmp_path: Path) -> None:
    body = "text,who\nThe export is slow,ann\nThe export is slow,bob\nThe export is slow,ann\n"
    path = write(tmp_path, body)
    report = import_feedback(store, path, mapping={"who": "requester"})
    assert report.added == 2
    assert [e.reason for e in report.rejected] == ["duplicate of line 2"]
    assert import_feedback(store, path, mapping={"who": "requester"}).added == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Score,Comment\n9,caf\xe9\n".encode("latin-1"), "line 2 is not utf-8-sig text"),
        ("Score,Comment\n9,x\n".encode("utf-16"), "is UTF-16 text"),
        (b"", "is empty"),
        (b"Comment,Email\nhi,a@b.test\n", "missing a score column for nps feedback"),
        (b"foo,bar\n1,2\n", "no column matches a feedback field"),
    ],
)
def test_file_problems_change_nothing(
    store: Store, tmp_path: Path, content: bytes, message: str
) -> None:
    with pytest.raises(CsvProblem, match=message):
        import_feedback(store, write(tmp_path, content), kind="nps")
    assert count(store, "SELECT count(*) FROM feedback") == 0


def test_a_bad_byte_late_in_the_file_rolls_back_every_row(store: Store, tmp_path: Path) -> None:
    rows = "".join(f"r{i},{i % 11},fine {i}\n" for i in range(5_000))
    content = ("id,score,comment\n" + rows).encode() + b"r-bad,5,caf\xe9\n"
    with pytest.raises(CsvProblem, match="line 5002"):
        import_feedback(store, write(tmp_path, content), kind="nps")
    assert count(store, "SELECT count(*) FROM feedback") == 0
    assert count(store, "SELECT count(*) FROM decision") == 0


def test_too_big_a_file_is_refused(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feedback_import, "MAX_BYTES", 100)
    with pytest.raises(CsvProblem, match="split it into smaller files"):
        import_feedback(store, write(tmp_path, NPS), kind="nps")


def test_mapping_errors() -> None:
    assert parse_pairs(["Verbatim=body", "NPS Score=score"]) == {
        "Verbatim": "body",
        "NPS Score": "score",
    }
    with pytest.raises(CsvProblem, match="CSVCOLUMN=FIELD"):
        parse_pairs(["body"])
    with pytest.raises(CsvProblem, match="'mood' is not one of"):
        parse_pairs(["x=mood"])


def test_explicit_mapping_names_a_missing_column(store: Store, tmp_path: Path) -> None:
    with pytest.raises(CsvProblem, match="no column 'Verbatim' in the file"):
        import_feedback(store, write(tmp_path, NPS), kind="nps", mapping={"Verbatim": "body"})
