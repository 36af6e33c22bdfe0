"""Results held as their JSON document: what `simulate`, `sweep`, `sensitivity`, `backtest`
(and `--rolling`), `explain`, `headroom` and `targets` return. Each is a frozen value with
``.to_dict()`` (the JSON), ``.rows()``/``.columns`` (the CSV) and ``.frame`` (a DataFrame)."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, ClassVar

from tradecalc.analysis.outside_view import CASE_KEYS as TARGET_CASE_KEYS
from tradecalc.analysis.projection import Projection

ROLLING_METHODS = ("model", "no_change", "drift")
"""The forecasts `backtest --rolling` scores, in the order of its CSV columns."""

SIMULATION_CSV_COLUMNS = (
    "year",
    "mean_usd_m",
    "p10_usd_m",
    "p50_usd_m",
    "p90_usd_m",
    "probability_reached",
)


SENSITIVITY_CSV_COLUMNS = (
    "input",
    "low",
    "high",
    "measure_low_usd_m",
    "measure_high_usd_m",
    "swing_usd_m",
)


BACKTEST_CSV_COLUMNS = (
    "year",
    "observed_usd_m",
    "projected_usd_m",
    "p10_usd_m",
    "p50_usd_m",
    "p90_usd_m",
    "inside_band",
    "log_error",
)


EXPLAIN_CSV_COLUMNS = (
    "lever",
    "name",
    "category",
    "counts",
    "at_by_year_usd_m",
    "at_horizon_usd_m",
    "source",
    "assumption",
    "changed_by_set",
)


def explanation_document(p: Projection) -> dict[str, Any]:
    """The JSON document of `tradecalc explain`: levers, assumptions, sources."""
    s = p.scenario
    return {
        "scenario": {"name": s.name, "path": p.path, "description": s.description},
        "overrides": list(p.overrides),
        "by_year": s.by_year,
        "horizon": s.horizon,
        "measure_at_by_year_usd_m": p.measure_at_by_year,
        "measure_at_horizon_usd_m": float(p.measure[-1]),
        "required_cagr": p.required_cagr,
        "outside_view": p.outside_view,
        "levers": p.lever_rows,
        "smart": p.smart,
        "assumptions": [vars(a) for a in p.assumptions],
        "unsourced": p.unsourced,
        "sources": [src.model_dump(exclude_none=True) for src in s.sources],
    }


ROLLING_FIELDS = (
    "central_usd_m",
    "p5_usd_m",
    "p10_usd_m",
    "p50_usd_m",
    "p90_usd_m",
    "p95_usd_m",
    "log_density",
)
ROLLING_CSV_COLUMNS = (
    "origin",
    "year",
    "horizon",
    "observed_usd_m",
    *(f"{m}_{k}" for m in ROLLING_METHODS for k in ROLLING_FIELDS),
)


HEADROOM_CSV_COLUMNS = [
    "direction",
    "year",
    "rank",
    "product",
    "label",
    "sector",
    "market_usd_m",
    "supply_usd_m",
    "bilateral_usd_m",
    "bilateral_reported_by",
    "market_share",
    "world_usd_m",
    "world_share",
    "potential_usd_m",
    "untapped_usd_m",
    "excess_usd_m",
    "rca",
    "density",
    "source",
    "note",
    "supply_basis",
    "bilateral_basis",
    "apart",
]
"""One CSV row per direction and product, the JSON rows' keys in this order (columns added
later go at the end, so a script that reads by position keeps working)."""


_ATOMS = (str, int, float, bool, type(None))


def _copied(value: Any) -> Any:
    """A deep copy of a JSON-shaped value: dicts, lists and tuples rebuilt, scalars shared
    (immutable), anything else through :func:`copy.deepcopy`. A headroom document of 2,500
    rows copies in a quarter of deepcopy's time (its memo and dispatch are per object)."""
    if isinstance(value, _ATOMS):
        return value
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copied(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_copied(item) for item in value)
    return copy.deepcopy(value)


@dataclass(frozen=True)
class DocumentResult:
    """A result that its analysis computed whole, held as its JSON document (read-only).

    A view reads it like the document (``result["years"]``, ``result.get("note")``).
    """

    document: Mapping[str, Any]
    columns: ClassVar[tuple[str, ...]] = ()
    """The CSV columns, in order."""
    rows_key: ClassVar[str] = ""
    """The document's list that the CSV rows come from."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "document", MappingProxyType(dict(self.document)))

    def __getitem__(self, key: str) -> Any:
        return self.document[key]

    def __contains__(self, key: object) -> bool:
        return key in self.document

    def __iter__(self) -> Iterator[str]:
        return iter(self.document)

    def get(self, key: str, default: Any = None) -> Any:
        return self.document.get(key, default)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document (a copy: the result stays as it is)."""
        return _copied(dict(self.document))

    def rows(self) -> list[dict[str, Any]]:
        """The CSV rows, dicts keyed by :attr:`columns`."""
        return [{key: row.get(key) for key in self.columns} for row in self.document[self.rows_key]]

    @property
    def frame(self) -> Any:
        """Tidy pandas DataFrame of :meth:`rows`, in :attr:`columns` order."""
        import pandas as pd

        return pd.DataFrame.from_records(self.rows(), columns=list(self.columns))


@dataclass(frozen=True)
class SimulationResult(DocumentResult):
    """`tradecalc simulate`: the Monte Carlo's percentiles and odds by year, with the draws'
    summary (``simulation``, the engine's) and the scenario's record for the charts."""

    simulation: Any = None
    history: Sequence[Mapping[str, Any]] = ()
    columns = SIMULATION_CSV_COLUMNS
    rows_key = "years"


@dataclass(frozen=True)
class Sensitivity(DocumentResult):
    """`tradecalc sensitivity`: the inputs ranked by how far they swing the measure."""

    columns = SENSITIVITY_CSV_COLUMNS
    rows_key = "inputs"


@dataclass(frozen=True)
class Backtest(DocumentResult):
    """`tradecalc backtest`: the record against a projection from an observed year."""

    columns = BACKTEST_CSV_COLUMNS
    rows_key = "years"


@dataclass(frozen=True)
class RollingBacktest(DocumentResult):
    """`tradecalc backtest --rolling`: out-of-sample scores and every forecast."""

    columns = ROLLING_CSV_COLUMNS

    def rows(self) -> list[dict[str, Any]]:
        return rolling_rows(self.document)


@dataclass(frozen=True)
class Explanation(DocumentResult):
    """`tradecalc explain`: what each lever adds, every assumption, the sources."""

    columns = EXPLAIN_CSV_COLUMNS
    rows_key = "levers"

    @classmethod
    def of(cls, p: Projection) -> Explanation:
        return cls(explanation_document(p))


@dataclass(frozen=True)
class Headroom(DocumentResult):
    """`tradecalc headroom`: the products that could fill the gap, per direction, ranked;
    ``top``: how many a view shows per direction."""

    top: int = 10
    columns = tuple(HEADROOM_CSV_COLUMNS)
    rows_key = "rows"


@dataclass(frozen=True)
class Targets(DocumentResult):
    """`tradecalc targets`: the reference class of announced bilateral trade targets."""

    names: Mapping[str, str] = field(default_factory=dict)
    """The name the reference class gives each economy code of its cases."""
    columns = TARGET_CASE_KEYS

    @classmethod
    def load(cls) -> Targets:
        """The shipped reference class (`tradecalc targets`)."""
        from tradecalc.analysis.outside_view import economy_name, targets_document

        doc = targets_document()
        codes = {code for case in doc["cases"] for code in case["pair"]}
        return cls(doc, names=MappingProxyType({code: economy_name(code) for code in codes}))

    def rows(self) -> list[dict[str, Any]]:
        """One row per case, full precision; the pair ``AAA-BBB``, the sources' URLs spaced."""
        rows = []
        for case in self.document["cases"]:
            row = {key: case[key] for key in self.columns}
            row["pair"] = "-".join(case["pair"])
            row["sources"] = " ".join(src["url"] for src in case["sources"])
            rows.append(row)
        return rows


@dataclass(frozen=True)
class Sweep:
    """`tradecalc sweep`: one row per grid point (the JSON is the list of rows)."""

    points: tuple[Mapping[str, Any], ...]
    keys: tuple[str, ...]
    """The swept parameters, in the order of the grid."""
    name: str
    """What was swept (the scenario's path, as given)."""

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.keys, "reached_year", "measure_at_by_year_usd_m", "gap_at_by_year_usd_m")

    def to_dict(self) -> list[dict[str, Any]]:
        """The JSON document: the list of grid points."""
        return [dict(row) for row in self.points]

    def rows(self) -> list[dict[str, Any]]:
        return self.to_dict()

    @property
    def frame(self) -> Any:
        import pandas as pd

        return pd.DataFrame.from_records(self.rows(), columns=list(self.columns))


def rolling_rows(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The forecasts of `backtest --rolling` flat, one row each (the CSV)."""
    return [
        {
            **{k: f[k] for k in ("origin", "year", "horizon", "observed_usd_m")},
            **{f"{m}_{k}": f[m][k] for m in ROLLING_METHODS for k in ROLLING_FIELDS},
        }
        for f in doc["forecasts"]
    ]
