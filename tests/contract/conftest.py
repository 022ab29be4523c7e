"""Contract tests need the vendored OpenAPI specs; without them they skip with a reason."""

from pathlib import Path

import pytest

from tests.contract.spec_hook import specs_dir


@pytest.fixture(scope="session")
def api_specs() -> Path:
    """The vendored spec directory, or a skip naming where the specs belong."""
    folder = specs_dir()
    if folder is None:
        pytest.skip("API specs not found: put the vendor specs in /work/shared/api-specs")
    return folder
