"""The one line a briefing prints about a scenario's pair and gravity: its normal level where a
panel holds both economies, or which panel to import or fetch where none does (issue 27, item 3).

The header's line comes from :func:`briefing_line`; it fits only when a panel holds the pair
(and then one year, PPML with exporter and importer effects: :data:`BRIEFING_SPEC`), so a pair
outside every panel costs a look at the panels' metadata and nothing more.
"""

from __future__ import annotations

from typing import Any

from tradecalc.analysis.gravity import GravitySpec
from tradecalc.analysis.gravity_normal import (
    no_normal_level_line,
    normal_level,
    normal_level_line,
    scenario_record,
)

BRIEFING_SPEC = GravitySpec(fixed_effects=("exporter", "importer"))
"""The briefing's fit: the panel's latest year only (set per panel), PPML, log distance,
contiguity, language and colony, exporter and importer effects (on one year, the same as
exporter-year and importer-year effects), clustered by pair."""


def briefing_line(scenario: Any) -> tuple[str, str]:
    """(label, text) for the header: "Normal level (gravity, PANEL, YEAR)" and "N US$ m (P10-P90
    a-b); the record is r x it; the target is t x it", or "Normal level" and which panel to
    import or fetch. Without pyfixest, one line says how to install it (no error)."""
    import importlib.util

    from tradecalc.analysis.gravity_panel import open_panel
    from tradecalc.panel import catalog

    a, b = scenario.codes
    info = catalog.resolve(None, economies=(a, b))
    if not info.holds((a, b)):
        return no_normal_level_line((a, b), [p.id for p in catalog.list_panels()])
    if importlib.util.find_spec("pyfixest") is None:
        return ("Normal level", "needs pyfixest: pip install -e '.[gravity]'")
    latest = info.years[1]
    spec = GravitySpec(**{**BRIEFING_SPEC.__dict__, "years": (latest,)})
    panel, frame = open_panel(info.id, (a, b), spec.years)
    from tradecalc.analysis.gravity import fit

    normal = normal_level(fit(frame, spec, panel), a, b, latest)
    record = scenario_record(scenario)
    year, usd_m = record if record is not None else (None, None)
    return normal_level_line(normal, usd_m, scenario.target.value_usd_m, year)
