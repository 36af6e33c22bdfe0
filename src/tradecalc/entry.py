"""The console script: exit 130 on Ctrl-C even while the command line is still loading."""

import sys


def main() -> None:
    try:
        from tradecalc.cli import main as run

        run()
    except KeyboardInterrupt:
        sys.exit(130)
