"""``tradecalc panel fetch imf``: the IMF's bilateral goods trade (IMTS) as a panel in the store,
all or nothing.

The id is checked before the first call; every call is made and every answer checked before
anything is written (:mod:`tradecalc.ingest.imf`); the rows then go to one Parquet file in a
staging directory of the store, which becomes the panel by one rename (:mod:`.store`). A
failure anywhere leaves the store as it was.
"""

from __future__ import annotations

import datetime

from tradecalc.core.errors import Problem
from tradecalc.ingest import http, imf
from tradecalc.panel import importing, store
from tradecalc.panel.info import PanelInfo
from tradecalc.panel.query import connect, literal

DEFAULT_ID = "imf-imts"
SOURCE_URL = "https://data.imf.org/en/datasets/IMF.STA:IMTS"
LICENCE = "IMF Copyright and Usage: Data may be reused and redistributed with attribution"
TERMS = "https://www.imf.org/en/About/copyright-and-terms"


def fetch_panel(
    economies: tuple[str, str] | None,
    years: list[int],
    *,
    monthly: bool = False,
    panel_id: str | None = None,
) -> tuple[PanelInfo, list[Problem]]:
    """Fetch IMTS and store it as a new panel: the panel, and warnings (one line each)."""
    meta = metadata(economies, years, monthly)
    meta["id"] = panel_id or DEFAULT_ID
    store.check_id(meta["id"])
    fetched = imf.fetch(economies, years, monthly)
    if not fetched.flows:
        asked = " and ".join(economies) if economies else "any economy"
        http.fail_remote(
            imf.LABEL,
            f"{imf.SERVICE} reported no goods exports for {asked} in {years[0]}-{years[-1]}",
        )
    warnings = []
    if fetched.groups_left_out:
        message = (
            f"warning: {fetched.groups_left_out:,} observations with a country group or an "
            "unknown code as reporter or partner (G001 the world, ...) were left out"
        )
        warnings.append(Problem(imf.LABEL, None, "", message))
    with store.staging_folder() as work, connect(importing.IMPORT_MEMORY) as con:
        _write(con, fetched, monthly, work / "flows-0000.parquet")
        meta.update(importing.counts(con, work))
        meta["requests"] = fetched.urls
        return store.commit(work, meta), warnings


def _write(con, fetched: imf.Fetched, monthly: bool, target) -> None:
    import pandas as pd

    columns = ["exporter", "importer", "year", *(["month"] if monthly else []), "value_usd_m"]
    frame = pd.DataFrame.from_records(list(imf.rows(fetched, monthly)), columns=columns)
    con.register("fetched", frame)
    month = "CAST(month AS TINYINT) AS month, " if monthly else ""
    con.execute(
        f"""COPY (SELECT exporter, importer, CAST(year AS SMALLINT) AS year, {month}
                         CAST(value_usd_m AS DOUBLE) AS value_usd_m
                  FROM fetched ORDER BY ALL)
            TO {literal(str(target))} (FORMAT parquet, COMPRESSION zstd)"""
    )
    con.unregister("fetched")


def metadata(economies: tuple[str, str] | None, years: list[int], monthly: bool) -> dict:
    """What an IMTS panel says about its source (the counts come from its rows)."""
    today = datetime.date.today().isoformat()
    frequency = "monthly" if monthly else "annual"
    return {
        "title": f"IMF IMTS: goods exports by partner, FOB, {frequency}",
        "release": f"IMF.STA:IMTS, retrieved {today}",
        "source_url": SOURCE_URL,
        "licence": LICENCE,
        "attribution": (
            "International Monetary Fund, International Trade in Goods by partner country "
            f"(IMTS, formerly DOTS), IMF.STA:IMTS, {SOURCE_URL}, retrieved {today}; "
            f"terms: {TERMS}"
        ),
        "absence": "not-reported",
        "absence_note": "a series or period the IMF's answer lacks, or an empty value, is not "
        "reported, never zero (IMTS includes IMF estimates for some non-reporters)",
        "value": "US$ million, FOB, goods exports as the exporter reports them (XG_FOB_USD / 1e6)",
        "frequency": frequency,
        "product": None,
    }
