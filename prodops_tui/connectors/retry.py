"""How long an HttpCore keeps trying: PATIENT for background sync and push, INTERACTIVE for a
read a person waits on (Backlog comments, the Inbox thread, triage lookups)."""

from dataclasses import dataclass
from typing import Any

__all__ = ["INTERACTIVE", "PATIENT", "RetryPolicy"]


@dataclass(frozen=True)
class RetryPolicy:
    """How long an HttpCore keeps trying before it raises."""

    max_attempts: int = 6
    max_wait: float = 60.0
    """The longest single wait: backoff is capped by it, a longer Retry-After raises at once."""
    timeout: float = 30.0
    connect_timeout: float | None = None
    """Seconds to open a connection; None: `timeout`."""

    def options(self) -> dict[str, Any]:
        """The HttpCore keyword arguments of this policy."""
        return {
            "max_attempts": self.max_attempts,
            "max_wait": self.max_wait,
            "timeout": self.timeout,
            "connect_timeout": self.connect_timeout,
        }


PATIENT = RetryPolicy()
"""Background sync and push: waits out an outage or a rate limit (6 tries, up to 60 s a wait)."""
INTERACTIVE = RetryPolicy(max_attempts=2, max_wait=3.0, timeout=10.0, connect_timeout=1.5)
"""A person waiting on a pane: one retry, then the reason (an unreachable host: about 4 s at
worst, a refused connection: under 1 s)."""
