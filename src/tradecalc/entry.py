"""The console script: exit 130 on Ctrl-C even while the command line is still loading."""

import os
import sys

# pydantic looks for plugins in every installed package's entry points when the first model
# is built (about 15 ms of each start); the command line uses none. PYDANTIC_DISABLE_PLUGINS
# is pydantic's documented switch ("__all__", "1" or "true"); a value already set is kept.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def main() -> None:
    try:
        from tradecalc.cli.commands import main as run

        run()
    except KeyboardInterrupt:
        sys.exit(130)
