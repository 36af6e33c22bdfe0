"""Convert the Advanced Guide's panel (R package tradepolicy) to the panel Parquet tradecalc ships.

Source: Yotov, Piermartini, Monteiro and Larch (2016), *An Advanced Guide to Trade Policy
Analysis: The Structural Gravity Model*, UNCTAD/WTO, as published under CC BY 4.0 in the R package
`tradepolicy` 0.7.0 (`data/agtpa_applications.rda`, repository pachadotdev/tradepolicy, commit
342a655). Run once by a maintainer, with `pyreadr` and `duckdb` installed:

    python scripts/convert_agtpa.py agtpa_applications.rda src/tradecalc/data/panels/agtpa

What changes on the way: `trade` (US$ million, the tradepolicy manual's "current US dollars"
notwithstanding: the Stata files and the book give millions) becomes `value_usd_m`; Romania's
pre-2002 code `ROM` becomes ISO 3166 `ROU`; `year` and `pair_id` become integers and the
dummies 8-bit integers. Nothing else: every row and value is kept, domestic flows included.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

DUMMIES = ["cntg", "lang", "clny", "rta", "rta_lag3", "rta_lag4", "rta_lag6", "rta_lag8",
           "rta_lag9", "rta_lag12", "rta_lead4"]  # fmt: skip


def convert(rda: Path, out_dir: Path) -> dict:
    import duckdb
    import pyreadr

    frame = pyreadr.read_r(str(rda))["agtpa_applications"]
    for column in ("exporter", "importer"):
        frame[column] = frame[column].replace({"ROM": "ROU"})
    frame = frame.rename(columns={"trade": "value_usd_m"})
    frame["year"] = frame["year"].astype("int16")
    frame["pair_id"] = frame["pair_id"].astype("int32")
    for column in DUMMIES:
        frame[column] = frame[column].astype("int8")
    frame = frame[["exporter", "importer", "year", "value_usd_m", "pair_id", "dist", *DUMMIES]]
    frame = frame.sort_values(["year", "exporter", "importer"], ignore_index=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.register("frame", frame)
    target = out_dir / "flows.parquet"
    con.execute(f"COPY frame TO '{target}' (FORMAT parquet, COMPRESSION zstd)")
    codes = sorted(set(frame["exporter"]) | set(frame["importer"]))
    stats = {
        "years": [int(frame["year"].min()), int(frame["year"].max())],
        "economies": len(codes),
        "rows": len(frame),
        "columns": list(frame.columns),
        "codes": codes,
    }
    meta_path = out_dir / "panel.json"  # the source's metadata is kept; the counts refreshed
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    meta.update(stats)
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return {key: stats[key] for key in ("years", "economies", "rows")}


if __name__ == "__main__":
    print(json.dumps(convert(Path(sys.argv[1]), Path(sys.argv[2]))))
