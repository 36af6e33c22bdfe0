"""The world's exports by product as columns: every reporter's exports to the world.

A world fetch at HS4 holds about 250,000 such rows (200 reporters x 1,229 headings). As
:class:`~tradecalc.scenario.sections.ProductRow` objects they cost seconds to build and
hundreds of MB; headroom needs only two things of them, the world's exports of each product
(``W_p``) and one year's economy x product matrix (RCA and density), both sums over columns.
So a product file's world rows are read straight into four arrays (year, reporter, product,
value), and rows written in the YAML are turned into the same arrays: one shape for headroom.
Only rows to the world (partner ``WLD``) of exports (flow ``X``) are kept, as headroom reads
them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tradecalc.scenario.terms import WORLD

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True, eq=False)
class WorldExports:
    """Exports to the world by year, reporter and product, as equal-length arrays [US$ m]."""

    year: np.ndarray
    reporter: np.ndarray
    product: np.ndarray
    value_usd_m: np.ndarray

    @classmethod
    def of_rows(cls, rows: Iterable[Any]) -> WorldExports:
        """The exports to the world (partner WLD, flow X) of product rows (ProductRow objects,
        read by attribute); the others are left out.

        >>> from tradecalc.scenario.sections import ProductRow
        >>> rows = [ProductRow(year=2023, reporter=r, partner="WLD", flow=f, product="52",
        ...                    value_usd_m=v) for r, f, v in (("PAK", "X", 5.0),
        ...                    ("CHN", "X", 45.0), ("PAK", "M", 9.0))]
        >>> WorldExports.of_rows(rows).totals()
        {(2023, '52'): 50.0}
        """
        import numpy as np

        kept = [r for r in rows if r.partner == WORLD and r.flow == "X"]
        return cls(
            np.array([r.year for r in kept], dtype=np.int64),
            np.array([r.reporter for r in kept], dtype=object),
            np.array([r.product for r in kept], dtype=object),
            np.array([r.value_usd_m for r in kept], dtype=np.float64),
        )

    @classmethod
    def of_columns(cls, found: Mapping[str, Any], names: tuple[str, str, str, str]) -> WorldExports:
        """From a query's columns (DuckDB's ``fetchnumpy()``): ``names`` of the year, reporter,
        product and value columns."""
        import numpy as np

        year, reporter, product, value = (np.asarray(found[name]) for name in names)
        return cls(
            year.astype(np.int64),
            reporter.astype(object),
            product.astype(object),
            value.astype(np.float64),
        )

    def __len__(self) -> int:
        return len(self.value_usd_m)

    def totals(self) -> dict[tuple[int, str], float]:
        """``W_p``: the world's exports of each product in each year, summed over reporters."""
        import numpy as np

        if not len(self):
            return {}
        years, year_at = np.unique(self.year, return_inverse=True)
        products, product_at = np.unique(self.product.astype(str), return_inverse=True)
        cell = year_at.ravel() * len(products) + product_at.ravel()
        size = len(years) * len(products)
        sums = np.bincount(cell, weights=self.value_usd_m, minlength=size)
        present = np.bincount(cell, minlength=size) > 0
        return {
            (int(years[i // len(products)]), str(products[i % len(products)])): float(sums[i])
            for i in np.flatnonzero(present).tolist()
        }

    def matrix(self, year: int) -> tuple[list[str], list[str], np.ndarray]:
        """``year``'s reporters, products and reporter x product sums (zero where no row)."""
        import numpy as np

        keep = self.year == year
        economies, rows = np.unique(self.reporter[keep].astype(str), return_inverse=True)
        products, columns = np.unique(self.product[keep].astype(str), return_inverse=True)
        cell = rows.ravel() * len(products) + columns.ravel()
        size = len(economies) * len(products)
        values = np.bincount(cell, weights=self.value_usd_m[keep], minlength=size)
        return economies.tolist(), products.tolist(), values.reshape(len(economies), len(products))

    def chapters(self) -> WorldExports:
        """The same rows with each heading cut to its HS chapter (sums follow in the readers)."""
        import numpy as np

        return WorldExports(
            self.year,
            self.reporter,
            np.array([p[:2] for p in self.product.tolist()], dtype=object),
            self.value_usd_m,
        )
