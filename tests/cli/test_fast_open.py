"""Opening a ready workspace takes the short path; everything else goes to click."""

import subprocess
import sys

import pytest

from prodops_tui.cli import _plain_open_arguments


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], (None, False)),
        (["--read-only"], (None, True)),
        (["-w", "team"], ("team", False)),
        (["--workspace", "team", "--read-only"], ("team", True)),
        (["--workspace=eu"], ("eu", False)),
        (["demo"], None),
        (["--help"], None),
        (["--workspace"], None),
        (["--workspace", "--read-only"], None),
        (["--version"], None),
    ],
)
def test_only_plain_open_arguments_take_the_short_path(
    argv: list[str], expected: tuple[str | None, bool] | None
) -> None:
    assert _plain_open_arguments(argv) == expected


def test_the_short_path_does_not_import_click() -> None:
    code = "import sys, prodops_tui.cli; print('click' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False"
