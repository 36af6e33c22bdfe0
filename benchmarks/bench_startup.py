"""Start-up cost of the CLI against the bare imports it needs (run on demand, not in tests).

    python benchmarks/bench_startup.py [--runs N]

Prints the median wall time of N fresh processes for: importing what a projection needs
(numpy, pydantic, yaml, rich, typer), `tradecalc --help`, and `tradecalc project
scenarios/base.yaml` in json and table formats; and whether pandas or matplotlib was imported.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = {
    "bare imports (numpy, pydantic, yaml, rich, typer)": [
        "-c",
        "import numpy, pydantic, yaml, rich.console, rich.table, typer",
    ],
    "tradecalc --help": ["-m", "tradecalc", "--help"],
    "tradecalc project base.yaml -f json": [
        "-m",
        "tradecalc",
        "project",
        "scenarios/base.yaml",
        "-f",
        "json",
    ],
    "tradecalc project base.yaml (table)": ["-m", "tradecalc", "project", "scenarios/base.yaml"],
}


def median_seconds(args: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    for label, args in CASES.items():
        print(f"{label:<52} {1000 * median_seconds(args, runs):7.0f} ms")
    probe = (
        "import sys; from tradecalc.cli import app\n"
        "sys.argv = ['tradecalc', 'project', 'scenarios/base.yaml', '-f', 'json']\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "print('pandas imported:', 'pandas' in sys.modules, '; matplotlib imported:',\n"
        "      'matplotlib' in sys.modules, file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True)
    print(done.stderr.strip())


if __name__ == "__main__":
    main()
