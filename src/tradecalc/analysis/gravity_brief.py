"""The one line a briefing prints about a scenario's pair and gravity: its normal level where a
panel holds both economies, or which panel to import or fetch where none does (issue 27, item 3).

The header's line comes from :func:`briefing_line`. It fits only when a panel holds the pair
(one year, PPML with exporter and importer effects: :data:`BRIEFING_SPEC`), and keeps what the
line needs in the user's cache, keyed by the panel's identity (id, release, retrieval date,
rows) and the fit, so the next briefing of the pair reads it back instead of fitting again. A
pair outside every panel costs a look at the panels' metadata and nothing more.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from tradecalc.analysis.gravity import GravitySpec
from tradecalc.analysis.gravity_normal import (
    no_normal_level_line,
    normal_level,
    normal_level_line,
    scenario_record,
)
from tradecalc.analysis.gravity_result import Direction, NormalLevel

BRIEFING_SPEC = GravitySpec(fixed_effects=("exporter", "importer"))
"""The briefing's fit: the panel's latest year only (set per panel), PPML, log distance,
contiguity, language and colony, exporter and importer effects (on one year, the same as
exporter-year and importer-year effects), clustered by pair."""
CACHE_VERSION = 1


def briefing_line(scenario: Any) -> dict[str, str]:
    """The header's line: ``label`` "Normal level (gravity, PANEL, YEAR)" and ``text`` "N US$ m
    (P10-P90 a-b); the record is r x it; the target is t x it", or "Normal level" and which
    panel to import or fetch (without pyfixest and nothing cached, how to install it); and
    ``fact``, the text without its advice, which the brief prints where it has no room for
    the advice."""
    from tradecalc.panel import catalog

    a, b = scenario.codes
    info = catalog.resolve(None, economies=(a, b))
    if not info.holds((a, b)):
        label, text = no_normal_level_line((a, b), [p.id for p in catalog.list_panels()])
        return {"label": label, "text": text, "fact": f"no panel holds both {a} and {b}"}
    normal = briefing_normal_level(info, a, b)
    if normal is None:
        text = "needs pyfixest: pip install -e '.[gravity]'"
        return {"label": "Normal level", "text": text, "fact": "not computed (needs pyfixest)"}
    record = scenario_record(scenario)
    year, usd_m = record if record is not None else (None, None)
    label, text = normal_level_line(normal, usd_m, scenario.target.value_usd_m, year)
    return {"label": label, "text": text, "fact": text}


def briefing_normal_level(info: Any, a: str, b: str) -> NormalLevel | None:
    """The pair's normal level in the panel's latest year under :data:`BRIEFING_SPEC`, from the
    cache or fitted (then cached); None without pyfixest and nothing cached."""
    import importlib.util

    latest = info.years[1]
    spec = GravitySpec(**{**asdict(BRIEFING_SPEC), "years": (latest,)})
    path = _cache_path(info, spec, a, b)
    cached = _read(path)
    if cached is not None:
        return cached
    if importlib.util.find_spec("pyfixest") is None:
        return None
    from tradecalc.analysis.gravity import fit
    from tradecalc.analysis.gravity_panel import open_panel

    panel, frame = open_panel(info.id, (a, b), spec.years)
    normal = normal_level(fit(frame, spec, panel), a, b, latest)
    _write(path, normal)
    return normal


def _cache_path(info: Any, spec: GravitySpec, a: str, b: str) -> Path:
    import platformdirs

    identity = [CACHE_VERSION, info.id, info.release, info.retrieved, info.rows, asdict(spec), a, b]
    key = hashlib.sha256(json.dumps(identity, default=str).encode()).hexdigest()[:32]
    folder = Path(platformdirs.user_cache_dir("tradecalc", appauthor=False)) / "gravity"
    return folder / f"{key}.json"


def _read(path: Path) -> NormalLevel | None:
    """A cached normal level; None when absent or unreadable (it is then fitted again)."""
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
        (a, b), (one, other) = d["pair"], d["by_direction"]
        return NormalLevel(
            pair=(str(a), str(b)),
            year=int(d["year"]),
            by_direction=(Direction(**one), Direction(**other)),
            band_usd_m=(float(d["band_usd_m"][0]), float(d["band_usd_m"][1])),
            band_log_ratio=(float(d["band_log_ratio"][0]), float(d["band_log_ratio"][1])),
            band_flows=int(d["band_flows"]),
            panel=dict(d["panel"]),
            fit=dict(d["fit"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write(path: Path, normal: NormalLevel) -> None:
    """Keep the normal level for the next briefing; a cache that cannot be written is skipped."""
    from tradecalc.core.safeio import WriteError, write_atomically

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, json.dumps(asdict(normal)), "cache")
    except (OSError, WriteError):
        pass
