"""Revealed comparative advantage and density: a thin wrapper over the Growth Lab's `ecomplexity`.

Balassa's (1965) revealed comparative advantage of economy c in product p is its share of p in
its own exports over p's share of all exports in the data::

    RCA_cp = (X_cp / sum_p X_cp) / (sum_c X_cp / sum_cp X_cp)

Density (Hidalgo, Klinger, Barabasi & Hausmann 2007; Hausmann, Hidalgo et al. 2013, the Atlas
of Economic Complexity) is how close p sits to what c already exports with RCA >= 1 (M_cp = 1):
the proximity-weighted share ``sum_p' M_cp' phi_pp' / sum_p' phi_pp'``, where the proximity
``phi_pp'`` is the number of economies exporting both with RCA >= 1 over the larger of the two
products' ubiquities. Both come from `ecomplexity` (the Growth Lab's own code), not from here:
this module reshapes rows in and out and keeps the package's prints and warnings off the
terminal, returning them as notes instead.
"""

from __future__ import annotations

import contextlib
import io
import math
import warnings
from collections.abc import Iterable
from typing import NamedTuple


class Cell(NamedTuple):
    """One economy's exports of one product [US$ m]."""

    economy: str
    product: str
    value_usd_m: float


class Complexity(NamedTuple):
    """RCA and density by (economy, product); proximity by (product, product); notes."""

    rca: dict[tuple[str, str], float]
    density: dict[tuple[str, str], float]
    proximity: dict[tuple[str, str], float]
    notes: list[str]


def complexity(cells: Iterable[Cell]) -> Complexity:
    """RCA, density and proximity of one year's economy x product export matrix.

    Missing cells count as no exports (the matrix is rectangularised, as `ecomplexity`
    does). Economies or products with no exports at all give NaN, returned as missing.
    Needs `ecomplexity` (the ``[headroom]`` extra).

    Examples
    --------
    Two economies, two products: A exports 30 of p and 10 of q, B 10 and 50 (total 100, p's
    world share 0.4), so RCA_Ap = (30 / 40) / 0.4 = 1.875:

    >>> result = complexity([Cell("A", "p", 30), Cell("A", "q", 10), Cell("B", "p", 10),
    ...                      Cell("B", "q", 50)])
    >>> round(result.rca["A", "p"], 6)
    1.875
    """
    import pandas as pd

    frame = pd.DataFrame(list(cells), columns=["economy", "product", "value_usd_m"])
    frame["year"] = 0
    columns = {"time": "year", "loc": "economy", "prod": "product", "val": "value_usd_m"}
    out, notes = _quietly(lambda: _run(frame, columns))
    output, proximity = out
    rca = _by_pair(output, "economy", "product", "rca")
    density = _by_pair(output, "economy", "product", "density")
    prox = _by_pair(proximity, "product_1", "product_2", "proximity")
    return Complexity(rca, density, prox, notes)


def _run(frame, columns):
    ecomplexity, proximity = _import_ecomplexity()
    output = ecomplexity(frame, columns, verbose=False, check_logsupermodularity=False)
    return output, proximity(frame, columns)


def _import_ecomplexity():
    """`ecomplexity`'s two functions, imported without loading scikit-learn.

    `ecomplexity` imports `sklearn.neighbors` at module level for one thing, a k-nearest-
    neighbours density (``knn=``), which headroom never asks for; scikit-learn is about three
    seconds of a 3.5 s import (measured on this project's CI machine). So while `ecomplexity`
    is imported, `sklearn.neighbors` is a stand-in whose ``NearestNeighbors`` imports the real
    class when called, and the stand-in is removed at once: nothing else ever sees it, and
    `import sklearn` afterwards is the real package.
    """
    import sys
    import types

    if "ecomplexity" not in sys.modules and "sklearn.neighbors" not in sys.modules:
        stand_in = types.ModuleType("sklearn.neighbors")
        stand_in.NearestNeighbors = _nearest_neighbors  # type: ignore[attr-defined]
        sys.modules["sklearn.neighbors"] = stand_in
        try:
            import ecomplexity
        finally:
            del sys.modules["sklearn.neighbors"]
    from ecomplexity import ecomplexity, proximity

    return ecomplexity, proximity


def _nearest_neighbors(*args, **kwargs):
    from sklearn.neighbors import NearestNeighbors

    return NearestNeighbors(*args, **kwargs)


def _quietly(call):
    """Run ``call`` with its prints and warnings captured; return its result and the notes.

    `ecomplexity` prints the year it works on (and, when ECI's eigenvectors fail, the
    exception) to stdout and warns through ``warnings``: neither may reach the terminal raw,
    where stdout is data. Its own warnings (UserWarning) become notes, except those about ECI
    and PCI, which headroom does not use; the prints and pandas' deprecation notices are
    dropped.
    """
    printed = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(printed):
        warnings.simplefilter("always")
        with _numpy_quiet():
            result = call()
    notes = [
        f"ecomplexity: {' '.join(str(w.message).split())}"
        for w in caught
        if w.category is UserWarning and not _about_eci(str(w.message))
    ]
    return result, list(dict.fromkeys(notes))


def _about_eci(message: str) -> bool:
    return any(word in message for word in ("ECI", "eigenvector", "Log-supermodularity"))


@contextlib.contextmanager
def _numpy_quiet():
    import numpy as np

    with np.errstate(all="ignore"):
        yield


def _by_pair(frame, first: str, second: str, value: str) -> dict[tuple[str, str], float]:
    pairs = zip(frame[first], frame[second], frame[value], strict=True)
    return {(str(a), str(b)): float(v) for a, b, v in pairs if not math.isnan(float(v))}


MOST_PRODUCTS = 1_300
"""RCA and density are computed for a world matrix of at most this many products (HS4 has
1,229 headings): `ecomplexity`'s proximity grows with the square of the products; measured on
200 economies on this project's 2-core machine, 1,229 headings took about 20 s (the whole headroom
1.2 GiB), a synthetic 5,000-product matrix half full 268 s and 8.6 GiB."""


def not_computed(count: int) -> Complexity:
    """No RCA nor density, and a note saying why: too many products."""
    note = (
        f"RCA and density not computed: {count:,} products in the world rows, more than "
        f"{MOST_PRODUCTS:,} (the proximity matrix grows with their square: at HS6 it takes "
        "minutes and gigabytes); --detail hs4 gives them"
    )
    return Complexity({}, {}, {}, [note])
