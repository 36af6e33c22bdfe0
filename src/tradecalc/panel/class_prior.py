"""The shock prior of a size class, as the odds use it: counted once per panel, size and cut-off
year, then read from a small cache (methods.md 8.2).

The odds of every `project` run need the prior of the scenario's size class; counting it costs
a DuckDB pass over the panel, so the answer is kept in the user cache directory, keyed by the
panel (id, rows, years), the band and the cut-off year. A panel that changes changes its key.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tradecalc.panel.info import PanelInfo

CACHE_FILE = "size-class-priors.json"
CACHE_LIMIT = 2_000
"""Entries kept at most (the oldest go first): a few hundred KB."""


@dataclass(frozen=True)
class ClassPrior:
    """A size class's prior of the annual shock variance, and where it came from."""

    sd: float | None  # prior scale s0 (None: no changes in the band)
    df: float  # weight nu0
    changes: int
    pairs: int
    centre: float
    capped: bool
    panel: str  # the panel's id
    label: str  # its title and licence, as every output using it prints
    band_usd_m: tuple[float, float]
    until: int | None = None

    def source(self) -> dict[str, Any]:
        """The JSON ``prior_source`` of ``odds.shock``."""
        return {
            "panel": self.panel,
            "label": self.label,
            "band_usd_m": list(self.band_usd_m),
            "changes": self.changes,
            "pairs": self.pairs,
            "until": self.until,
            "capped": self.capped,
        }


def class_prior(
    info: PanelInfo, base: float, band: float = 2.0, until: int | None = None
) -> ClassPrior:
    """The prior of the changes whose start value lies in ``[base / band, base * band]``, only
    those that ended by ``until`` when given (out of sample); cached."""
    low, high = base / band, base * band
    key = f"{info.id}|{info.rows}|{info.years[0]}-{info.years[1]}|{low!r}|{high!r}|{until}"
    cache = read_cache(CACHE_FILE)
    if key in cache:
        found = cache[key]
        return ClassPrior(**{**found, "band_usd_m": tuple(found["band_usd_m"])})
    prior = _count(info, low, high, until)
    cache[key] = asdict(prior)
    write_cache(CACHE_FILE, cache)
    return prior


def _count(info: PanelInfo, low: float, high: float, until: int | None) -> ClassPrior:
    from tradecalc.model.size_prior import size_class_prior
    from tradecalc.panel import query, windows

    with query.connect() as con:
        windows.load_series(
            con, query.read_expression(info.path, info.columns), info.absence, query.successor
        )
        found = windows.changes(con, low, high)
    keep = found.year <= until if until is not None else slice(None)
    sd, df, why = size_class_prior(found.change[keep], found.pair[keep])
    return ClassPrior(
        sd=sd if math.isfinite(sd) else None,
        df=float(df),
        changes=why["changes"],
        pairs=why["pairs"],
        centre=why["centre"],
        capped=bool(why["capped"]),
        panel=info.id,
        label=info.label,
        band_usd_m=(low, high),
        until=until,
    )


def _cache_path(name: str) -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("tradecalc", appauthor=False)) / name


def read_cache(name: str) -> dict[str, dict[str, Any]]:
    """A JSON cache of the user cache directory, or empty when it is missing or damaged (it is
    only ever a shortcut)."""
    try:
        data = json.loads(_cache_path(name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_cache(name: str, data: dict[str, dict[str, Any]]) -> None:
    """Write a cache atomically, its newest :data:`CACHE_LIMIT` entries; a cache that cannot be
    written is skipped silently."""
    import contextlib
    import os
    import tempfile

    data = dict(list(data.items())[-CACHE_LIMIT:])
    path = _cache_path(name)
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".cache-", suffix=".json")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(data, out)
            os.replace(temporary, path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
