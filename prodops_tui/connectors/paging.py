"""Pagination loop guard: a service that hands back a cursor it already gave (the same page
again, or one that goes backwards) would keep a sync reading forever."""

from collections.abc import Hashable

from prodops_tui.connectors.errors import BadResponse

__all__ = ["Trail"]


class Trail:
    """The cursors (tokens, offsets) one paginated read has followed."""

    def __init__(self, service: str, name: str, what: str) -> None:
        self.service, self.name, self.what = service, name, what
        self._seen: set[Hashable] = set()

    def follow(self, cursor: Hashable) -> None:
        """Note the cursor about to be read; BadResponse if this read has been there before."""
        if cursor in self._seen:
            text = f"{self.name} sent {self.what} it had sent before (a pagination loop)"
            raise BadResponse(f"{text}; stopped there", service=self.service)
        self._seen.add(cursor)
