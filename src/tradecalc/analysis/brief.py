"""The result of `tradecalc report`: the projections a brief shows, side by side, with each
scenario's headroom (which products could fill its gap), all computed before the page is drawn."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tradecalc.analysis.comparison import Comparison
from tradecalc.analysis.projection import Projection

HEADROOM_TOP = 10
"""Products per direction the brief's headroom section shows."""


@dataclass(frozen=True)
class Brief:
    """What the one-page brief reads: the projections (with their odds and bands), their
    comparison when there are several, and each one's headroom document (None without
    `products:` or without a product that has data)."""

    projections: tuple[Projection, ...]
    comparison: Comparison
    headrooms: tuple[dict[str, Any] | None, ...]

    columns = Comparison.columns
    """The CSV columns: each scenario's measure and total by year (:class:`Comparison`'s)."""

    def rows(self) -> list[dict[str, Any]]:
        """Each scenario's measure and total by year."""
        return self.comparison.rows()

    @property
    def frame(self) -> Any:
        """Tidy pandas DataFrame of :meth:`rows`."""
        return self.comparison.frame

    def to_dict(self) -> dict[str, Any]:
        """The projections' JSON documents and the headrooms, as the page shows them."""
        return {
            "scenarios": [p.to_dict() for p in self.projections],
            "headroom": list(self.headrooms),
        }


def brief(projections: Sequence[Projection]) -> Brief:
    """The brief of projections run with their odds and bands (the `report` command's)."""
    return Brief(
        tuple(projections),
        Comparison(list(projections)),
        tuple(_headroom(p) for p in projections),
    )


def _headroom(p: Projection) -> dict[str, Any] | None:
    """The scenario's product headroom against its gap, or None (no product data, no rows)."""
    s = p.scenario
    if s.products is None:
        return None
    from tradecalc.analysis.headroom import headroom_document
    from tradecalc.scenario import productfile

    products = productfile.load(s.products, tuple(s.codes))
    if products is None:  # pragma: no cover - load keeps a Products
        return None
    first, second = s.codes
    doc = headroom_document(products, (first, second), p.gap_at_by_year, HEADROOM_TOP)
    return doc if doc["rows"] else None
