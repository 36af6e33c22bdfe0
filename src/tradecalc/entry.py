"""The console script: exit 130 on Ctrl-C even while the command line is still loading."""

import os
import sys

# pydantic looks for plugins in every installed package's entry points when the first model
# is built (about 15 ms of each start); the command line uses none. PYDANTIC_DISABLE_PLUGINS
# is pydantic's documented switch ("__all__", "1" or "true"); a value already set is kept.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
# numpy's OpenBLAS starts a thread per core when numpy is imported, and its threads spin
# between calls; tradecalc's matrix products are small (RCA and density: 200 x 1,229 in
# milliseconds), so the threads cost more than they give: measured with farm-bench on this
# project's 2-core machine, `project` 0.38 -> 0.33 s and `headroom` of an HS4 world file
# 1.00 -> 0.84 s. OpenBLAS reads the variable once, when numpy loads (here, before it); a
# value already set is kept.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def main() -> None:
    try:
        from tradecalc.cli.commands import main as run

        run()
    except KeyboardInterrupt:
        sys.exit(130)
