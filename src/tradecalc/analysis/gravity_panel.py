"""The panel a gravity command fits on: the shipped AGTPA panel by id, or a file in the panel's
columns, with the id, title, licence and attribution every output prints.

Refuses, one line each (exit 2): an unknown id, a file it cannot read, a panel without one of
the pair's economies (saying which panel to import or fetch).
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradecalc.analysis.gravity import refuse

if TYPE_CHECKING:
    import pandas as pd

SHIPPED = "agtpa"
NOT_STATED = "not stated"


def open_panel(spec: str | None, codes: tuple[str, str] | None) -> tuple[dict[str, Any], Any]:
    """(id, title, licence, attribution; the rows as a DataFrame) of ``spec`` (default agtpa)."""
    if spec is None or spec == SHIPPED:
        info, frame = _shipped()
    elif Path(spec).suffix.lower() in (".parquet", ".csv"):
        info, frame = _file(Path(spec))
    else:
        refuse("--panel", f"no panel {spec!r}: give {SHIPPED} or a .parquet or .csv file")
    if codes is not None:
        check_economies(info, frame, codes)
    return info, frame


def check_economies(info: dict[str, Any], frame: pd.DataFrame, codes: tuple[str, str]) -> None:
    """One line when the panel lacks one of the codes, naming what to import or fetch."""
    known = set(frame["exporter"]) | set(frame["importer"])
    missing = [code for code in codes if code not in known]
    if not missing:
        return
    years = f"{int(frame['year'].min())}\N{EN DASH}{int(frame['year'].max())}"
    which = " and ".join(missing)
    verb = "is" if len(missing) == 1 else "are"
    refuse(
        "--economies",
        f"{which} {verb} not in panel {info['id']} ({len(known)} economies, {years}): import a "
        f"panel that holds both (tradecalc panel import) or fetch one (tradecalc panel fetch imf "
        f"--economies {' '.join(codes)})",
    )


def _shipped() -> tuple[dict[str, Any], Any]:
    import pandas as pd

    folder = files("tradecalc").joinpath(f"data/panels/{SHIPPED}")
    meta = json.loads(folder.joinpath("panel.json").read_text(encoding="utf-8"))
    with folder.joinpath("flows.parquet").open("rb") as stream:
        frame = pd.read_parquet(stream)
    return _info(meta), frame


def _file(path: Path) -> tuple[dict[str, Any], Any]:
    import pandas as pd

    try:
        read = pd.read_csv if path.suffix.lower() == ".csv" else pd.read_parquet
        frame = read(path)
    except (OSError, ValueError, ImportError) as error:
        refuse(f"--panel {path}", f"cannot read: {' '.join(str(error).split())[:200]}")
    return _info({"id": path.stem, "title": path.name, **_meta_beside(path)}), frame


def _meta_beside(path: Path) -> dict[str, Any]:
    """The ``panel.json`` next to a panel file, if any (its id, title, licence, attribution)."""
    meta_path = path.with_name("panel.json")
    if not meta_path.is_file():
        return {}
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        refuse(f"--panel {meta_path}", f"cannot read: {' '.join(str(error).split())[:200]}")
    return meta if isinstance(meta, dict) else {}


def _info(meta: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": meta.get("id"),
        "title": meta.get("title"),
        "licence": meta.get("licence", NOT_STATED),
        "attribution": meta.get("attribution", NOT_STATED),
    }
