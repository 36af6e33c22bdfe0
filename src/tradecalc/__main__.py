"""Run the command line as ``python -m tradecalc``."""

from tradecalc.entry import main

main()
