"""Results of ``tradecalc panel``: the panels there are (:class:`PanelList`) and one pair's
series in a panel (:class:`PanelSeries`), each a frozen value with ``.to_dict()`` (the JSON),
``.rows()``/``.columns`` (the CSV) and ``.frame`` (a DataFrame)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tradecalc.panel.info import PanelInfo, cite


def panel_entry(info: PanelInfo) -> dict[str, Any]:
    """A panel in a list: the keys of ``panel list -f json``."""
    return {
        "id": info.id,
        "title": info.title,
        "licence": info.licence,
        "years": list(info.years),
        "economies": info.economies,
        "rows": info.rows,
        "attribution": info.attribution,
        "absence": info.absence,
    }


@dataclass(frozen=True)
class PanelList:
    """``panel list``: the shipped panels first, then the store's."""

    panels: tuple[PanelInfo, ...]

    columns = ("id", "title", "licence", "first_year", "last_year", "economies", "rows")
    """The CSV columns (:meth:`rows`)."""

    def to_dict(self) -> list[dict[str, Any]]:
        return [panel_entry(info) for info in self.panels]

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "id": p.id,
                "title": p.title,
                "licence": p.licence,
                "first_year": p.years[0],
                "last_year": p.years[1],
                "economies": p.economies,
                "rows": p.rows,
            }
            for p in self.panels
        ]

    @property
    def frame(self) -> Any:
        import pandas as pd

        return pd.DataFrame.from_records(self.rows(), columns=list(self.columns))


@dataclass(frozen=True)
class PanelSeries:
    """``panel show``: one row per direction and year, summed over products (or one
    ``product``), in the panel ``info``."""

    info: PanelInfo
    pair: tuple[str, str]
    flows: tuple[tuple[str, str, int, float], ...]
    """(exporter, importer, year, value_usd_m), as the panel holds them."""
    product: str | None = None

    columns = ("exporter", "importer", "year", "value_usd_m", "panel", "source")
    """The CSV columns and the JSON keys (:meth:`rows`)."""

    def flow_rows(self) -> list[dict[str, Any]]:
        return [
            {"exporter": e, "importer": i, "year": int(y), "value_usd_m": float(v)}
            for e, i, y, v in self.flows
        ]

    def to_dict(self) -> list[dict[str, Any]]:
        """One row per direction and year, each naming the panel and its attribution
        (``source``: ``panel ID: attribution``), so a row taken alone still cites it."""
        return self.rows()

    def rows(self) -> list[dict[str, Any]]:
        source = cite(self.info)
        return [{**row, "panel": self.info.id, "source": source} for row in self.flow_rows()]

    @property
    def frame(self) -> Any:
        import pandas as pd

        return pd.DataFrame.from_records(self.rows(), columns=list(self.columns))
