"""A deterministic, seeded B2B SaaS company for tests, the demo and the benchmarks.

Every iterator streams rows (dicts keyed by the table's column names, `seq` left out) and
restarts from the same seed when called again, so a million feedback rows are never held at
once and two runs with the same (size, seed, today) are identical.
"""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from prodops_tui.services import (
    generator_feedback,
    generator_issues,
    generator_orgs,
    generator_plans,
    generator_tools,
)
from prodops_tui.services.generator_base import SIZES, Spec

__all__ = ["SIZES", "TABLE_ORDER", "Company", "generate"]

TABLE_ORDER = (
    "connection",
    "org",
    "issue",
    "feedback",
    "evidence",
    "experiment",
    "tool",
    "sync_state",
)
"""Tables in an order that respects their foreign keys."""


class Company:
    """A generated company: its connections, customers, backlog, feedback, experiments and tools."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self._org_names: list[str] | None = None
        self._evidence_count: int | None = None

    @property
    def size(self) -> str:
        return self.spec.size

    @property
    def seed(self) -> int:
        return self.spec.seed

    @property
    def today(self) -> date:
        return self.spec.today

    def connections(self) -> Iterator[dict[str, Any]]:
        return generator_tools.connections(self.spec)

    def orgs(self) -> Iterator[dict[str, Any]]:
        return generator_orgs.orgs(self.spec)

    def issues(self) -> Iterator[dict[str, Any]]:
        return generator_issues.issues(self.spec)

    def feedback(self) -> Iterator[dict[str, Any]]:
        return generator_feedback.feedback(self.spec, self.org_names())

    def evidence(self) -> Iterator[dict[str, Any]]:
        return generator_feedback.evidence(self.spec)

    def experiments(self) -> Iterator[dict[str, Any]]:
        return generator_plans.experiments(self.spec)

    def tools(self) -> Iterator[dict[str, Any]]:
        return generator_tools.tools(self.spec)

    def sync_states(self) -> Iterator[dict[str, Any]]:
        return generator_tools.sync_states(self.spec)

    def true_links(self) -> Iterator[tuple[str, str]]:
        """Every (feedback_id, issue_id) pair where the ticket is about the issue.

        About half of them are also recorded as evidence; the rest are for similarity matching
        to find.
        """
        return generator_feedback.true_links(self.spec)

    def org_names(self) -> list[str]:
        if self._org_names is None:
            self._org_names = [generator_orgs.org_name(i) for i in range(self.spec.n_orgs)]
        return self._org_names

    def rows(self, table: str) -> Iterator[dict[str, Any]]:
        """The rows of one table by its name (see TABLE_ORDER)."""
        producers = {
            "connection": self.connections,
            "org": self.orgs,
            "issue": self.issues,
            "feedback": self.feedback,
            "evidence": self.evidence,
            "experiment": self.experiments,
            "tool": self.tools,
            "sync_state": self.sync_states,
        }
        if table not in producers:
            raise ValueError(f"the generator has no table {table!r}")
        return producers[table]()

    def counts(self) -> dict[str, int]:
        """Rows per table; evidence is counted by a cheap pass over the feedback skeletons."""
        if self._evidence_count is None:
            walk = generator_feedback.walk(self.spec)
            self._evidence_count = sum(1 for _, _, s in walk if s.issue >= 0 and s.evidence)
        return {
            "connection": sum(1 for _ in self.connections()),
            "org": self.spec.n_orgs,
            "issue": self.spec.n_issues,
            "feedback": self.spec.n_feedback,
            "evidence": self._evidence_count,
            "experiment": self.spec.n_experiments,
            "tool": len(generator_tools.TOOLS),
            "sync_state": len(generator_tools.STREAMS),
        }


def generate(size: str = "small", seed: int = 7, today: date | None = None) -> Company:
    """The company of this size and seed, dated `today`.

    Without `today` it is generated as of the current minute, so nothing in it lies in the
    future; with it, output is the same on every run.
    """
    if today is not None:
        return Company(Spec.build(size, seed, today))
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    return Company(Spec.build(size, seed, now.date(), now))
