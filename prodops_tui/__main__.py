"""`python -m prodops_tui` runs the command line."""

from prodops_tui.cli import main

main()
