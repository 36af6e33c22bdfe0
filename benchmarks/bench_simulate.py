"""`tradecalc simulate` against a plain `tradecalc project`, in fresh processes (on demand).

    python benchmarks/bench_simulate.py [--runs N]

Prints the median wall time of N runs of `project -f json` and of `simulate --draws
100000 -f json` on the base scenario (each a whole command: start-up, load, compute,
render), their ratio, and the peak memory (max RSS) of 100,000 and 1,000,000 draws.
The goal: 100,000 draws cost no more than about three plain runs, with peak memory well
under 1 GiB.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRADECALC = [sys.executable, "-m", "tradecalc"]
PROJECT = [*TRADECALC, "project", "scenarios/base.yaml", "-f", "json"]
SIMULATE = [*TRADECALC, "simulate", "scenarios/base.yaml", "-f", "json", "--draws"]

# a parent with a single child reads that child's peak resident memory (kB on Linux)
PEAK = (
    "import resource, subprocess, sys; "
    "subprocess.run(sys.argv[1:], check=True, capture_output=True); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_mib(command: list[str]) -> float:
    done = subprocess.run(
        [sys.executable, "-c", PEAK, *command], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return int(done.stdout) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    plain = seconds(PROJECT, runs)
    draws = seconds([*SIMULATE, "100000"], runs)
    print(f"project (one plain run)        {plain:6.2f} s   peak {peak_mib(PROJECT):6.0f} MiB")
    print(
        f"simulate 100,000 draws         {draws:6.2f} s   peak "
        f"{peak_mib([*SIMULATE, '100000']):6.0f} MiB   = {draws / plain:.1f} plain runs"
    )
    million = seconds([*SIMULATE, "1000000"], 1)
    print(
        f"simulate 1,000,000 draws       {million:6.2f} s   peak "
        f"{peak_mib([*SIMULATE, '1000000']):6.0f} MiB"
    )


if __name__ == "__main__":
    main()
