"""Which panel a count runs on: ``--panel ID|FILE``, or the shipped AGTPA panel (issue 25)."""

from __future__ import annotations

import json
from pathlib import Path

from tradecalc.analysis.baserate import PanelRef
from tradecalc.core.errors import Problem, ScenarioError

SHIPPED = "agtpa"
NOT_STATED = "not stated"


def open_panel(spec: str | None) -> PanelRef:
    """The shipped panel for ``None`` or its id; else a Parquet or CSV file in the panel's
    columns (``exporter, importer, year, value_usd_m``), whose absence rule is not stated: a
    year of a pair is then known only where both directions have a row."""
    if spec is None or spec == SHIPPED:
        return _shipped()
    path = Path(spec)
    if not path.is_file():
        raise ScenarioError([Problem("--panel", None, "", f"no panel or file named {spec!r}")])
    reader = "read_csv_auto" if path.suffix.lower() == ".csv" else "read_parquet"
    quoted = str(path).replace("'", "''")
    return PanelRef(
        id=path.stem,
        title=path.name,
        licence=NOT_STATED,
        attribution=NOT_STATED,
        absence=NOT_STATED,
        table=f"{reader}('{quoted}')",
    )


def _shipped() -> PanelRef:
    from importlib.resources import files

    folder = files("tradecalc").joinpath("data/panels/agtpa")
    meta = json.loads(folder.joinpath("panel.json").read_text(encoding="utf-8"))
    quoted = str(folder.joinpath("flows.parquet")).replace("'", "''")
    return PanelRef(
        id=meta["id"],
        title=meta["title"],
        licence=meta["licence"],
        attribution=meta["attribution"],
        absence=meta["absence"],
        table=f"read_parquet('{quoted}')",
    )
