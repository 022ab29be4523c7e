"""CSV import of feedback: mapping, preview, dry run; idempotent, all or nothing per file.

Every row gets a deterministic id (external id or content), so a second import of the same file
finds them all present and adds nothing. Rows that cannot be read are reported with their line;
a file-level problem (size, encoding, header, required columns) stops the import before or
while writing, and the single write transaction is rolled back.
"""

import csv
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import JSON, Connection, DateTime, insert, select
from sqlmodel import SQLModel

from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.services.feedback_csv import (
    CsvProblem,
    OrgNames,
    RowError,
    feedback_row,
    parse_pairs,
    resolve_mapping,
)
from prodops_tui.store.sqlite_bulk import fts_appended
from prodops_tui.store.store import Store

__all__ = [
    "CsvProblem",
    "ImportReport",
    "RowError",
    "import_feedback",
    "parse_pairs",
    "report_lines",
]

MAX_BYTES = 256 * 1024 * 1024
CHUNK = 5_000
IMPORT_CACHE_KIB = 128 * 1024
"""SQLite page cache of the importing connection: the new ids land all over the id index."""
csv.field_size_limit(max(csv.field_size_limit(), 4 * 1024 * 1024))


@dataclass
class ImportReport:
    """What an import found and did (or, for a dry run, would do)."""

    path: str
    kind: str
    columns: dict[str, str]
    """CSV column -> the feedback field it fills (ignored columns left out)."""
    read: int = 0
    added: int = 0
    present: int = 0
    """Rows already in the workspace from an earlier import of the same data."""
    rejected: list[RowError] = field(default_factory=list)
    preview: list[dict[str, Any]] = field(default_factory=list)
    new_orgs: int = 0
    dry_run: bool = False


def _bad_line(path: Path, encoding: str) -> CsvProblem:
    """The file's first line that does not decode, as a CsvProblem with its line and column
    (a second, line by line pass: the import itself decodes in large blocks)."""
    try:
        with path.open("rb") as handle:
            for _line in _lines(handle, encoding, path.name):
                pass
    except CsvProblem as problem:
        return problem
    return CsvProblem(f"{path.name} is not {encoding} text")


def _lines(handle: BinaryIO, encoding: str, name: str) -> Iterator[str]:
    for number, raw in enumerate(handle, start=1):
        try:
            yield raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise CsvProblem(
                f"{name} line {number} is not {encoding} text (byte 0x{raw[exc.start]:02x} at "
                f"column {exc.start + 1}): save the file as UTF-8 or pass --encoding"
            ) from None


def _check_file(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise CsvProblem(
            f"{path.name} is {size / 1e6:,.0f} MB; the import reads files up to "
            f"{MAX_BYTES / 1e6:,.0f} MB: split it into smaller files"
        )
    if size == 0:
        raise CsvProblem(f"{path.name} is empty")
    with path.open("rb") as handle:
        head = handle.read(4)
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise CsvProblem(f"{path.name} is UTF-16 text: save it as UTF-8 and import again")


class _Run:
    """One pass over the file inside one transaction (a read one for a dry run)."""

    def __init__(self, conn: Connection, report: ImportReport, fields: list[str]) -> None:
        self.conn = conn
        self.report = report
        self.mapped = [(i, f) for i, f in enumerate(fields) if f]
        self.width = len(fields)
        self.orgs = OrgNames(conn)
        self.seen: dict[str, int] = {}
        self.pending: list[dict[str, Any]] = []
        self.now = datetime.now(UTC)
        self.table = SQLModel.metadata.tables["feedback"]

    def take(self, line: int, cells: Sequence[str], preview: int) -> None:
        report = self.report
        report.read += 1
        if len(cells) != self.width:
            why = f"has {len(cells)} fields, the header has {self.width}"
            report.rejected.append(RowError(line, why))
            return
        values = {f: cells[i].strip() for i, f in self.mapped}
        try:
            row = feedback_row(report.kind, values, self.now, None)
        except ValueError as exc:
            report.rejected.append(RowError(line, str(exc)))
            return
        first = self.seen.setdefault(row["id"], line)
        if first != line:
            report.rejected.append(RowError(line, f"duplicate of line {first}"))
            return
        row["org_id"] = self.orgs.resolve(values.get("org", ""))
        if len(report.preview) < preview:
            report.preview.append(row)
        self.pending.append(row)
        if len(self.pending) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        rows, self.pending = self.pending, []
        if not rows:
            return
        ids = [row["id"] for row in rows]
        query = select(self.table.c.id).where(self.table.c.id.in_(ids))
        present = set(self.conn.execute(query).scalars())
        fresh = [row for row in rows if row["id"] not in present] if present else rows
        self.report.present += len(rows) - len(fresh)
        self.report.added += len(fresh)
        if self.report.dry_run:
            return
        orgs = [org for org_id, org in self.orgs.new.items() if org_id not in self.orgs.written]
        if orgs:
            self.conn.execute(insert(SQLModel.metadata.tables["org"]), orgs)
            self.orgs.written.update(org["id"] for org in orgs)
        if fresh:
            _insert(self.conn, self.table, fresh)

    def finish(self, actor: str) -> None:
        self.flush()
        self.report.new_orgs = len(self.orgs.new)
        if self.report.dry_run:
            return
        decision = SQLModel.metadata.tables["decision"]
        detail = {"file": self.report.path, "kind": self.report.kind, "added": self.report.added}
        detail["rejected"] = len(self.report.rejected)
        self.conn.execute(
            insert(decision).values(
                actor=actor,
                target="import:feedback",
                action="import",
                detail=detail,
                created_at=self.now,
            )
        )


def import_feedback(
    store: Store,
    path: Path,
    *,
    kind: str = "import",
    mapping: Mapping[str, str] | None = None,
    dry_run: bool = False,
    actor: str = "",
    encoding: str = "utf-8-sig",
    preview: int = 5,
) -> ImportReport:
    """Import (or with `dry_run`, only check) a feedback CSV; CsvProblem if the file cannot be."""
    _check_file(path)
    try:
        with path.open("rb") as raw, io.TextIOWrapper(raw, encoding, newline="") as handle:
            reader = csv.reader(handle)
            try:
                header = next(reader)
            except StopIteration:
                raise CsvProblem(f"{path.name} has no header row") from None
            fields = resolve_mapping(header, dict(mapping or {}), kind)
            columns = {h.strip(): f for h, f in zip(header, fields, strict=True) if f}
            report = ImportReport(str(path), kind, columns, dry_run=dry_run)
            with _transaction(store, dry_run) as conn:
                run = _Run(conn, report, fields)
                _read_rows(reader, run, path.name, preview)
                run.finish(actor or "import")
    except UnicodeDecodeError:  # the write transaction is rolled back: nothing half-imported
        raise _bad_line(path, encoding) from None
    return report


def _read_rows(reader: Any, run: _Run, name: str, preview: int) -> None:
    line = reader.line_num
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                run.take(line + 1, cells, preview)
            line = reader.line_num
    except csv.Error as exc:
        raise CsvProblem(f"{name} line {reader.line_num}: {exc}") from None


_SQLITE_MOMENT = "%Y-%m-%d %H:%M:%S.%f"
"""How SQLAlchemy keeps a UTC moment in SQLite (naive text): the raw path writes the same."""


def _insert(conn: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    """Insert new feedback rows; on SQLite straight through the driver (several times faster
    than SQLAlchemy's per-value processing), with the same stored forms."""
    if conn.dialect.name != "sqlite":
        conn.execute(insert(table), rows)
        return
    rows.sort(key=itemgetter("id"))  # neighbouring keys: fewer index pages touched
    names = list(rows[0])
    marks = ", ".join("?" * len(names))
    sql = f"INSERT INTO feedback ({', '.join(names)}) VALUES ({marks})"
    convert = [
        (i, _moment_text if isinstance(table.c[n].type, DateTime) else _json_list)
        for i, n in enumerate(names)
        if isinstance(table.c[n].type, DateTime | JSON)
    ]
    pick = itemgetter(*names)
    values = []
    for row in rows:
        stored = list(pick(row))
        for i, to_text in convert:
            if stored[i] is not None:
                stored[i] = to_text(stored[i])
        values.append(tuple(stored))
    conn.exec_driver_sql(sql, values)


@lru_cache(maxsize=4096)
def _moment_text(value: datetime) -> str:
    return value.astimezone(UTC).strftime(_SQLITE_MOMENT)


def _json_list(value: list[str]) -> str:
    return _json_text(tuple(value))


@lru_cache(maxsize=4096)
def _json_text(value: tuple[str, ...]) -> str:
    return json.dumps(list(value))


@contextmanager
def _transaction(store: Store, dry_run: bool) -> Iterator[Connection]:
    """A write transaction whose new rows are full-text indexed in one statement at the end,
    or a read one for a dry run."""
    with store.read() if dry_run else store.write() as conn:
        if store.dialect == "sqlite":
            conn.exec_driver_sql(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
        if dry_run:
            yield conn
            return
        with fts_appended(conn, "feedback"):
            yield conn


def report_lines(report: ImportReport) -> list[str]:
    """The report as lines: mapping, preview rows, counts, then every rejected row by line.
    Values are the file's text: render them as literal text."""

    def cut(value: object) -> str:
        return ("" if value is None else str(value))[:60]

    lines = ["columns: " + ", ".join(f"{c} -> {f}" for c, f in report.columns.items())]
    for row in report.preview:
        lines.append(f"  {cut(row['score']):>5}  {cut(row['requester']):<20} {cut(row['subject'])}")
    verb = "would add" if report.dry_run else "added"
    summary = f"{report.read} rows read: {verb} {report.added}, {report.present} already there"
    lines.append(f"{summary}, {len(report.rejected)} rejected, {report.new_orgs} new orgs")
    lines += [f"  line {error.line}: {cut(error.reason)}" for error in report.rejected]
    return lines
