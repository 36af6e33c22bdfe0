"""The words of a scenario file: categories, field types with their ranges, and the names of
economies, directions and locations that every other scenario module shares.

The lowest module of :mod:`tradecalc.scenario` besides :mod:`~tradecalc.scenario.yamlread`: it
imports no other scenario module.
"""

from __future__ import annotations

import math
import typing
from typing import Annotated, Literal

from pydantic import BaseModel, Field

Category = Literal["goods", "energy", "services", "brokered", "defence", "investment"]
CATEGORIES: tuple[Category, ...] = typing.get_args(Category)
CUSTOMS_CATEGORIES: tuple[Category, ...] = ("goods", "energy")
"""What either side's customs record between the two economies (methods.md 6)."""
DEFAULT_COUNTS: tuple[Category, ...] = CUSTOMS_CATEGORIES
CATEGORY_MEANING: dict[str, str] = {
    "goods": "merchandise of the two economies' origin",
    "energy": "fuel and power of the two economies' origin",
    "services": "cross-border services (balance of payments, not customs)",
    "brokered": "goods traded between the two economies' firms but of third-country origin",
    "defence": "military sales",
    "investment": "capital flows and pledges (not trade)",
}

DEFAULT_THETA = 4.0
"""Aggregate trade elasticity, "roughly four": Simonovska & Waugh (2014), JIE 92."""
DEFAULT_UTILIZATION = 0.7
"""PTA utilisation: an assumption (Keck & Lendle 2012, WTO ERSD-2012-12, give no single value)."""
DEFAULT_ECONOMIES = (("PAK", "Pakistan"), ("AZE", "Azerbaijan"))

Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
Year = Annotated[int, Field(ge=1900, le=2200)]
# Upper limits far beyond any real case, low enough that results stay finite numbers.
Money = Annotated[float, Field(ge=0.0, le=1e9)]  # US$ million: up to a quadrillion dollars
Tariff = Annotated[float, Field(ge=0.0, le=10.0)]  # up to 1,000 %
Theta = Annotated[float, Field(gt=0.0, le=50.0)]
Days = Annotated[float, Field(ge=0.0, le=3650.0)]
Growth = Annotated[float, Field(gt=-1.0, le=10.0)]
PLACEHOLDER_MARK = "PLACEHOLDER"
"""How an assumption `tradecalc init` left to fill in begins; ``validate --strict`` refuses it."""

Text = Annotated[str, Field(min_length=1)]
WORLD = "WLD"
"""The partner code of trade with the world (Comtrade's partner 0) in `products:` rows."""
CODE_PATTERN = r"^[A-Z][A-Z0-9]{1,9}$"
DIRECTION_PATTERN = r"^[a-z][a-z0-9]{1,9}_to_[a-z][a-z0-9]{1,9}$"
Code = Annotated[str, Field(pattern=CODE_PATTERN)]
Direction = Annotated[str, Field(pattern=DIRECTION_PATTERN)]
Response = Literal["yotov2016", "linear", "immediate"]

Loc = tuple[str | int, ...]
"""Where a value sits in a scenario, as pydantic reports it: ``("deals", 0, "name")``."""


def direction_name(a: str, b: str) -> str:
    """``("PAK", "AZE")`` -> ``"pak_to_aze"``: the direction from economy a to economy b."""
    return f"{a.lower()}_to_{b.lower()}"


def iso_name(code: str) -> str | None:
    """The ISO 3166 short name of an alpha-3 code (pycountry, imported only here), or None."""
    known = dict(DEFAULT_ECONOMIES)
    if code in known:
        return known[code]
    try:
        import pycountry
    except ImportError:  # pragma: no cover - a dependency; a broken install names no country
        return None
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return None
    return getattr(country, "common_name", None) or country.name


def yearly_log_changes(record: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """Year-on-year log changes of consecutive positive values, keyed by the later year."""
    values = dict(record)
    return [
        (year, math.log(values[year] / values[year - 1]))
        for year in sorted(values)
        if year - 1 in values and values[year] > 0 and values[year - 1] > 0
    ]


def did_you_mean(word: str, choices) -> str:
    """`` (did you mean 'x'?)`` when a close match exists, else an empty string."""
    import difflib

    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def dotted(loc: Loc) -> str:
    """``("deals", 0, "name")`` -> ``"deals.0.name"``."""
    return ".".join(str(part) for part in loc)


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
