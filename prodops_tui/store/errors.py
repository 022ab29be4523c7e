"""Store errors and URL masking, importable without SQLAlchemy."""

import re

_USERINFO_PASSWORD = re.compile(r"(://[^/@:]*):[^/@]*@")


class StoreError(Exception):
    """A database problem said in one line: no traceback, no secret."""


def mask_url(url: str) -> str:
    """The URL with any password replaced by ***."""
    return _USERINFO_PASSWORD.sub(r"\1:***@", url)


class ReadCancelled(StoreError):
    """A read stopped because its caller no longer wants the result."""
