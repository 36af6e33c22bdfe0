"""The pydantic models of a scenario file's sections, and ScenarioFields: a whole file's fields.

These are the contract of docs/scenario-format.md, version 2. They import no reading,
validating or pipeline module, so the rules and the validation below
:class:`~tradecalc.scenario.models.Scenario` can name them: ``Scenario`` is ScenarioFields plus
the one method that needs the pipeline (:meth:`~tradecalc.scenario.models.Scenario.replace`).
"""

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from tradecalc.model.smart import DEFAULT_SUBSTITUTION_ELASTICITY
from tradecalc.scenario.terms import (
    DEFAULT_COUNTS,
    DEFAULT_ECONOMIES,
    DEFAULT_THETA,
    DEFAULT_UTILIZATION,
    Category,
    Code,
    Days,
    Direction,
    Fraction,
    Growth,
    Money,
    Response,
    Tariff,
    Text,
    Theta,
    Year,
    direction_name,
    iso_name,
)
from tradecalc.scenario.terms import WORLD as WORLD  # re-exported: rows' partner "the world"

if TYPE_CHECKING:
    from tradecalc.scenario.world_exports import WorldExports


def _d(text: str):
    """Field metadata with a description (shown by editors on hover, via the JSON Schema)."""
    return Field(description=text)


class _Model(BaseModel):
    # Building these models is most of what start-up costs beyond the import floor: about 290 M
    # instructions of 1,400 M for `project -f json` (callgrind). Two choices here keep it down:
    # annotations are objects, not strings (no `from __future__ import annotations`, so pydantic
    # compiles no forward reference), and empty lists are plain defaults (pydantic copies them;
    # a `default_factory=list` makes it parse the signature of the builtin `list` per field).
    # Built at import, not deferred: `defer_build=True` only moves the build to the first
    # validation, which every command that reads a scenario does at once (measured: no
    # whole-run gain for `tradecalc project`).
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True)


class Provenanced(_Model):
    """Where a number comes from: an id in `sources`, or an assumption stated in words."""

    source: Annotated[Text | None, _d("Id of an entry in `sources:` that gives this figure.")] = (
        None
    )
    assumption: Annotated[
        Text | None, _d("The assumption behind this figure, in words, with its arithmetic.")
    ] = None


class Source(_Model):
    """A published document a scenario cites."""

    id: Annotated[Text, _d("Short id that `source:` fields refer to.")]
    title: Annotated[Text, _d("Publisher and title.")]
    url: Annotated[str | None, _d("Where to read it.")] = None
    date: Annotated[str | None, _d("Publication date, ISO 8601 (YYYY-MM-DD) where known.")] = None
    note: Annotated[str | None, _d("Anything a reader should know about this source.")] = None
    verified: Annotated[
        bool | None,
        _d(
            "false where the citation could not be checked (no article URL recorded): every"
            " output that cites the source marks it unverified. Omitted: not flagged."
        ),
    ] = None

    @field_validator("date", mode="before")
    @classmethod
    def _date_as_text(cls, value):
        # YAML turns an unquoted 2024-09-16 into a date; keep it as the ISO text the user wrote.
        return value.isoformat() if isinstance(value, dt.date) else value


class Economy(_Model):
    """One of the two economies of a scenario."""

    code: Annotated[
        Code, _d("ISO 3166 alpha-3 code where one exists (e.g. PAK), else a short upper-case code.")
    ]
    name: Annotated[
        Text | None, _d("Name shown in outputs; may be omitted for an ISO 3166 alpha-3 code.")
    ] = None


class Target(Provenanced):
    """The trade target: a value, a deadline and the categories that count."""

    value_usd_m: Annotated[float, Field(gt=0.0, le=1e9, description="Target annual trade [US$ m].")]
    by_year: Annotated[
        Year | None, _d("Deadline year (default: horizon); used by --check, simulate, solve.")
    ] = None
    counts: Annotated[
        list[Category],
        Field(
            min_length=1,
            description="Categories the target counts (default goods, energy: customs-comparable).",
        ),
    ] = Field(default_factory=lambda: list(DEFAULT_COUNTS))


class _SectorNumbers(Provenanced):
    """A number per sector: keys other than `source`/`assumption`/`default` are sector names."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, Theta] = Field(init=False)

    @property
    def by_sector(self) -> dict[str, float]:
        return dict(self.model_extra or {})


class Elasticities(_SectorNumbers):
    """Trade elasticity theta by sector (tariff exponent theta + 1); other keys are sectors."""

    default: Annotated[
        Theta, _d("Trade elasticity theta for sectors not listed (Simonovska & Waugh 2014: 4).")
    ] = DEFAULT_THETA

    def theta(self, sector: str) -> float:
        return self.by_sector.get(sector, self.default)


class TariffElasticities(_SectorNumbers):
    """The tariff exponent epsilon itself by sector (replaces theta + 1 for those sectors)."""


class Flow(Provenanced):
    """Trade in one (direction, sector) in the base year and its growth without new policy."""

    direction: Annotated[Direction, _d("<a>_to_<b> from the economies' codes, lower case.")]
    sector: Annotated[Text, _d("Sector name (free text), e.g. agrifood, textiles, pharma.")]
    category: Annotated[Category, _d("What kind of trade (methods.md 6).")] = "goods"
    value_usd_m: Annotated[Money, _d("Value in the base year [US$ m].")]
    growth: Annotated[Growth, _d("Trend growth a year without new policy [fraction].")] = 0.0


class Baseline(_Model):
    reporter: Annotated[
        Code | None, _d("Whose statistics the flows follow (default: the first economy).")
    ] = None
    flows: Annotated[list[Flow], Field(min_length=1, description="One per (direction, sector).")]


class HistoryEntry(Provenanced):
    """One observed annual value, by reporter and period."""

    year: Annotated[Year, _d("Calendar year, or the year a fiscal year ends.")]
    reporter: Annotated[Code, _d("Whose statistics (an economy code).")]
    period: Annotated[
        Literal["calendar", "fy_jul_jun", "partial"],
        _d("calendar, fy_jul_jun (labelled by the year it ends) or partial."),
    ] = "calendar"
    months: Annotated[int | None, Field(ge=1, le=12, description="Months covered (partial).")] = (
        None
    )
    total_usd_m: Annotated[Money, _d("Observed trade, both directions [US$ m].")]
    by_direction: Annotated[
        dict[str, Money | None] | None,
        _d("Observed value by direction [US$ m]; null = not published."),
    ] = None
    is_reported: Annotated[
        bool | None, _d("Comtrade's isReported: every row summed was reported by the country.")
    ] = None
    is_aggregate: Annotated[
        bool | None, _d("Comtrade's isAggregate: a row summed was aggregated by UNSD.")
    ] = None


class Pta(Provenanced):
    """Preferential Trade Agreement: tariff cuts, staging, utilisation, response profile."""

    start_year: Annotated[Year, _d("Year the PTA enters into force.")]
    phase_in_years: Annotated[
        int, Field(ge=1, description="Years to the full tariff cut; 1 = at once.")
    ] = 1
    response: Annotated[
        Response | None,
        _d("How trade responds over time: yotov2016 (default), linear or immediate."),
    ] = None
    response_years: Annotated[
        int | None, Field(ge=1, description="Years to the full response (response: linear).")
    ] = None
    utilization: Annotated[
        Fraction | None, _d("Share of eligible trade using the preference (default 0.7).")
    ] = None
    method: Annotated[Literal["ces", "smart"], _d("ces (default) or smart (WITS-SMART).")] = "ces"
    lines: Annotated[list["PtaLine"], _d("Tariff concessions, one or more per flow.")] = []

    @property
    def utilization_value(self) -> float:
        return DEFAULT_UTILIZATION if self.utilization is None else self.utilization

    @property
    def response_profile(self) -> Response:
        """yotov2016 by default; linear when a version-1 file gives only `response_years`."""
        if self.response is not None:
            return self.response
        return "linear" if self.response_years is not None else "yotov2016"


class PtaLine(Provenanced):
    """One tariff concession of the PTA on one flow.

    The last three fields are for ``pta.method: smart`` (WITS-SMART) only.
    """

    direction: Annotated[Direction, _d("Direction of the flow the line applies to.")]
    sector: Annotated[Text, _d("Sector of the flow the line applies to.")]
    coverage: Annotated[Fraction, _d("Share of the flow's trade covered by the line.")] = 1.0
    mfn_tariff: Annotated[Tariff, _d("Tariff before the PTA [fraction].")]
    preferential_tariff: Annotated[Tariff, _d("Tariff under the PTA [fraction].")] = 0.0
    import_demand_elasticity: Annotated[
        float | None, Field(ge=-50.0, lt=0.0, description="eta < 0 (smart only).")
    ] = None
    substitution_elasticity: Annotated[
        Theta, _d("sigma between suppliers (smart only; WITS default 1.5).")
    ] = DEFAULT_SUBSTITUTION_ELASTICITY
    partner_import_share: Annotated[
        float | None,
        Field(gt=0.0, le=1.0, description="Partner's share of the importer's imports (smart)."),
    ] = None


class TariffChange(Provenanced):
    """Any other change of an applied tariff on a share of a flow: a cut or an increase."""

    name: Annotated[Text, _d("Unique name.")]
    direction: Annotated[Direction, _d("Direction of the flow affected.")]
    sector: Annotated[Text, _d("Sector of the flow affected.")]
    coverage: Annotated[Fraction, _d("Share of the flow affected.")] = 1.0
    tariff_before: Annotated[Tariff, _d("Applied tariff before the change [fraction].")]
    tariff_after: Annotated[Tariff, _d("Applied tariff after the change [fraction].")]
    year: Annotated[Year, _d("First year of the new tariff.")]
    phase_in_years: Annotated[int, Field(ge=1, description="Years to the full change.")] = 1
    response: Annotated[Response, _d("Response profile (default immediate).")] = "immediate"
    response_years: Annotated[
        int | None, Field(ge=1, description="Years to the full response (response: linear).")
    ] = None


class Tta(Provenanced):
    """Transit Trade Agreement: days saved (or lost) on a route, converted into trade."""

    start_year: Annotated[Year, _d("Year the route changes.")]
    phase_in_years: Annotated[int, Field(ge=1, description="Years to the full change.")] = 1
    transit_days_before: Annotated[Days, _d("Transit days today.")]
    transit_days_after: Annotated[Days, _d("Transit days on the new route (may be more).")]
    route_share: Annotated[Fraction, _d("Share of the flows' trade using the route.")] = 1.0
    method: Annotated[
        Literal["semi_elasticity", "ave"], _d("semi_elasticity (default, beta) or ave (a).")
    ] = "semi_elasticity"
    per_day: Annotated[
        float | None,
        Field(gt=0.0, le=1.0, description="beta (default 0.01) or a (default 0.006) per day."),
    ] = None
    directions: Annotated[list[Direction] | None, _d("Only these directions (default all).")] = None
    sectors: Annotated[list[Text] | None, _d("Only these sectors (default all).")] = None


class Deal(Provenanced):
    """A sector deal: new trade ramping up to an annual value, with a probability."""

    name: Annotated[Text, _d("Unique name.")]
    direction: Annotated[Direction, _d("<a>_to_<b>.")]
    sector: Annotated[Text, _d("Sector name.")]
    category: Annotated[Category, _d("What kind of trade (methods.md 6).")] = "goods"
    value_usd_m: Annotated[Money, _d("Central annual value at full scale [US$ m].")]
    value_range_usd_m: Annotated[
        list[Money] | None,
        Field(min_length=2, max_length=2, description="P10 and P90 of the value [US$ m]."),
    ] = None
    start_year: Annotated[Year, _d("First year of trade, before any delay.")]
    delay_years_mean: Annotated[
        float | None, Field(ge=0.0, le=50.0, description="Expected slip of the start [years].")
    ] = None
    ramp_years: Annotated[int, Field(ge=1, le=100, description="Years to full scale.")] = 1
    ramp: Annotated[Literal["linear", "logistic"], _d("Shape of the ramp.")] = "linear"
    end_year: Annotated[Year | None, _d("Last year of trade (default: open-ended).")] = None
    annual_survival: Annotated[
        Fraction | None, _d("Chance a running deal continues each year.")
    ] = None
    group: Annotated[Text | None, _d("Deals in one group succeed or fail together.")] = None
    probability: Annotated[Fraction, _d("Chance the deal happens at all (required).")]


class UtilizationRange(_Model):
    low: Annotated[Fraction, _d("Lowest utilisation drawn.")]
    high: Annotated[Fraction, _d("Highest utilisation drawn.")]


class Uncertainty(Provenanced):
    """Spreads that `simulate` draws from (and the odds line of `project`)."""

    elasticity_spread: Annotated[
        float, Field(ge=0.0, le=3.0, description="Sigma of a lognormal multiplier on theta.")
    ] = 0.0
    utilization: Annotated[UtilizationRange | None, _d("Uniform range of utilisation.")] = None
    growth_sd: Annotated[
        float, Field(ge=0.0, le=1.0, description="Sd of a persistent shift of trend growth.")
    ] = 0.0
    shock_sd: Annotated[
        Annotated[float, Field(ge=0.0, le=3.0)] | Literal["from_history"],
        _d("Sd of annual log-level shocks common to all flows, or from_history."),
    ] = 0.0
    shock_model: Annotated[
        Literal["random_walk", "ar1"],
        _d("random_walk: shocks last; ar1: they fade at shock_rho a year (methods.md 8)."),
    ] = "random_walk"
    shock_rho: Annotated[
        float, Field(ge=0.0, lt=1.0, description="ar1: share of a shock left after a year.")
    ] = 0.5
    shock_pooling: Annotated[
        Literal["panel", "none"],
        _d(
            "from_history: shrink toward the prior of pairs of this size in a trade panel "
            "(panel: AGTPA unless a stored panel, methods.md 8.2) or not (none)."
        ),
    ] = "panel"
    flow_shock_sd: Annotated[
        float, Field(ge=0.0, le=3.0, description="Sd of independent annual shocks per flow.")
    ] = 0.0
    deal_value_spread: Annotated[
        float, Field(ge=0.0, le=3.0, description="Log-sd of deal values that give no range.")
    ] = 0.0
    deal_delay_years_mean: Annotated[
        float | None, Field(ge=0.0, le=50.0, description="Default delay_years_mean of deals.")
    ] = None
    deal_annual_survival: Annotated[Fraction | None, _d("Default annual_survival of deals.")] = None
    tta_methods: Annotated[
        list[Literal["semi_elasticity", "ave"]], _d("Transit conversions drawn with equal odds.")
    ] = []
    deals: Annotated[
        Literal["bernoulli", "expected"], _d("bernoulli: each deal (group) happens or not.")
    ] = "bernoulli"


ProductCode = Annotated[str, Field(pattern=r"^([0-9]{2}|[0-9]{4}|[0-9]{6}|TOTAL)$")]


class ProductRow(_Model):
    """One reporter's trade in one product with one partner (or the world) in one year."""

    year: Annotated[Year, _d("Calendar year.")]
    reporter: Annotated[Code, _d("Whose statistics (an economy code).")]
    partner: Annotated[Code, _d("The other economy's code, or WLD for the world.")]
    flow: Annotated[Literal["M", "X"], _d("M: the reporter's imports (CIF); X: exports (FOB).")]
    product: Annotated[ProductCode, _d("HS code: 2 digits (chapter) or 4 (heading).")]
    value_usd_m: Annotated[Money, _d("Reported value [US$ m].")]
    source: Annotated[Text | None, _d("Id of the `sources:` entry of the call.")] = None


class Products(Provenanced):
    """Trade by product: the pair's, each side's with the world, and the world's exports."""

    detail: Annotated[Literal["hs2", "hs4"], _d("Product detail: HS chapters or headings.")]
    sectors: Annotated[
        dict[str, Text] | None,
        _d("HS chapter or heading -> sector name; overrides the shipped table entry by entry."),
    ] = None
    rows: Annotated[
        list[ProductRow],
        _d("The pair's bilateral rows and each side's rows with the world (partner WLD)."),
    ] = []
    world: Annotated[
        list[ProductRow],
        _d("Every reporter's exports to the world (partner WLD, flow X), for world totals."),
    ] = []
    file: Annotated[
        Text | None,
        _d(
            "A Parquet file beside this data file holding `rows` and `world` (fetch writes "
            "one with --detail and -o); a plain file name, read only by the commands that "
            "use product rows."
        ),
    ] = None
    _world_exports: object = PrivateAttr(default=None)
    """`world` as columns (a WorldExports) when read from `file` (or a panel): then `world`
    itself is empty, and :meth:`world_exports` is the one way to read the world's rows."""

    def world_exports(self) -> "WorldExports":
        """Every reporter's exports to the world, as columns (a
        :class:`~tradecalc.scenario.world_exports.WorldExports`): read from the product file,
        else made from `world`."""
        from tradecalc.scenario.world_exports import WorldExports

        found = self._world_exports
        return found if isinstance(found, WorldExports) else WorldExports.of_rows(self.world)

    def with_world_exports(self, world: "WorldExports") -> "Products":
        """A copy whose world rows are ``world`` (a WorldExports), `world` emptied."""
        copy = self.model_copy(update={"world": []})
        copy._world_exports = world
        return copy

    def has_rows(self) -> bool:
        """Any product row at all, pair or world."""
        return bool(self.rows or self.world or len(self.world_exports()))


WORLD_TOTALS = (
    "Each side's total trade with the world (partner WLD, product TOTAL), as read: context "
    "for market and supply figures, never summed into the record."
)


class ScenarioFields(_Model):
    """A whole scenario file's fields, after `extends:` has been resolved (see `Scenario`)."""

    schema_version: Annotated[Literal[1], _d("Format version: 1.")] = 1
    name: Annotated[Text, _d("Shown in every table.")]
    description: Annotated[str, _d("Which question this scenario answers.")] = ""
    economies: Annotated[
        list[Economy],
        _d("The two economies (default PAK, AZE); directions are <a>_to_<b>."),
    ] = Field(default_factory=lambda: [Economy(code=c, name=n) for c, n in DEFAULT_ECONOMIES])
    base_year: Annotated[Year, _d("Year of the baseline flows.")]
    horizon: Annotated[Year, _d("Last projected year (inclusive).")]
    target: Annotated[Target, _d("The trade target: value, deadline, what counts.")]
    elasticities: Annotated[
        Elasticities, _d("Trade elasticity theta by sector (tariff exponent theta + 1).")
    ] = Field(default_factory=Elasticities)
    tariff_elasticities: Annotated[
        TariffElasticities | None, _d("Tariff exponent by sector (instead of theta + 1).")
    ] = None
    baseline: Annotated[Baseline, _d("Trade in the base year by flow, and its trend growth.")]
    history: Annotated[list[HistoryEntry], _d("Observed annual values (the record).")] = []
    pta: Annotated[Pta | None, _d("Preferential Trade Agreement (tariff cuts).")] = None
    tariff_changes: Annotated[list[TariffChange], _d("Other changes of applied tariffs.")] = []
    tta: Annotated[Tta | None, _d("Transit Trade Agreement (days saved or lost).")] = None
    deals: Annotated[list[Deal], _d("Sector deals: new trade.")] = []
    deal_value_scale: Annotated[
        float, Field(ge=0.0, le=1e4, description="Multiplies every deal's value and range.")
    ] = 1.0
    uncertainty: Annotated[
        Uncertainty | None, _d("Spreads for simulate and the odds line of project.")
    ] = None
    products: Annotated[
        Products | None, _d("Trade by product, from a data file of `tradecalc fetch`.")
    ] = None
    world_totals: Annotated[list[ProductRow], _d(WORLD_TOTALS)] = []
    sources: Annotated[list[Source], _d("Documents cited by `source:` ids.")] = []

    @property
    def by_year(self) -> int:
        return self.horizon if self.target.by_year is None else self.target.by_year

    @property
    def years(self) -> range:
        return range(self.base_year, self.horizon + 1)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(e.code for e in self.economies)

    @property
    def directions(self) -> tuple[str, ...]:
        """``("pak_to_aze", "aze_to_pak")``: a to b, then b to a."""
        a, b = self.codes[0], self.codes[-1]
        return (direction_name(a, b), direction_name(b, a))

    @property
    def reporter(self) -> str:
        """Whose statistics the baseline follows."""
        return self.baseline.reporter or self.codes[0]

    def economy_name(self, code: str) -> str:
        for economy in self.economies:
            if economy.code == code:
                return economy.name or iso_name(code) or code
        return code

    def direction_label(self, direction: str) -> str:
        """``"pak_to_aze"`` -> ``"Pakistan → Azerbaijan"``."""
        a, b = self.codes[0], self.codes[-1]
        if direction == direction_name(b, a):
            a, b = b, a
        return f"{self.economy_name(a)} → {self.economy_name(b)}"

    @property
    def pair_label(self) -> str:
        """``"Pakistan-Azerbaijan"``."""
        return "-".join(self.economy_name(c) for c in self.codes)

    def calendar_record(self) -> list[tuple[int, float]]:
        """The baseline reporter's calendar-year totals in `history:`, by year."""
        return sorted(
            (h.year, h.total_usd_m)
            for h in self.history
            if h.reporter == self.reporter and h.period == "calendar"
        )


Pta.model_rebuild()
