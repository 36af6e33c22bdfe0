"""Where a scenario's numbers come from: every part that can carry `source:` or `assumption:`,
with its location, and which parts must carry one."""

from tradecalc.scenario.sections import Provenanced, ScenarioFields
from tradecalc.scenario.terms import Loc


def provenance_items(scenario: ScenarioFields) -> list[tuple[Loc, Provenanced]]:
    """Every part of a scenario that can carry `source:` or `assumption:`, with its location."""
    s = scenario
    items: list[tuple[Loc, Provenanced]] = [(("target",), s.target)]
    if "elasticities" in s.model_fields_set:
        items.append((("elasticities",), s.elasticities))
    if s.tariff_elasticities is not None:
        items.append((("tariff_elasticities",), s.tariff_elasticities))
    items += [(("baseline", "flows", i), f) for i, f in enumerate(s.baseline.flows)]
    items += [(("history", i), h) for i, h in enumerate(s.history)]
    if s.pta is not None:
        items.append((("pta",), s.pta))
        items += [(("pta", "lines", i), line) for i, line in enumerate(s.pta.lines)]
    items += [(("tariff_changes", i), c) for i, c in enumerate(s.tariff_changes)]
    if s.tta is not None:
        items.append((("tta",), s.tta))
    items += [(("deals", i), d) for i, d in enumerate(s.deals)]
    if s.uncertainty is not None:
        items.append((("uncertainty",), s.uncertainty))
    return items


def must_be_sourced(loc: Loc) -> bool:
    """Flows, deals, tariff changes and history entries must carry a source or an assumption."""
    return loc[0] in ("deals", "tariff_changes", "history") or loc[:2] == ("baseline", "flows")
