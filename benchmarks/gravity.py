"""Gravity's speed rows (issue 27; run on demand, not in tests).

    python benchmarks/gravity.py [--runs N] [--skip-synthetic]

1. The Advanced Guide's chapter-1 sample (28,152 flows, 6 years, PPML with exporter-year and
   importer-year effects): ``gravity fit`` paired against one plain ``project
   scenarios/base.yaml -f json`` run (A B A B ..., the median of the ratios; goal: at most 10).
2. A synthetic totals panel of 40,000 directed pairs x 25 years (201 economies, 1,005,000
   flows; made up here, see :func:`synthetic_panel`): one ``gravity fit`` run, its wall time
   and peak resident memory (goal: under 60 s and 2 GiB). The panel is written on first run to
   ``benchmarks/.data/`` (not tracked) and reused.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from run import PLAIN, ROOT, TC, paired, run

DATA = ROOT / "benchmarks" / ".data"
CHAPTER1 = [*TC, "gravity", "fit", "--panel", "agtpa", "--years", "1986:2006:4", "-f", "json"]
ECONOMIES, YEARS = 201, 25
"""201 economies trade in 201 x 200 = 40,200 directed pairs: the issue's 40,000 pairs."""


def synthetic_panel(path: Path, seed: int = 27) -> Path:
    """A MADE-UP totals panel in the panel's columns, drawn from a gravity model: sizes by
    economy and year, log-normal distances, contiguity, language and colony dummies, Poisson
    noise on the level, and about a quarter of the flows zero. Values mean nothing."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    codes = np.array([f"E{i:03d}" for i in range(ECONOMIES)])
    ex, im = np.meshgrid(np.arange(ECONOMIES), np.arange(ECONOMIES), indexing="ij")
    keep = ex != im
    ex, im = ex[keep], im[keep]
    low, high = np.minimum(ex, im), np.maximum(ex, im)
    pair = low * ECONOMIES + high
    dist = np.exp(rng.normal(8.3, 0.8, ECONOMIES * ECONOMIES))[pair]
    dummies = {k: (rng.random(ECONOMIES * ECONOMIES) < p)[pair] for k, p in
               (("cntg", 0.03), ("lang", 0.15), ("clny", 0.05))}  # fmt: skip
    size = rng.normal(0, 1.5, ECONOMIES)
    frames = []
    for t in range(YEARS):
        grow = size + 0.02 * t + rng.normal(0, 0.05, ECONOMIES)
        mu = np.exp(
            grow[ex] + grow[im] - 0.9 * np.log(dist) + 0.5 * dummies["cntg"]
            + 0.3 * dummies["lang"] + 0.2 * dummies["clny"] + 8.0
        )  # fmt: skip
        value = rng.poisson(mu * rng.lognormal(0, 0.5, mu.size)) / 10.0
        frames.append(
            pd.DataFrame(
                {
                    "exporter": codes[ex],
                    "importer": codes[im],
                    "year": np.int16(2000 + t),
                    "value_usd_m": value,
                    "pair_id": pair.astype("int32"),
                    "dist": dist,
                    **{k: v.astype("int8") for k, v in dummies.items()},
                }
            )
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.concat(frames, ignore_index=True).to_parquet(path, index=False)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="counted pairs for row 1")
    parser.add_argument("--skip-synthetic", action="store_true", help="row 1 only")
    args = parser.parse_args()
    paired("chapter-1 fit / plain project", CHAPTER1, PLAIN, args.runs, "<= 10")
    if args.skip_synthetic:
        return
    path = DATA / f"synthetic-{ECONOMIES}x{YEARS}.parquet"
    if not path.exists():
        synthetic_panel(path)
    wall, peak = run([*TC, "gravity", "fit", "--panel", str(path), "-f", "json"])
    print(
        f"synthetic {ECONOMIES * (ECONOMIES - 1):,} pairs x {YEARS} years fit: {wall:.1f} s, "
        f"peak {peak:.0f} MiB; goal < 60 s, < 2048 MiB"
    )


if __name__ == "__main__":
    main()
