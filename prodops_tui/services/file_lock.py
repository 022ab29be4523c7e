"""An exclusive lock on a file, shared by every process (and thread) on this machine."""

import asyncio
import fcntl
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

__all__ = ["LockTimeout", "held"]


class LockTimeout(TimeoutError):
    """Another holder kept the lock past the timeout."""


@asynccontextmanager
async def held(path: Path, *, timeout: float = 30.0, poll: float = 0.05) -> AsyncIterator[None]:
    """Hold `path`'s flock (created 0600 with its folder) without blocking the event loop.

    Each call opens the file anew, so two holders in one process exclude each other too."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + timeout
        while not _try_lock(descriptor):
            if time.monotonic() >= deadline:
                raise LockTimeout(f"{path.name} stayed locked for {timeout:g} s")
            await asyncio.sleep(poll)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def _try_lock(descriptor: int) -> bool:
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
