"""Revealed comparative advantage, proximity and density of one year's export matrix.

Balassa's (1965) revealed comparative advantage of economy c in product p is its share of p in
its own exports over p's share of all exports in the data::

    RCA_cp = (X_cp / sum_p X_cp) / (sum_c X_cp / sum_cp X_cp)

Density (Hidalgo, Klinger, Barabasi & Hausmann 2007; Hausmann, Hidalgo et al. 2013, the Atlas
of Economic Complexity) is how close p sits to what c already exports with RCA >= 1 (M_cp = 1):
the proximity-weighted share ``sum_p' M_cp' phi_pp' / sum_p' phi_pp'``, where the proximity
``phi_pp'`` is the number of economies exporting both with RCA >= 1 over the larger of the two
products' ubiquities.

These are the Growth Lab's `ecomplexity` definitions (its ``calculate_rca``,
``calc_discrete_proximity`` and ``calc_density``, defaults: presence by RCA >= 1, symmetric
discrete proximity, economies and products with no exports dropped before anything is
computed), written here as a few matrix products: the package computes ECI, PCI, COI and COG
too, through pandas, and on the 200 x 1,229 matrix of an HS4 world fetch took 19-24 s and
1.2 GiB where this takes well under a second. tests/test_headroom.py checks every value
against `ecomplexity` itself on random matrices, and against its published Stata ground truth
when those files are at hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import numpy as np


class Cell(NamedTuple):
    """One economy's exports of one product [US$ m]."""

    economy: str
    product: str
    value_usd_m: float


class Cells(Mapping[tuple[str, str], float]):
    """A matrix read by (row name, column name); a name it lacks is missing. Every cell holds a
    number: :func:`of_matrix` drops economies and products without exports, the only source
    of 0 / 0, before anything is computed."""

    def __init__(self, rows: Sequence[str], columns: Sequence[str], values: np.ndarray):
        self._rows = {name: i for i, name in enumerate(rows)}
        self._columns = {name: j for j, name in enumerate(columns)}
        self._values = values

    def __getitem__(self, key: tuple[str, str]) -> float:
        row, column = key
        if row not in self._rows or column not in self._columns:
            raise KeyError(key)
        return float(self._values[self._rows[row], self._columns[column]])

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return ((row, column) for row in self._rows for column in self._columns)

    def __len__(self) -> int:
        return len(self._rows) * len(self._columns)


@dataclass(frozen=True)
class Complexity:
    """RCA and density by (economy, product); proximity by (product, product); notes."""

    rca: Mapping[tuple[str, str], float]
    density: Mapping[tuple[str, str], float]
    proximity: Mapping[tuple[str, str], float]
    notes: list[str] = field(default_factory=list)


def complexity(cells: Iterable[Cell]) -> Complexity:
    """RCA, density and proximity of one year's economy x product export matrix.

    Missing cells count as no exports (the matrix is rectangularised, as `ecomplexity`
    does); values of the same cell are added. Economies or products with no exports at all
    are left out (missing in every result).

    Examples
    --------
    Two economies, two products: A exports 30 of p and 10 of q, B 10 and 50 (total 100, p's
    world share 0.4), so RCA_Ap = (30 / 40) / 0.4 = 1.875:

    >>> result = complexity([Cell("A", "p", 30), Cell("A", "q", 10), Cell("B", "p", 10),
    ...                      Cell("B", "q", 50)])
    >>> round(result.rca["A", "p"], 6)
    1.875
    """
    import numpy as np

    cells = list(cells)
    economies = list(dict.fromkeys(c.economy for c in cells))
    products = list(dict.fromkeys(c.product for c in cells))
    rows = {name: i for i, name in enumerate(economies)}
    columns = {name: j for j, name in enumerate(products)}
    values = np.zeros((len(economies), len(products)))
    for c in cells:
        values[rows[c.economy], columns[c.product]] += c.value_usd_m
    return of_matrix(economies, products, values)


def of_matrix(economies: Sequence[str], products: Sequence[str], values: np.ndarray) -> Complexity:
    """RCA, density and proximity of ``values`` (economies x products, US$, no NaN)."""

    exporting = values.sum(axis=1) > 0
    exported = values.sum(axis=0) > 0
    x = values[exporting][:, exported]
    kept = (
        [e for e, keep in zip(economies, exporting.tolist(), strict=True) if keep],
        [p for p, keep in zip(products, exported.tolist(), strict=True) if keep],
    )
    if not x.size:
        return Complexity({}, {}, {})
    rca, density, proximity = _computed(x)
    return Complexity(
        Cells(kept[0], kept[1], rca),
        Cells(kept[0], kept[1], density),
        Cells(kept[1], kept[1], proximity),
    )


def _computed(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """RCA, density and proximity of a matrix whose every row and column has exports.

    Every product then has an economy with RCA >= 1 (the export-weighted mean of a product's
    RCA over economies is 1), so no ubiquity is zero and no division below is by zero.
    """
    import numpy as np

    share = x / x.sum(axis=1, keepdims=True)
    world = x.sum(axis=0, keepdims=True) / x.sum()
    rca = share / world
    m = (rca >= 1.0).astype(float)
    ubiquity = m.sum(axis=0)
    proximity = m.T @ m  # co-exporters of each pair of products ...
    for start in range(0, len(ubiquity), BLOCK):  # ... over the larger ubiquity, in place
        rows = slice(start, start + BLOCK)
        proximity[rows] /= np.maximum(ubiquity[rows, np.newaxis], ubiquity[np.newaxis, :])
    density = (m @ proximity) / proximity.sum(axis=0, keepdims=True)
    return rca, density, proximity


BLOCK = 512
"""Rows of the proximity matrix divided at a time: its one full-size temporary is itself
(at HS6, 5,400 products, 230 MB)."""


MOST_PRODUCTS = 6_000
"""RCA and density are computed for a world matrix of at most this many products (HS6 has
5,000 to 5,600 subheadings by edition): the proximity matrix grows with their square. Measured
on this project's 2-core machine (a synthetic matrix, half its cells filled): 200 x 5,400 in
about 1.5 s and 0.5 GiB at peak, 200 x 1,229 in 0.05 s."""


def not_computed(count: int) -> Complexity:
    """No RCA nor density, and a note saying why: too many products."""
    note = (
        f"RCA and density not computed: {count:,} products in the world rows, more than "
        f"{MOST_PRODUCTS:,} (the proximity matrix grows with their square); --detail hs4 "
        "gives them"
    )
    return Complexity({}, {}, {}, [note])
