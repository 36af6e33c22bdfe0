"""Run the command line as ``python -m tradecalc``."""

from tradecalc.cli import main

main()
