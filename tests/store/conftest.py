"""The read-path tests' workspace: a store filled with known rows, opened by a Reader."""

from collections.abc import Iterator

import pytest
from read_rows import fill

from prodops_tui.store.reads import Reader
from prodops_tui.store.store import Store


@pytest.fixture
def reader(db_url: str) -> Iterator[Reader]:
    store = Store.open(db_url)
    try:
        fill(store)
    finally:
        store.close()
    opened = Reader(db_url)
    yield opened
    opened.close()
