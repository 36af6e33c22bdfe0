"""Scenario file models (pydantic v2): the contract of scenario-format.md, version 1."""

from __future__ import annotations

import datetime as dt
import typing
from collections import Counter
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tradecalc.model.smart import DEFAULT_SUBSTITUTION_ELASTICITY

Direction = Literal["pak_to_aze", "aze_to_pak"]
Category = Literal["goods", "energy", "defence", "services", "investment"]
DIRECTIONS: tuple[Direction, ...] = ("pak_to_aze", "aze_to_pak")
DEFAULT_COUNTS: tuple[Category, ...] = ("goods", "energy", "services")

DEFAULT_THETA = 4.0
"""Aggregate trade elasticity, "roughly four": Simonovska & Waugh (2014), JIE 92."""
DEFAULT_UTILIZATION = 0.7
"""PTA utilisation: an assumption (Keck & Lendle 2012, WTO ERSD-2012-12, give no single value)."""

Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
Year = Annotated[int, Field(ge=1900, le=2200)]
# Upper limits far beyond any real case, low enough that results stay finite numbers.
Money = Annotated[float, Field(ge=0.0, le=1e9)]  # US$ million: up to a quadrillion dollars
Tariff = Annotated[float, Field(ge=0.0, le=10.0)]  # up to 1,000 %
Theta = Annotated[float, Field(gt=0.0, le=50.0)]
Days = Annotated[float, Field(ge=0.0, le=3650.0)]
Text = Annotated[str, Field(min_length=1)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True)


class _Provenance(_Model):
    """Where a number comes from: an id in `sources`, or an assumption stated in words."""

    source: Text | None = None
    assumption: Text | None = None


class Source(_Model):
    """A published document a scenario cites."""

    id: Text
    title: Text
    url: str | None = None
    date: str | None = None
    note: str | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _date_as_text(cls, value):
        # YAML turns an unquoted 2024-09-16 into a date; keep it as the ISO text the user wrote.
        return value.isoformat() if isinstance(value, dt.date) else value


class Target(_Provenance):
    """The trade target: a value, a deadline and the categories that count."""

    value_usd_m: Annotated[float, Field(gt=0.0, le=1e9)]
    by_year: Year | None = None
    counts: list[Category] = Field(default_factory=lambda: list(DEFAULT_COUNTS), min_length=1)


class Elasticities(_Provenance):
    """Trade elasticity theta by sector; keys other than `default` are sector names."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, Theta] = Field(init=False)

    default: Theta = DEFAULT_THETA

    @property
    def by_sector(self) -> dict[str, float]:
        return dict(self.model_extra or {})

    def theta(self, sector: str) -> float:
        return self.by_sector.get(sector, self.default)


class Flow(_Provenance):
    """Trade in one (direction, sector) in the base year and its growth without new policy."""

    direction: Direction
    sector: Text
    category: Category = "goods"
    value_usd_m: Money
    growth: Annotated[float, Field(gt=-1.0, le=10.0)] = 0.0


class Baseline(_Model):
    flows: list[Flow] = Field(min_length=1)


class PtaLine(_Provenance):
    """One tariff concession of the PTA on one flow.

    The last three fields are for ``pta.method: smart`` (WITS-SMART) only.
    """

    direction: Direction
    sector: Text
    coverage: Fraction = 1.0
    mfn_tariff: Tariff
    preferential_tariff: Tariff = 0.0
    import_demand_elasticity: Annotated[float, Field(ge=-50.0, lt=0.0)] | None = None
    substitution_elasticity: Theta = DEFAULT_SUBSTITUTION_ELASTICITY
    partner_import_share: Annotated[float, Field(gt=0.0, le=1.0)] | None = None


class Pta(_Provenance):
    """Preferential Trade Agreement: tariff cuts, staging, utilisation, response lag."""

    start_year: Year
    phase_in_years: Annotated[int, Field(ge=1)] = 1
    response_years: Annotated[int, Field(ge=1)] = 1
    utilization: Fraction | None = None
    method: Literal["ces", "smart"] = "ces"
    lines: list[PtaLine] = Field(default_factory=list)

    @property
    def utilization_value(self) -> float:
        return DEFAULT_UTILIZATION if self.utilization is None else self.utilization


class Tta(_Provenance):
    """Transit Trade Agreement: days saved on a route, converted into trade."""

    start_year: Year
    phase_in_years: Annotated[int, Field(ge=1)] = 1
    transit_days_before: Days
    transit_days_after: Days
    route_share: Fraction = 1.0
    method: Literal["semi_elasticity", "ave"] = "semi_elasticity"
    per_day: Annotated[float, Field(gt=0.0, le=1.0)] | None = None
    directions: list[Direction] | None = None
    sectors: list[Text] | None = None


class Deal(_Provenance):
    """A sector deal: new trade ramping up to an annual value, with a probability."""

    name: Text
    direction: Direction
    sector: Text
    category: Category = "goods"
    value_usd_m: Money
    start_year: Year
    ramp_years: Annotated[int, Field(ge=1)] = 1
    ramp: Literal["linear", "logistic"] = "linear"
    end_year: Year | None = None
    probability: Fraction = 1.0


class UtilizationRange(_Model):
    low: Fraction
    high: Fraction


class Uncertainty(_Provenance):
    """Spreads that `simulate` draws from."""

    elasticity_spread: Annotated[float, Field(ge=0.0, le=3.0)] = 0.0
    utilization: UtilizationRange | None = None
    growth_sd: Annotated[float, Field(ge=0.0, le=1.0)] = 0.0
    tta_methods: list[Literal["semi_elasticity", "ave"]] = Field(default_factory=list)
    deals: Literal["bernoulli", "expected"] = "bernoulli"


class Scenario(_Model):
    """A whole scenario file, after `extends:` has been resolved."""

    schema_version: Literal[1] = 1
    name: Text
    description: str = ""
    base_year: Year
    horizon: Year
    target: Target
    elasticities: Elasticities = Field(default_factory=Elasticities)
    baseline: Baseline
    pta: Pta | None = None
    tta: Tta | None = None
    deals: list[Deal] = Field(default_factory=list)
    deal_value_scale: Annotated[float, Field(ge=0.0, le=1e4)] = 1.0
    uncertainty: Uncertainty | None = None
    sources: list[Source] = Field(default_factory=list)

    @property
    def by_year(self) -> int:
        return self.horizon if self.target.by_year is None else self.target.by_year

    @property
    def years(self) -> range:
        return range(self.base_year, self.horizon + 1)

    def replace(self, **changes) -> Scenario:
        """A copy with top-level fields changed, validated like a file (unlike ``model_copy``).

        ``s.replace(deal_value_scale=0.5)``; nested values as mappings or models, e.g.
        ``s.replace(pta={**s.pta.model_dump(), "utilization": 0.9})``. Raises ScenarioError.
        """
        from tradecalc.loading import validate_tree
        from tradecalc.yamlread import Doc

        data = {**self.model_dump(exclude_unset=True), **changes}
        data = {
            k: v.model_dump(exclude_unset=True) if is_model(type(v)) else v for k, v in data.items()
        }
        return validate_tree(Doc(data, here=("Scenario.replace", None)), "Scenario.replace")


Loc = tuple[str | int, ...]


def semantic_problems(scenario: Scenario) -> list[tuple[Loc, str]]:
    """Rules that span fields (scenario-format.md "Rules"), as ``(loc, message)`` pairs."""
    s = scenario
    problems: list[tuple[Loc, str]] = []

    def add(loc: Loc, message: str) -> None:
        problems.append((loc, message))

    if not s.base_year < s.by_year <= s.horizon:
        add(
            ("target", "by_year") if s.target.by_year is not None else ("horizon",),
            f"must satisfy base_year < target.by_year <= horizon "
            f"(got {s.base_year} < {s.by_year} <= {s.horizon})",
        )
    if s.horizon - s.base_year > 100:
        add(("horizon",), f"at most 100 years after base_year {s.base_year}, got {s.horizon}")

    flow_keys = [(f.direction, f.sector) for f in s.baseline.flows]
    for key, n in Counter(flow_keys).items():
        if n > 1:
            i = len(flow_keys) - 1 - flow_keys[::-1].index(key)
            add(("baseline", "flows", i), f"duplicate flow {key[0]}/{key[1]}")
    sectors = {f.sector for f in s.baseline.flows}

    if s.pta is not None:
        _check_start(add, ("pta", "start_year"), s.pta.start_year, s)
        covered: Counter[tuple[str, str]] = Counter()
        for i, line in enumerate(s.pta.lines):
            key = (line.direction, line.sector)
            if key not in flow_keys:
                add(("pta", "lines", i), f"no baseline flow {key[0]}/{key[1]} for this line")
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

    if s.tta is not None:
        _check_start(add, ("tta", "start_year"), s.tta.start_year, s)
        if s.tta.transit_days_after > s.tta.transit_days_before:
            add(
                ("tta", "transit_days_after"),
                f"must be <= transit_days_before {s.tta.transit_days_before:g}, "
                f"got {s.tta.transit_days_after:g}",
            )
        flow_sectors = {f.sector for f in s.baseline.flows}
        for j, sector in enumerate(s.tta.sectors or []):
            if sector not in flow_sectors:
                add(("tta", "sectors", j), f"no baseline flow has sector {sector!r}")

    names = [d.name for d in s.deals]
    for i, deal in enumerate(s.deals):
        if names.index(deal.name) != i:
            add(("deals", i, "name"), f"duplicate deal name {deal.name!r}")
        _check_start(add, ("deals", i, "start_year"), deal.start_year, s)
        if deal.end_year is not None and deal.end_year < deal.start_year:
            add(
                ("deals", i, "end_year"),
                f"must be >= start_year {deal.start_year}, got {deal.end_year}",
            )

    for sector in s.elasticities.by_sector:
        if sector not in sectors:
            add(
                ("elasticities", sector),
                f"no flow or PTA line has sector {sector!r}{did_you_mean(sector, sectors)}",
            )

    if s.uncertainty is not None and s.uncertainty.utilization is not None:
        band = s.uncertainty.utilization
        if band.low > band.high:
            add(("uncertainty", "utilization", "low"), f"must be <= high {band.high:g}")

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


def _check_start(add, loc: Loc, year: int, s: Scenario) -> None:
    if not s.base_year <= year <= s.horizon:
        add(loc, f"must be within base_year..horizon ({s.base_year}..{s.horizon}), got {year}")


def provenance_items(scenario: Scenario) -> list[tuple[Loc, _Provenance]]:
    """Every part of a scenario that can carry `source:` or `assumption:`, with its location."""
    s = scenario
    items: list[tuple[Loc, _Provenance]] = [(("target",), s.target)]
    if "elasticities" in s.model_fields_set:
        items.append((("elasticities",), s.elasticities))
    items += [(("baseline", "flows", i), f) for i, f in enumerate(s.baseline.flows)]
    if s.pta is not None:
        items.append((("pta",), s.pta))
        items += [(("pta", "lines", i), line) for i, line in enumerate(s.pta.lines)]
    if s.tta is not None:
        items.append((("tta",), s.tta))
    items += [(("deals", i), d) for i, d in enumerate(s.deals)]
    if s.uncertainty is not None:
        items.append((("uncertainty",), s.uncertainty))
    return items


def must_be_sourced(loc: Loc) -> bool:
    """Flows and deals must carry a source or an assumption (scenario-format.md, Provenance)."""
    return loc[0] == "deals" or loc[:2] == ("baseline", "flows")


def did_you_mean(word: str, choices) -> str:
    """`` (did you mean 'x'?)`` when a close match exists, else an empty string."""
    import difflib

    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def dotted(loc: Loc) -> str:
    """``("deals", 0, "name")`` -> ``"deals.0.name"``."""
    return ".".join(str(part) for part in loc)


def json_schema() -> dict:
    """JSON Schema of scenario files, from the models, plus the loader's `extends:` key."""
    schema = Scenario.model_json_schema()
    schema["properties"]["extends"] = {
        "type": "string",
        "description": "Path of a scenario this one builds on, relative to this file.",
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
        "title": "tradecalc scenario, version 1",
    }


def is_model(kind) -> bool:
    return isinstance(kind, type) and issubclass(kind, BaseModel)


def model_in(annotation):
    """The pydantic model inside ``X | None`` or ``list[X]``, else the annotation itself."""
    if is_model(annotation):
        return annotation
    for arg in typing.get_args(annotation):
        found = model_in(arg)
        if is_model(found):
            return found
    return annotation
