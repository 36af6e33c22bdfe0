"""Every row of the speed table, as paired ratios in one run (run on demand, not in tests).

    python benchmarks/run.py [--runs N] [--only TEXT]

Each row runs its command and a yardstick in turn (A B A B ..., N pairs after one warm-up
pair) in fresh processes, and prints the median of the ratios A/B pair by pair, so a drift
in the machine's speed cancels. The yardstick is one plain ``tradecalc project
scenarios/base.yaml -f json`` run; for start-up it is the bare import of what that command
needs. Peak memory is the largest resident set of the command's process (``ru_maxrss`` of
the reaped child, as ``/usr/bin/time -v`` reports it), median over the runs. The package is
byte-compiled first (as a normal install or first run does), so start-up does not pay for
compiling the sources when ``PYTHONDONTWRITEBYTECODE`` is set.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
TC = [sys.executable, "-m", "tradecalc"]
BASE = "scenarios/base.yaml"
FLOOR = [
    sys.executable,
    "-c",
    "import numpy, yaml, typer, rich.table; from pydantic import BaseModel",
]
PLAIN = [*TC, "project", BASE, "-f", "json"]


def simulate(draws: int) -> list[str]:
    return [*TC, "simulate", BASE, "-f", "json", "--draws", str(draws)]


def sweep(first: int, second: int) -> list[str]:
    grid = [f"pta.utilization=0.5:0.9:{first}", f"deals.0.probability=0:1:{second}"]
    return [*TC, "sweep", BASE, "-f", "csv", "--grid", grid[0], "--grid", grid[1]]


HEADROOM = [*TC, "headroom", "examples/headroom/scenario.yaml", "-f", "json"]
BASERATE = [*TC, "baserate", BASE, "-f", "json"]


def big_baserate() -> list[str]:
    """`baserate` on a 50-million-row stored panel (benchmarks/panel.py's synthetic BACI-shaped
    store, written on first use: a few minutes), read as `--panel bench` from that store."""
    from panel import store, with_env

    home = store(50_000_000)
    question = ["--base", "600", "--target", "1200", "--horizon", "3", "-f", "json"]
    return with_env(home, [*TC, "baserate", "--panel", "bench", *question])


SOLVE = [*TC, "solve", BASE, "--param", "baseline.flows.0.growth", "--metric", "probability"]

ROWS = [
    ("project -f json / import floor", PLAIN, FLOOR, "<= 1.3"),
    ("simulate 100,000 draws / plain run", simulate(100_000), PLAIN, "<= 1.5"),
    ("simulate 1,000,000 draws / plain run", simulate(1_000_000), PLAIN, "<= 4"),
    ("simulate 2,000,000 draws / plain run", simulate(2_000_000), PLAIN, "peak <= 300 MiB"),
    ("simulate 200,000 draws (memory: flat?)", simulate(200_000), PLAIN, ""),
    ("sweep 10,000 points -f csv / plain run", sweep(100, 100), PLAIN, "<= 2"),
    ("sweep 100,000 points -f csv / plain run", sweep(1000, 100), PLAIN, "<= 10, < 1 GiB"),
    ("solve --metric probability / plain run", SOLVE, PLAIN, "<= 3"),
    ("headroom -f json (example) / plain run", HEADROOM, PLAIN, ""),
    ("baserate base.yaml (agtpa) / plain run", BASERATE, PLAIN, "<= 2"),
    ("baserate --calibrate (agtpa) / plain run", [*BASERATE, "--calibrate"], PLAIN, "<= 20"),
    ("baserate, 50M-row panel / plain run", big_baserate, PLAIN, "<= 10"),
]


def run(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one run of ``command``."""
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"failed ({child.returncode}): {' '.join(command)}")
    return wall, usage.ru_maxrss / 1024  # kB on Linux


def paired(label: str, a: list[str], b: list[str], runs: int, goal: str) -> None:
    """One row of the speed table: ``a`` against ``b``, run in turn ``runs`` + 1 times (the
    first pair warms the caches and is not counted); the ratio's min-median-max, A's median
    wall time and peak memory, and the goal."""
    ratios, walls, peaks = [], [], []
    for i in range(runs + 1):
        wall_a, peak_a = run(a)
        wall_b, _ = run(b)
        if i:
            ratios.append(wall_a / wall_b)
            walls.append(wall_a)
            peaks.append(peak_a)
    spread = f"{min(ratios):.2f}-{statistics.median(ratios):.2f}-{max(ratios):.2f}"
    print(
        f"{label:<42} {spread:>24} {statistics.median(walls):7.2f}s "
        f"{statistics.median(peaks):6.0f} MiB  {goal}"
    )


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores, {model}; Python {platform.python_version()}, "
        f"numpy {np.__version__}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="counted pairs per row")
    parser.add_argument("--only", default="", help="only the rows whose label holds this text")
    options = parser.parse_args()
    runs = options.runs
    subprocess.run([sys.executable, "-m", "compileall", "-q", "src/tradecalc"], cwd=ROOT)
    print(machine())
    print(f"{'row':<42} {'ratio (min-median-max)':>24} {'A wall':>8} {'A peak':>10}  goal")
    for label, a, b, goal in ROWS:
        if options.only not in label:
            continue
        a = a() if callable(a) else a  # a row whose data is made on first run
        paired(label, a, b, runs, goal)
    probe = (
        "import sys; from tradecalc.cli.commands import main\n"
        "sys.argv = ['tradecalc', 'project', 'scenarios/base.yaml', '-f', 'json']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('pandas imported:', 'pandas' in sys.modules, '; matplotlib imported:',\n"
        "      'matplotlib' in sys.modules, file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=False
    )
    print(done.stderr.strip())


if __name__ == "__main__":
    main()
