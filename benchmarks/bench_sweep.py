"""Time `tradecalc sweep` over 1,000 grid points of the base scenario (run on demand).

    python benchmarks/bench_sweep.py [--points N]

Reports the library call (YAML read once, every point validated, one vectorised engine
run) and the whole command in a fresh process.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1000)
    n = parser.parse_args().points
    grids = [f"pta.utilization=0.5:0.9:{n // 100}", "deals.0.probability=0:1:100"]

    from tradecalc.loading import read_tree
    from tradecalc.sweep import GridAxis, run_sweep

    tree = read_tree(ROOT / "scenarios" / "base.yaml")
    axes = [GridAxis.parse(g) for g in grids]
    start = time.perf_counter()
    rows = run_sweep(tree, axes)
    library = time.perf_counter() - start

    command = [sys.executable, "-m", "tradecalc", "sweep", "scenarios/base.yaml", "-f", "csv"]
    for g in grids:
        command += ["--grid", g]
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, capture_output=True, check=True)
    whole = time.perf_counter() - start
    print(f"sweep of {len(rows):,} points: library {library:.2f} s, whole command {whole:.2f} s")


if __name__ == "__main__":
    main()
