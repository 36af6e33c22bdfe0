"""Rules across the fields of a scenario (docs/scenario-format.md, "Rules" and "Warnings").

The pydantic models (:mod:`tradecalc.scenario.sections`) check each field; these rules need the
whole validated scenario: directions of the pair, keys that must match, years in range, sources
that exist. :func:`semantic_problems` gives errors; :func:`plausibility_warnings` gives likely
mistakes that are still valid input.
"""

from __future__ import annotations

from collections import Counter

from tradecalc.scenario.sections import ScenarioFields, provenance_items
from tradecalc.scenario.terms import (
    CUSTOMS_CATEGORIES,
    Loc,
    did_you_mean,
    iso_name,
    yearly_log_changes,
)


def semantic_problems(scenario: ScenarioFields) -> list[tuple[Loc, str]]:
    """Rules that span fields (scenario-format.md "Rules"), as ``(loc, message)`` pairs."""
    s = scenario
    problems: list[tuple[Loc, str]] = []

    def add(loc: Loc, message: str) -> None:
        problems.append((loc, message))

    if not _economies_ok(add, s):
        return problems  # every direction and reporter would be wrong too: fix this first
    directions = set(s.directions)

    def check_direction(loc: Loc, direction: str) -> None:
        if direction not in directions:
            add(loc, f"not a direction of {', '.join(s.codes)}: use {' or '.join(s.directions)}")

    if not s.base_year < s.by_year <= s.horizon:
        add(
            ("target", "by_year") if s.target.by_year is not None else ("horizon",),
            f"must satisfy base_year < target.by_year <= horizon "
            f"(got {s.base_year} < {s.by_year} <= {s.horizon})",
        )
    if s.horizon - s.base_year > 100:
        add(("horizon",), f"at most 100 years after base_year {s.base_year}, got {s.horizon}")

    if s.baseline.reporter is not None and s.baseline.reporter not in s.codes:
        add(("baseline", "reporter"), f"not one of the economies {', '.join(s.codes)}")
    flow_keys = [(f.direction, f.sector) for f in s.baseline.flows]
    for i, key in enumerate(flow_keys):
        check_direction(("baseline", "flows", i, "direction"), key[0])
        if flow_keys.index(key) != i:
            add(("baseline", "flows", i), f"duplicate flow {key[0]}/{key[1]}")
    sectors = {f.sector for f in s.baseline.flows}

    def check_flow(loc: Loc, direction: str, sector: str, what: str) -> None:
        check_direction((*loc, "direction"), direction)
        if (direction, sector) not in flow_keys:
            add(loc, f"no baseline flow {direction}/{sector} for this {what}")

    if s.pta is not None:
        _check_start(add, ("pta", "start_year"), s.pta.start_year, s)
        covered: Counter[tuple[str, str]] = Counter()
        for i, line in enumerate(s.pta.lines):
            key = (line.direction, line.sector)
            check_flow(("pta", "lines", i), *key, "line")
            if line.preferential_tariff > line.mfn_tariff:
                add(
                    ("pta", "lines", i, "preferential_tariff"),
                    f"must be <= mfn_tariff {line.mfn_tariff:g}, got {line.preferential_tariff:g}",
                )
            if s.pta.method == "smart":
                for needed in ("import_demand_elasticity", "partner_import_share"):
                    if getattr(line, needed) is None:
                        add(("pta", "lines", i, needed), "required when pta.method is smart")
            covered[key] += line.coverage
            if covered[key] > 1.0 + 1e-9:
                add(
                    ("pta", "lines", i, "coverage"),
                    f"coverages of flow {key[0]}/{key[1]} sum to {covered[key]:g}, more than 1",
                )
        sectors |= {line.sector for line in s.pta.lines}
        if s.pta.response_years is not None and s.pta.response_profile != "linear":
            add(("pta", "response_years"), "only used with response: linear")

    names = [c.name for c in s.tariff_changes]
    for i, change in enumerate(s.tariff_changes):
        if names.index(change.name) != i:
            add(("tariff_changes", i, "name"), f"duplicate tariff change name {change.name!r}")
        check_flow(("tariff_changes", i), change.direction, change.sector, "tariff change")
        _check_start(add, ("tariff_changes", i, "year"), change.year, s)
        if change.response_years is not None and change.response != "linear":
            add(("tariff_changes", i, "response_years"), "only used with response: linear")

    if s.tta is not None:
        _check_start(add, ("tta", "start_year"), s.tta.start_year, s)
        for j, direction in enumerate(s.tta.directions or []):
            check_direction(("tta", "directions", j), direction)
        flow_sectors = {f.sector for f in s.baseline.flows}
        for j, sector in enumerate(s.tta.sectors or []):
            if sector not in flow_sectors:
                add(("tta", "sectors", j), f"no baseline flow has sector {sector!r}")

    names = [d.name for d in s.deals]
    for i, deal in enumerate(s.deals):
        if names.index(deal.name) != i:
            add(("deals", i, "name"), f"duplicate deal name {deal.name!r}")
        check_direction(("deals", i, "direction"), deal.direction)
        _check_start(add, ("deals", i, "start_year"), deal.start_year, s)
        if deal.end_year is not None and deal.end_year < deal.start_year:
            add(
                ("deals", i, "end_year"),
                f"must be >= start_year {deal.start_year}, got {deal.end_year}",
            )
        if deal.value_range_usd_m is not None:
            low, high = deal.value_range_usd_m
            if not low <= deal.value_usd_m <= high:
                add(
                    ("deals", i, "value_range_usd_m"),
                    f"must satisfy low <= value_usd_m <= high "
                    f"(got {low:g} <= {deal.value_usd_m:g} <= {high:g})",
                )
            elif low == 0.0 and high > 0.0:
                add(("deals", i, "value_range_usd_m"), "low must be above 0 (a lognormal range)")

    for table, name in ((s.elasticities, "elasticities"), (s.tariff_elasticities, None)):
        if table is None:
            continue
        for sector in table.by_sector:
            if sector not in sectors:
                add(
                    (name or "tariff_elasticities", sector),
                    f"no flow or PTA line has sector {sector!r}{did_you_mean(sector, sectors)}",
                )

    keys = [(h.year, h.reporter, h.period) for h in s.history]
    for i, h in enumerate(s.history):
        if keys.index(keys[i]) != i:
            add(("history", i), f"duplicate history entry {h.year}/{h.reporter}/{h.period}")
        if h.reporter not in s.codes:
            add(("history", i, "reporter"), f"not one of the economies {', '.join(s.codes)}")
        for direction in h.by_direction or {}:
            check_direction(("history", i, "by_direction", direction), direction)
        if h.period == "partial" and h.months is None:
            add(("history", i, "months"), "required when period is partial")

    u = s.uncertainty
    if u is not None:
        if u.utilization is not None and u.utilization.low > u.utilization.high:
            add(("uncertainty", "utilization", "low"), f"must be <= high {u.utilization.high:g}")
        if u.shock_sd == "from_history":
            changes = yearly_log_changes(s.calendar_record())
            if len(changes) < 3:
                add(
                    ("uncertainty", "shock_sd"),
                    f"from_history needs at least 3 year-on-year changes of {s.reporter}'s "
                    f"calendar-year totals in history:, found {len(changes)}",
                )

    known = {src.id for src in s.sources}
    seen: set[str] = set()
    for i, src in enumerate(s.sources):
        if src.id in seen:
            add(("sources", i, "id"), f"duplicate source id {src.id!r}")
        seen.add(src.id)
    for loc, item in provenance_items(s):
        if item.source is not None and item.source not in known:
            add(
                (*loc, "source"),
                f"unknown source id {item.source!r}{did_you_mean(item.source, known)}",
            )
    return problems


def _economies_ok(add, s: ScenarioFields) -> bool:
    ok = True
    if len(s.economies) != 2:
        add(("economies",), f"exactly two economies, got {len(s.economies)}")
        ok = False
    elif s.codes[0] == s.codes[1]:
        add(("economies", 1, "code"), f"the two economies must differ, got {s.codes[1]} twice")
        ok = False
    for i, economy in enumerate(s.economies):
        if economy.name is None and iso_name(economy.code) is None:
            add(
                ("economies", i, "code"),
                f"{economy.code!r} is not an ISO 3166 alpha-3 code: give a `name:`",
            )
            ok = False
    return ok


def _check_start(add, loc: Loc, year: int, s: ScenarioFields) -> None:
    if not s.base_year <= year <= s.horizon:
        add(loc, f"must be within base_year..horizon ({s.base_year}..{s.horizon}), got {year}")


def plausibility_warnings(scenario: ScenarioFields) -> list[tuple[Loc, str]]:
    """Likely mistakes that are still valid input (stderr warnings; errors under --strict)."""
    s = scenario
    warnings: list[tuple[Loc, str]] = []
    percent = "looks like a percentage: values are fractions, 15 % is 0.15"
    for i, flow in enumerate(s.baseline.flows):
        if flow.growth > 1.0:
            warnings.append((("baseline", "flows", i, "growth"), f"{flow.growth:g} {percent}"))
    tariffs: list[tuple[Loc, float]] = []
    if s.pta is not None:
        for i, line in enumerate(s.pta.lines):
            tariffs += [
                (("pta", "lines", i, "mfn_tariff"), line.mfn_tariff),
                (("pta", "lines", i, "preferential_tariff"), line.preferential_tariff),
            ]
    for i, change in enumerate(s.tariff_changes):
        tariffs += [
            (("tariff_changes", i, "tariff_before"), change.tariff_before),
            (("tariff_changes", i, "tariff_after"), change.tariff_after),
        ]
    warnings += [(loc, f"{value:g} {percent}") for loc, value in tariffs if value > 1.0]

    flows_total = sum(f.value_usd_m for f in s.baseline.flows if f.category in CUSTOMS_CATEGORIES)
    for i, h in enumerate(s.history):
        if (h.year, h.reporter, h.period) != (s.base_year, s.reporter, "calendar"):
            continue
        if abs(flows_total - h.total_usd_m) > 0.01 * h.total_usd_m:
            warnings.append(
                (
                    ("history", i, "total_usd_m"),
                    f"{s.reporter}'s {s.base_year} total {h.total_usd_m:g} differs from the "
                    f"baseline flows' customs-comparable sum {flows_total:g} by more than 1 %",
                )
            )
    return warnings
