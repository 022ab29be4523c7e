"""The digest as Markdown (plain text that reads well) or one self-contained HTML file with
inline SVG charts, written with Jinja2 templates (prodops_tui/templates/digest.md|html)."""

import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from prodops_tui.services.clean import clean
from prodops_tui.services.digest import Digest, Movement, gather
from prodops_tui.services.digest_charts import bar_chart, column_chart, line_chart
from prodops_tui.services.stats import sparkline
from prodops_tui.store.reads import Reader

__all__ = ["FORMATS", "digest_text", "render", "save_digest"]

FORMATS = ("md", "html")
_MARKDOWN = re.compile(r"([\\`*_\[\]<>|#])")
_SPACE = re.compile(r"\s+")


def one_line(value: object) -> str:
    """Remote text on one line without control codes."""
    return _SPACE.sub(" ", clean("" if value is None else str(value))).strip()


def markdown_text(value: object) -> str:
    """Remote text for Markdown: one line, and the characters Markdown or HTML would read as
    syntax escaped with a backslash."""
    return _MARKDOWN.sub(r"\\\1", one_line(value))


def signed(value: float | None, unit: str = "") -> str:
    return "n/a" if value is None else f"{value:+.0f}{unit}"


def plain(value: float | None, unit: str = "") -> str:
    return "n/a" if value is None else f"{value:.0f}{unit}"


def money(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f}"


def movement(m: Movement, unit: str = "", sign: bool = False) -> str:
    """`+32 (was +20, +12)`: the period's value, the one before and the change."""
    shown = signed if sign else plain
    if m.now is None:
        return "no data in the period"
    if m.before is None:
        return f"{shown(m.now, unit)} (nothing to compare with)"
    return f"{shown(m.now, unit)} (was {shown(m.before, unit)}, {signed(m.change, unit)})"


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("prodops_tui", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(one_line=one_line, md=markdown_text, signed=signed, plain=plain, money=money)
    env.globals.update(movement=movement, spark=sparkline)
    return env


def charts(d: Digest) -> dict[str, Any]:
    """Chart geometry for the HTML page (each None when it has nothing to draw)."""
    t = d.charts
    top = [
        (f"{r.issue.key} {one_line(r.issue.summary)[:40]}", r.issue.evidence, "")
        for r in d.requests
    ]
    themes = [(one_line(s.tag), float(s.total), f"{s.total:,}") for s in t.themes]
    return {
        "nps": line_chart(t.nps, -100, 100) if t.nps else None,
        "csat": line_chart(t.csat, 0, 100, "%") if t.csat else None,
        "stickiness": line_chart(t.stickiness, 0, 100, "%") if t.stickiness else None,
        "decisions": column_chart([w[5:] for w in t.weeks], [float(n) for n in t.decisions.totals])
        if sum(t.decisions.totals)
        else None,
        "themes": bar_chart(themes) if themes else None,
        "requests": bar_chart([(label, float(value), f"{value:,} ev") for label, value, _ in top])
        if top
        else None,
    }


def render(d: Digest, fmt: str) -> str:
    """The digest as `md` or `html` text."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: choose md or html")
    template = environment().get_template(f"digest.{fmt}")
    return template.render(d=d, charts=charts(d) if fmt == "html" else {})


def digest_text(reader: Reader, *, now: datetime, since: str, fmt: str, workspace: str) -> str:
    """The digest of the period `since` up to `now`, rendered as `fmt`."""
    return render(gather(reader, now=now, since=since, workspace=workspace), fmt)


def save_digest(
    reader: Reader, directory: Path, *, now: datetime, since: str, fmt: str, workspace: str
) -> Path:
    """Write the digest to `directory/digest-<workspace>-<date>.<fmt>` (whole or not at all)."""
    text = digest_text(reader, now=now, since=since, fmt=fmt, workspace=workspace)
    directory.mkdir(parents=True, exist_ok=True)
    safe_name = re.sub(r"[^\w.-]+", "-", workspace).strip("-.") or "workspace"
    path = directory / f"digest-{safe_name}-{now:%Y-%m-%d}.{fmt}"
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
    return path
