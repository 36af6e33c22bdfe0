"""Gravity's results as values: a fit (:class:`GravityFit`) and a pair's normal level
(:class:`NormalLevel`), each frozen, with its JSON (``to_dict``), its tidy frame and CSV rows.

Money is US$ million (``_usd_m``), as in the panel. A result never computes anything when read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


def panel_document(panel: dict[str, Any]) -> dict[str, Any]:
    """The panel as every output names it: id, title, licence, attribution."""
    return {k: panel.get(k) for k in ("id", "title", "licence", "attribution")}


def direction_key(exporter: str, importer: str) -> str:
    """``("TUR", "IRN")`` -> ``"tur_to_irn"`` (methods.md's direction names).

    >>> direction_key("TUR", "IRN")
    'tur_to_irn'
    """
    return f"{exporter.lower()}_to_{importer.lower()}"


@dataclass(frozen=True)
class Coefficient:
    """One term's estimate and standard error."""

    term: str
    estimate: float
    se: float


@dataclass(frozen=True)
class GravityFit:
    """An estimated gravity equation: coefficients, sample, fixed effects and the panel.

    ``flows`` holds the sample's directed flows (``exporter, importer, year, value_usd_m,
    in_fit, fitted_usd_m``): the fitted values, fixed effects included, that the normal level
    reads.
    """

    estimator: str
    terms: tuple[str, ...]
    coefficients: tuple[Coefficient, ...]
    n_obs: int
    fixed_effects: tuple[str, ...]
    years: tuple[int, ...]
    with_domestic: bool
    se: str
    panel: dict[str, Any]
    zero_flows_dropped: int
    flows: pd.DataFrame = field(repr=False, compare=False)

    columns = (
        "term",
        "estimate",
        "se",
        "estimator",
        "n_obs",
        "fixed_effects",
        "years",
        "standard_errors",
        "panel",
        "attribution",
    )
    """The CSV's and the frame's columns: one row per term, the fit and the panel on each."""

    def coefficient(self, term: str) -> Coefficient:
        return next(c for c in self.coefficients if c.term == term)

    @property
    def sample_words(self) -> str:
        return "international and domestic flows" if self.with_domestic else "international flows"

    def describe(self) -> dict[str, Any]:
        """What was fitted, without its numbers (for the normal level's JSON)."""
        return {
            "estimator": self.estimator,
            "terms": list(self.terms),
            "fixed_effects": list(self.fixed_effects),
            "years": list(self.years),
            "with_domestic": self.with_domestic,
            "standard_errors": self.se,
            "n_obs": self.n_obs,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "estimator": self.estimator,
            "n_obs": self.n_obs,
            "fixed_effects": list(self.fixed_effects),
            "years": list(self.years),
            "panel": panel_document(self.panel),
            "coefficients": {
                c.term: {"estimate": c.estimate, "se": c.se} for c in self.coefficients
            },
            "standard_errors": self.se,
            "with_domestic": self.with_domestic,
            "zero_flows_dropped": self.zero_flows_dropped,
        }

    def rows(self) -> list[tuple[Any, ...]]:
        """One row per term (tidy): estimate, standard error, then the fit and the panel."""
        fit = (
            self.estimator,
            self.n_obs,
            " ".join(self.fixed_effects),
            " ".join(str(y) for y in self.years),
            self.se,
            self.panel.get("id"),
            self.panel.get("attribution"),
        )
        return [(c.term, c.estimate, c.se, *fit) for c in self.coefficients]

    @property
    def frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(self.rows(), columns=list(self.columns))


@dataclass(frozen=True)
class Direction:
    """One direction of a pair in the normal level's year."""

    exporter: str
    importer: str
    normal_usd_m: float
    observed_usd_m: float


@dataclass(frozen=True)
class NormalLevel:
    """A pair's normal level: the fit's fitted flows each way in ``year``, summed, beside the
    observed flows; the band is exp(P10) and exp(P90) of ln(observed / fitted) over the fit's
    directed flows of that year with a positive observed value, times the normal level."""

    pair: tuple[str, str]
    year: int
    by_direction: tuple[Direction, Direction]
    band_usd_m: tuple[float, float]
    band_log_ratio: tuple[float, float]
    band_flows: int
    panel: dict[str, Any]
    fit: dict[str, Any]
    briefing: tuple[str, str] | None = None
    """With a scenario: the briefing's line (label, text), its record and target set against
    the normal level (:func:`~tradecalc.analysis.gravity_normal.normal_level_line`)."""

    columns = (
        "direction",
        "exporter",
        "importer",
        "year",
        "normal_usd_m",
        "observed_usd_m",
        "ratio",
        "band_p10_usd_m",
        "band_p90_usd_m",
        "panel",
        "attribution",
    )
    """The CSV's and the frame's columns: each direction, then both (``total``, with the band)."""

    @property
    def normal_usd_m(self) -> float:
        return sum(d.normal_usd_m for d in self.by_direction)

    @property
    def observed_usd_m(self) -> float:
        return sum(d.observed_usd_m for d in self.by_direction)

    @property
    def ratio(self) -> float:
        """Observed over normal (1 = the pair trades as the model expects)."""
        return self.observed_usd_m / self.normal_usd_m

    def to_dict(self) -> dict[str, Any]:
        return {
            "pair": list(self.pair),
            "year": self.year,
            "normal_usd_m": self.normal_usd_m,
            "observed_usd_m": self.observed_usd_m,
            "ratio": self.ratio,
            "band_usd_m": list(self.band_usd_m),
            "by_direction": {
                direction_key(d.exporter, d.importer): {
                    "normal_usd_m": d.normal_usd_m,
                    "observed_usd_m": d.observed_usd_m,
                }
                for d in self.by_direction
            },
            "band_basis": {
                "flows": self.band_flows,
                "p10_log_ratio": self.band_log_ratio[0],
                "p90_log_ratio": self.band_log_ratio[1],
            },
            "panel": panel_document(self.panel),
            "fit": dict(self.fit),
            **({"briefing": ": ".join(self.briefing)} if self.briefing else {}),
        }

    def rows(self) -> list[tuple[Any, ...]]:
        """One row per direction, then both (direction ``total``, with the pair's band), each
        with its ratio observed / normal and the panel."""
        a, b = self.pair
        panel = (self.panel.get("id"), self.panel.get("attribution"))
        found = [
            (
                *(direction_key(d.exporter, d.importer), d.exporter, d.importer, self.year),
                *(d.normal_usd_m, d.observed_usd_m, d.observed_usd_m / d.normal_usd_m),
                *(None, None, *panel),
            )
            for d in self.by_direction
        ]
        total = (
            *("total", a, b, self.year, self.normal_usd_m, self.observed_usd_m, self.ratio),
            *(*self.band_usd_m, *panel),
        )
        return [*found, total]

    @property
    def frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(self.rows(), columns=list(self.columns))
