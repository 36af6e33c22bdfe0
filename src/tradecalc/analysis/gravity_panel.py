"""The rows a gravity fit reads from a panel (``--panel ID|FILE``, through
:mod:`tradecalc.panel`), with the id, title, licence and attribution every output prints.

Refuses, one line each (exit 2): an unknown id or a bad file (the catalog's own lines), a panel
without one of the pair's economies (saying which panel to import or fetch).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tradecalc.analysis.gravity import refuse

if TYPE_CHECKING:
    import pandas as pd

    from tradecalc.panel.info import PanelInfo

KEYS = ("exporter", "importer", "year", "value_usd_m")


def open_panel(
    spec: str | None,
    codes: tuple[str, str] | None,
    years: tuple[int, ...] | None = None,
) -> tuple[dict[str, Any], pd.DataFrame]:
    """(the panel's id, title, licence and attribution; its rows in ``years`` as a DataFrame).

    ``spec`` None: the first panel in the store holding both ``codes``, else AGTPA. A panel with
    product rows is summed over products (covariates are per pair and year).
    """
    from tradecalc.panel import catalog

    info = catalog.resolve(spec, economies=tuple(codes or ()))
    if codes is not None:
        check_economies(info, codes)
    return info.to_dict(), _rows(info, years)


def check_economies(info: PanelInfo, codes: tuple[str, str]) -> None:
    """One line when the panel lacks one of the codes, naming what to import or fetch."""
    missing = [code for code in codes if info.codes and code not in info.codes]
    if not missing:
        return
    which = " and ".join(missing)
    verb = "is" if len(missing) == 1 else "are"
    first, last = info.years
    refuse(
        "--economies",
        f"{which} {verb} not in panel {info.id} ({info.economies} economies, {first}"
        f"\N{EN DASH}{last}): import a panel that holds both (tradecalc panel import) or fetch "
        f"one (tradecalc panel fetch imf --economies {' '.join(codes)})",
    )


def _rows(info: PanelInfo, years: tuple[int, ...] | None) -> pd.DataFrame:
    """The panel's rows (in ``years``), summed over products where it has them."""
    from tradecalc.panel import query

    where = f"WHERE year IN ({', '.join(str(int(y)) for y in years)})" if years else ""
    if info.has_products:
        others = [c for c in info.columns if c not in (*KEYS, "product")]
        extra = "".join(f', any_value("{c}") AS "{c}"' for c in others)
        sql = (
            "SELECT exporter, importer, year, sum(value_usd_m) AS value_usd_m"
            f"{extra} FROM {query.flows(info)} {where} GROUP BY exporter, importer, year"
        )
    else:
        sql = f"SELECT * FROM {query.flows(info)} {where}"
    with query.connect() as con:
        frame = con.execute(sql).df()
    return frame.sort_values(["year", "exporter", "importer"], kind="stable").reset_index(drop=True)
