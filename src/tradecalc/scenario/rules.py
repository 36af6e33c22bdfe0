"""Rules across the fields of a scenario (docs/scenario-format.md, "Rules" and "Warnings").

The pydantic models (:mod:`tradecalc.scenario.sections`) check each field; these rules need the
whole validated scenario: directions of the pair, keys that must match, years in range, sources
that exist. :func:`semantic_problems` gives errors, one field group after another;
:func:`plausibility_warnings` gives likely mistakes that are still valid input.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator

from tradecalc.scenario.datafile_model import DataFile
from tradecalc.scenario.product_rows import repeated_rows
from tradecalc.scenario.provenance import provenance_items
from tradecalc.scenario.sections import Economy, HistoryEntry, ScenarioFields
from tradecalc.scenario.terms import (
    CUSTOMS_CATEGORIES,
    Loc,
    did_you_mean,
    direction_name,
    iso_name,
    yearly_log_changes,
)

Found = Iterator[tuple[Loc, str]]
"""The problems a rule finds, as ``(loc, message)`` pairs, in the order it finds them."""


def semantic_problems(scenario: ScenarioFields) -> list[tuple[Loc, str]]:
    """Rules that span fields (scenario-format.md "Rules"), as ``(loc, message)`` pairs."""
    problems = list(_economy_problems(scenario))
    if problems:
        return problems  # every direction and reporter would be wrong too: fix this first
    names = _Names(scenario)
    for group in _GROUPS:
        problems += group(scenario, names)
    return problems


class _Names:
    """What the rules check names against: the pair's directions and the baseline's flows."""

    def __init__(self, s: ScenarioFields):
        self.codes = s.codes
        self.directions = s.directions
        self.flow_keys = [(f.direction, f.sector) for f in s.baseline.flows]

    @classmethod
    def of_codes(cls, codes: tuple[str, ...]) -> _Names:
        """The names of a pair without a scenario (a data file's): no baseline flows."""
        names = cls.__new__(cls)
        names.codes, names.flow_keys = codes, []
        names.directions = (direction_name(*codes), direction_name(*reversed(codes)))
        return names

    def direction(self, loc: Loc, direction: str) -> Found:
        if direction not in self.directions:
            pair, choices = ", ".join(self.codes), " or ".join(self.directions)
            yield loc, f"not a direction of {pair}: use {choices}"

    def flow(self, loc: Loc, direction: str, sector: str, what: str) -> Found:
        yield from self.direction((*loc, "direction"), direction)
        if (direction, sector) not in self.flow_keys:
            yield loc, f"no baseline flow {direction}/{sector} for this {what}"


def _economy_problems(s: ScenarioFields) -> Found:
    return economy_problems(s.economies)


def economy_problems(economies: list[Economy]) -> Found:
    """Exactly two economies, different, each a known code or named: a scenario's rule and a
    data file's."""
    codes = [e.code for e in economies]
    if len(economies) != 2:
        yield ("economies",), f"exactly two economies, got {len(economies)}"
    elif codes[0] == codes[1]:
        yield ("economies", 1, "code"), f"the two economies must differ, got {codes[1]} twice"
    for i, economy in enumerate(economies):
        if economy.name is None and iso_name(economy.code) is None:
            yield (
                ("economies", i, "code"),
                f"{economy.code!r} is not an ISO 3166 alpha-3 code: give a `name:`",
            )


def _within_years(loc: Loc, year: int, s: ScenarioFields) -> Found:
    if not s.base_year <= year <= s.horizon:
        yield loc, f"must be within base_year..horizon ({s.base_year}..{s.horizon}), got {year}"


def _year_problems(s: ScenarioFields, names: _Names) -> Found:
    if not s.base_year < s.by_year <= s.horizon:
        yield (
            ("target", "by_year") if s.target.by_year is not None else ("horizon",),
            f"must satisfy base_year < target.by_year <= horizon "
            f"(got {s.base_year} < {s.by_year} <= {s.horizon})",
        )
    if s.horizon - s.base_year > 100:
        yield ("horizon",), f"at most 100 years after base_year {s.base_year}, got {s.horizon}"


def _baseline_problems(s: ScenarioFields, names: _Names) -> Found:
    if s.baseline.reporter is not None and s.baseline.reporter not in s.codes:
        yield ("baseline", "reporter"), f"not one of the economies {', '.join(s.codes)}"
    for i, key in enumerate(names.flow_keys):
        yield from names.direction(("baseline", "flows", i, "direction"), key[0])
        if names.flow_keys.index(key) != i:
            yield ("baseline", "flows", i), f"duplicate flow {key[0]}/{key[1]}"


def _pta_problems(s: ScenarioFields, names: _Names) -> Found:
    if s.pta is None:
        return
    yield from _within_years(("pta", "start_year"), s.pta.start_year, s)
    covered: defaultdict[tuple[str, str], float] = defaultdict(float)  # coverage summed
    for i, line in enumerate(s.pta.lines):
        loc, key = ("pta", "lines", i), (line.direction, line.sector)
        yield from names.flow(loc, *key, "line")
        if line.preferential_tariff > line.mfn_tariff:
            yield (
                (*loc, "preferential_tariff"),
                f"must be <= mfn_tariff {line.mfn_tariff:g}, got {line.preferential_tariff:g}",
            )
        if s.pta.method == "smart":
            for needed in ("import_demand_elasticity", "partner_import_share"):
                if getattr(line, needed) is None:
                    yield (*loc, needed), "required when pta.method is smart"
        covered[key] += line.coverage
        if covered[key] > 1.0 + 1e-9:
            yield (
                (*loc, "coverage"),
                f"coverages of flow {key[0]}/{key[1]} sum to {covered[key]:g}, more than 1",
            )
    if s.pta.response_years is not None and s.pta.response_profile != "linear":
        yield ("pta", "response_years"), "only used with response: linear"


def _tariff_change_problems(s: ScenarioFields, names: _Names) -> Found:
    seen = [c.name for c in s.tariff_changes]
    for i, change in enumerate(s.tariff_changes):
        loc = ("tariff_changes", i)
        if seen.index(change.name) != i:
            yield (*loc, "name"), f"duplicate tariff change name {change.name!r}"
        yield from names.flow(loc, change.direction, change.sector, "tariff change")
        yield from _within_years((*loc, "year"), change.year, s)
        if change.response_years is not None and change.response != "linear":
            yield (*loc, "response_years"), "only used with response: linear"


def _tta_problems(s: ScenarioFields, names: _Names) -> Found:
    if s.tta is None:
        return
    yield from _within_years(("tta", "start_year"), s.tta.start_year, s)
    for j, direction in enumerate(s.tta.directions or []):
        yield from names.direction(("tta", "directions", j), direction)
    flow_sectors = {f.sector for f in s.baseline.flows}
    for j, sector in enumerate(s.tta.sectors or []):
        if sector not in flow_sectors:
            yield ("tta", "sectors", j), f"no baseline flow has sector {sector!r}"


def _deal_problems(s: ScenarioFields, names: _Names) -> Found:
    seen = [d.name for d in s.deals]
    for i, deal in enumerate(s.deals):
        loc = ("deals", i)
        if seen.index(deal.name) != i:
            yield (*loc, "name"), f"duplicate deal name {deal.name!r}"
        yield from names.direction((*loc, "direction"), deal.direction)
        yield from _within_years((*loc, "start_year"), deal.start_year, s)
        if deal.end_year is not None and deal.end_year < deal.start_year:
            yield (
                (*loc, "end_year"),
                f"must be >= start_year {deal.start_year}, got {deal.end_year}",
            )
        if deal.value_range_usd_m is not None:
            low, high = deal.value_range_usd_m
            if not low <= deal.value_usd_m <= high:
                yield (
                    (*loc, "value_range_usd_m"),
                    f"must satisfy low <= value_usd_m <= high "
                    f"(got {low:g} <= {deal.value_usd_m:g} <= {high:g})",
                )
            elif low == 0.0 and high > 0.0:
                yield (*loc, "value_range_usd_m"), "low must be above 0 (a lognormal range)"


def _elasticity_problems(s: ScenarioFields, names: _Names) -> Found:
    sectors = {f.sector for f in s.baseline.flows}
    if s.pta is not None:
        sectors |= {line.sector for line in s.pta.lines}
    for table, name in ((s.elasticities, "elasticities"), (s.tariff_elasticities, None)):
        if table is None:
            continue
        for sector in table.by_sector:
            if sector not in sectors:
                yield (
                    (name or "tariff_elasticities", sector),
                    f"no flow or PTA line has sector {sector!r}{did_you_mean(sector, sectors)}",
                )


def _history_problems(s: ScenarioFields, names: _Names) -> Found:
    return history_problems(s.history, names)


def history_problems(history: list[HistoryEntry], names: _Names) -> Found:
    """One entry per year, reporter and period; reporters and directions of the pair: a
    scenario's rule and a data file's."""
    keys = [(h.year, h.reporter, h.period) for h in history]
    for i, h in enumerate(history):
        if keys.index(keys[i]) != i:
            yield ("history", i), f"duplicate history entry {h.year}/{h.reporter}/{h.period}"
        if h.reporter not in names.codes:
            yield ("history", i, "reporter"), f"not one of the economies {', '.join(names.codes)}"
        for direction in h.by_direction or {}:
            yield from names.direction(("history", i, "by_direction", direction), direction)
        if h.period == "partial" and h.months is None:
            yield ("history", i, "months"), "required when period is partial"


def data_file_problems(data: DataFile) -> list[tuple[Loc, str]]:
    """The scenario's rules on what a data file holds (its economies, its `history:`)."""
    problems = list(economy_problems(data.economies))
    if problems:
        return problems
    codes = tuple(e.code for e in data.economies)
    return list(history_problems(data.history, _Names.of_codes(codes)))


def _uncertainty_problems(s: ScenarioFields, names: _Names) -> Found:
    u = s.uncertainty
    if u is None:
        return
    if u.utilization is not None and u.utilization.low > u.utilization.high:
        yield ("uncertainty", "utilization", "low"), f"must be <= high {u.utilization.high:g}"
    if u.shock_sd == "from_history":
        changes = yearly_log_changes(s.calendar_record())
        if len(changes) < 3:
            yield (
                ("uncertainty", "shock_sd"),
                f"from_history needs at least 3 year-on-year changes of {s.reporter}'s "
                f"calendar-year totals in history:, found {len(changes)}",
            )


def _source_problems(s: ScenarioFields, names: _Names) -> Found:
    known = {src.id for src in s.sources}
    seen: set[str] = set()
    for i, src in enumerate(s.sources):
        if src.id in seen:
            yield ("sources", i, "id"), f"duplicate source id {src.id!r}"
        seen.add(src.id)
    for loc, item in provenance_items(s):
        if item.source is not None and item.source not in known:
            yield (
                (*loc, "source"),
                f"unknown source id {item.source!r}{did_you_mean(item.source, known)}",
            )


def _product_problems(s: ScenarioFields, names: _Names) -> Found:
    """A product row given twice would be counted twice (the deal-market check sums rows)."""
    for part in ("rows", "world"):
        for i, j in repeated_rows(getattr(s.products, part) if s.products is not None else []):
            yield (
                ("products", part, i),
                f"the same row as products.{part}.{j} (year, reporter, partner, flow and "
                "product): write each value once",
            )


_GROUPS: tuple[Callable[[ScenarioFields, _Names], Found], ...] = (
    _year_problems,
    _baseline_problems,
    _pta_problems,
    _tariff_change_problems,
    _tta_problems,
    _deal_problems,
    _elasticity_problems,
    _history_problems,
    _uncertainty_problems,
    _source_problems,
    _product_problems,
)
"""The field groups, in the order their problems are listed (ties on one line keep it)."""


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
    return warnings + list(_deal_market_warnings(s))


DEAL_MARKET_CATEGORIES = ("goods", "energy", "brokered")
"""Deals that cross the importer's customs, so its imports of their products bound them."""


def _deal_market_warnings(s: ScenarioFields) -> Found:
    """A deal larger than the importer's imports from the world of its sector's products.

    The market is the latest year of `products.rows` in which the importer reports imports
    from the world (partner WLD) of any product of the deal's sector (scenario/hs.py, with
    `products.sectors` overrides); a deal whose sector has no such rows is not checked.
    """
    if s.products is None:
        return
    if s.products.file is not None:  # read the product file only when a deal is checked
        if not any(d.category in DEAL_MARKET_CATEGORIES for d in s.deals):
            return
        from tradecalc.scenario import productfile

        loaded = productfile.load(s.products, tuple(s.codes), part="rows")
        s = s.model_copy(update={"products": loaded})
    markets = _sector_markets(s)
    for i, deal in enumerate(s.deals):
        importer = deal.direction.rsplit("_to_", 1)[-1].upper()
        market = markets.get((importer, deal.sector))
        value = deal.value_usd_m * s.deal_value_scale
        if deal.category not in DEAL_MARKET_CATEGORIES or market is None or value <= market[1]:
            continue
        year, total, products = market
        scaled = f" (x deal_value_scale {s.deal_value_scale:g})" if s.deal_value_scale != 1 else ""
        yield (
            ("deals", i, "value_usd_m"),
            f"deal {deal.name!r} is {value:,.1f} US$ m a year{scaled}, more than {importer}'s "
            f"whole market for it: {importer} imported {total:,.1f} US$ m of {deal.sector} "
            f"products (HS {', '.join(products)}) from the world in {year} (products: rows)",
        )


def _sector_markets(s: ScenarioFields) -> dict[tuple[str, str], tuple[int, float, list[str]]]:
    """(importer, sector) -> (latest year, imports from the world, HS codes) from the rows."""
    from tradecalc.scenario.hs import sector_of
    from tradecalc.scenario.sections import WORLD

    found: dict[tuple[str, str], dict[int, dict[str, float]]] = {}
    if s.products is None:
        return {}
    for r in s.products.rows:
        if r.partner == WORLD and r.flow == "M":
            key = (r.reporter, sector_of(r.product, s.products.sectors))
            year = found.setdefault(key, {}).setdefault(r.year, {})
            year[r.product] = year.get(r.product, 0.0) + r.value_usd_m
    markets = {}
    for key, by_year in found.items():
        latest = max(by_year)
        markets[key] = (latest, sum(by_year[latest].values()), sorted(by_year[latest]))
    return markets
