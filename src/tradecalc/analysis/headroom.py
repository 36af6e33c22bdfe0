"""Headroom: which products could fill the gap to the target, product by product.

For each direction (exporter -> importer) and product p, in the latest year the importer
reports its imports from the world (docs/methods.md, "Headroom"):

- the market ``M_p``: the importer's imports of p from the world;
- the supply ``X_p``: the exporter's exports of p to the world;
- the bilateral flow as the importer reports it, else the exporter's mirror figure (marked);
- the world's exports ``W_p``: the sum over every reporter in `products.world`;
- an ITC-style potential (after Decreux & Spies 2016): the exporter's world-market share
  applied to this market, ``potential_p = min((X_p / W_p) * M_p, M_p)``, and
  ``untapped_p = max(potential_p - bilateral_p, 0)``, with the excess said where the
  bilateral flow already exceeds the potential; both null where ``W_p`` is missing;
- Balassa's RCA and the product's density for the exporter (:mod:`.complexity`), where the
  world rows allow.

Chapters whose trade a world-share rule does not describe (:data:`APART`: mineral fuels,
precious stones and metals, arms; at HS4 the headings of those chapters) are ranked after the
rest and never summed with it: their rows carry ``apart`` and their own block, ``apart``.

Pure: rows in, a document out (the JSON of `tradecalc headroom`); nothing is printed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any, Literal, cast

from tradecalc.scenario import hs
from tradecalc.scenario.sections import WORLD, ProductRow, Products
from tradecalc.scenario.terms import direction_name

DEFAULT_TOP = 10
"""Products the table shows and totals against the gap, per direction."""

METHOD = (
    "ITC-style potential (after Decreux & Spies 2016, the ITC Export Potential Map's supply x "
    "demand idea, without its ease-of-trade term): potential = min(X_p / W_p x M_p, M_p), "
    "the exporter's world-market share applied to the importer's market; untapped = "
    "max(potential - bilateral, 0)"
)

NONE_REPORTED = "none reported: taken as 0"
"""The basis of a supply or bilateral figure that no row gives but the potential uses as 0
(Comtrade leaves out flows it has no report of; docs/methods.md, "Absence is not zero")."""

APART: dict[str, str] = {
    "27": (
        "mineral fuels: crude by pipeline, gas and LNG on long-term contracts move by "
        "infrastructure and contract, not by a share of an open market"
    ),
    "71": (
        "precious stones and metals: gold and bullion move with reserves, refining and "
        "finance, not with a buyer's demand for goods"
    ),
    "93": "arms and ammunition: sold government to government under licence, not in a market",
}
"""HS chapters where a world-share rule does not describe a market (docs/methods.md 13, "Chapters
apart"), with the reason; a heading is apart when its chapter is."""

SCALE = "upper-bound scale, not achievable trade"
"""What a total of untapped values set against the gap is (docs/methods.md 13)."""

Key = tuple[int, str, str, str, str]
"""(year, reporter, partner, flow, product)."""


def _index(rows: Iterable[ProductRow]) -> dict[Key, float]:
    values: dict[Key, float] = defaultdict(float)
    for r in rows:
        values[r.year, r.reporter, r.partner, r.flow, r.product] += r.value_usd_m
    return dict(values)


class _Data:
    """The rows of a data file, indexed for look-up."""

    def __init__(self, products: Products):
        self.overrides = products.sectors or {}
        self.rows = _index(products.rows)
        self.sources = {
            (r.year, r.reporter, r.partner, r.flow, r.product): r.source for r in products.rows
        }
        self.world_exports = products.world_exports()
        self.world = self.world_exports.totals()
        self._complexity: dict[tuple[int, str], Any] = {}
        self._matrices: dict[int, Any] = {}

    def market_year(self, importer: str) -> int | None:
        years = [k[0] for k in self.rows if k[1:4] == (importer, WORLD, "M")]
        return max(years, default=None)

    def bilateral(self, year: int, exporter: str, importer: str, p: str):
        """(value, who reported it): the importer's figure, else the exporter's mirror."""
        reported = self.rows.get((year, importer, exporter, "M", p))
        if reported is not None:
            return reported, "importer"
        mirror = self.rows.get((year, exporter, importer, "X", p))
        return (mirror, "mirror") if mirror is not None else (None, None)

    def complexity(self, year: int, exporter: str):
        """RCA and density of ``year``'s world matrix (with the exporter's own rows), or None."""
        if (year, exporter) not in self._complexity:
            self._complexity[year, exporter] = self._compute(year, exporter)
        return self._complexity[year, exporter]

    def _compute(self, year: int, exporter: str):
        from tradecalc.analysis.complexity import MOST_PRODUCTS, not_computed, of_matrix

        if year not in self._matrices:
            self._matrices[year] = self.world_exports.matrix(year)
        economies, products, values = self._matrices[year]
        if not economies:
            return None
        if len(products) > MOST_PRODUCTS:
            return not_computed(len(products))
        if exporter not in economies:
            products, values = self._with_own_row(values, products, year, exporter)
            economies = [*economies, exporter]
        return of_matrix(economies, products, values)

    def _with_own_row(self, values, products: list[str], year: int, exporter: str):
        """The world matrix with a row of the exporter's own exports to the world (the pair's
        rows), for an exporter that no world row reports; its products the world rows lack
        are new columns."""
        import numpy as np

        own = {k[4]: v for k, v in self.rows.items() if k[:4] == (year, exporter, WORLD, "X")}
        products = [*products, *sorted(set(own) - set(products))]
        grown = np.zeros((values.shape[0] + 1, len(products)))
        grown[: values.shape[0], : values.shape[1]] = values
        grown[-1] = [own.get(p, 0.0) for p in products]
        return products, grown


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def _row(data: _Data, year: int, exporter: str, importer: str, p: str) -> dict[str, Any]:
    market = data.rows[year, importer, WORLD, "M", p]
    supply = data.rows.get((year, exporter, WORLD, "X", p))
    bilateral, reported_by = data.bilateral(year, exporter, importer, p)
    world = data.world.get((year, p))
    world_share = _ratio(supply, world)
    potential = untapped = excess = None
    notes = []
    supply_basis = bilateral_basis = None
    if world is None:
        notes.append("no world exports W_p: fetch --world for this product and year")
    elif supply is None:
        notes.append(f"no {exporter} exports to the world in the data: supply taken as 0")
        world_share, supply_basis = 0.0, NONE_REPORTED
    if world_share is not None:
        potential = min(world_share * market, market)
        actual = bilateral or 0.0
        untapped = max(potential - actual, 0.0)
        excess = max(actual - potential, 0.0)
        if excess > 0:
            notes.append(f"bilateral already {excess:,.1f} above the potential")
    if bilateral is None and world_share is not None:
        notes.append("no bilateral row from either side: taken as 0")
        bilateral_basis = NONE_REPORTED
    elif reported_by == "mirror":
        notes.append(f"bilateral from {exporter}'s exports (mirror): {importer} reports none")
    return {
        "direction": direction_name(exporter, importer),
        "year": year,
        "product": p,
        "label": hs.label(p),
        "sector": hs.sector_of(p, data.overrides),
        "market_usd_m": market,
        "supply_usd_m": supply,
        "supply_basis": supply_basis,
        "bilateral_usd_m": bilateral,
        "bilateral_reported_by": reported_by,
        "bilateral_basis": bilateral_basis,
        "market_share": _ratio(bilateral, market),
        "world_usd_m": world,
        "world_share": world_share,
        "potential_usd_m": potential,
        "untapped_usd_m": untapped,
        "excess_usd_m": excess,
        **_advantage(data, year, exporter, p),
        "source": data.sources.get((year, importer, WORLD, "M", p)),
        "note": "; ".join(notes) or None,
        "apart": chapter_apart(p) is not None,
    }


def _advantage(data: _Data, year: int, exporter: str, p: str) -> dict[str, float | None]:
    found = data.complexity(year, exporter)
    if found is None:
        return {"rca": None, "density": None}
    return {"rca": found.rca.get((exporter, p)), "density": found.density.get((exporter, p))}


def chapter_apart(product: str) -> str | None:
    """The reason a product's chapter is kept apart from the share rule, or None.

    >>> chapter_apart("2711")[:13], chapter_apart("271111")[:13], chapter_apart("10")
    ('mineral fuels', 'mineral fuels', None)
    """
    return APART.get(product[:2])


def _ranked(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """By untapped value, largest first; rows without one last, by market size; the chapters
    apart (:data:`APART`) after all the rest, ranked the same way among themselves."""

    def order(row):
        untapped = row["untapped_usd_m"]
        return (row.get("apart", False), untapped is None, -(untapped or 0.0), -row["market_usd_m"])

    rows = sorted(rows, key=order)
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank
    return rows


def _direction(data: _Data, exporter: str, importer: str, gap: float | None, top: int):
    """The ranked rows of one direction and its summary, or None without market rows."""
    year = data.market_year(importer)
    if year is None:
        return None
    products = sorted({k[4] for k in data.rows if k[:4] == (year, importer, WORLD, "M")})
    rows = _ranked([_row(data, year, exporter, importer, p) for p in products])
    rule = [r for r in rows if not r["apart"]]
    shown = [r["untapped_usd_m"] for r in rule[:top] if r["untapped_usd_m"] is not None]
    total = sum(shown) if shown else None
    summary = {
        "direction": direction_name(exporter, importer),
        "year": year,
        "products": len(rows),
        "products_apart": len(rows) - len(rule),
        "top": min(top, len(rule)),
        "top_with_value": len(shown),
        "without_value": sum(r["untapped_usd_m"] is None for r in rule),
        "top_untapped_usd_m": total,
        "top_share_of_gap": total / gap if total is not None and gap and gap > 0 else None,
        "complexity_notes": _notes(data, year, exporter),
    }
    return rows, summary


def _notes(data: _Data, year: int, exporter: str) -> list[str]:
    found = data.complexity(year, exporter)
    if found is None:
        return ["no world rows for this year: RCA and density not computed"]
    return list(found.notes)


def headroom_document(
    products: Products,
    codes: tuple[str, str],
    gap_usd_m: float | None = None,
    top: int = DEFAULT_TOP,
) -> dict[str, Any]:
    """The headroom document: every product of each direction, ranked, against the gap.

    Parameters
    ----------
    products : Products
        A data file's `products:` (rows with the world and bilateral; `world` for W_p).
    codes : (str, str)
        The two economies; directions are a -> b, then b -> a.
    gap_usd_m : float, optional
        The target minus the projection in the deadline year [US$ m] (None: no target).
    top : int
        How many of each direction's largest untapped products to total against the gap.

    Returns
    -------
    dict
        ``{"year", "gap_usd_m", "method", "directions", "skipped", "rows"}``; ``skipped`` lists
        directions without market rows, in words.
    """
    data = _Data(products)
    a, b = codes
    rows: list[dict[str, Any]] = []
    directions, skipped = [], []
    for exporter, importer in ((a, b), (b, a)):
        found = _direction(data, exporter, importer, gap_usd_m, top)
        if found is None:
            skipped.append(
                f"{direction_name(exporter, importer)}: no product rows of {importer}'s imports "
                f"from the world: skipped (fetch --detail hs2 for {importer})"
            )
            continue
        rows += found[0]
        directions.append(found[1])
    return {
        "year": max((d["year"] for d in directions), default=None),
        "gap_usd_m": gap_usd_m,
        "detail": products.detail,
        "method": METHOD,
        "directions": directions,
        "skipped": skipped,
        "rows": rows,
        "scale": SCALE,
        "apart": apart_block(rows),
    }


def apart_block(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The chapters apart (:data:`APART`) and, per direction with such rows, their products and
    untapped total: shown, never added to the top total nor set against the gap."""
    directions = []
    for direction in dict.fromkeys(r["direction"] for r in rows if r.get("apart")):
        own = [r for r in rows if r["direction"] == direction and r["apart"]]
        valued = [r["untapped_usd_m"] for r in own if r["untapped_usd_m"] is not None]
        directions.append(
            {
                "direction": direction,
                "year": own[0]["year"],
                "products": [r["product"] for r in own],
                "market_usd_m": sum(r["market_usd_m"] for r in own),
                "untapped_usd_m": sum(valued) if valued else None,
                "without_value": len(own) - len(valued),
            }
        )
    return {
        "chapters": [{"chapter": c, "reason": why} for c, why in APART.items()],
        "note": (
            "a world-share rule does not describe these markets: their untapped values are "
            "shown apart, not summed with the rest nor set against the gap"
        ),
        "directions": directions,
    }


REFERENCE_FILE = "data/pak-aze-reference.yaml"

REFERENCE_MARKETS: dict[str, tuple[str, str]] = {
    "azerbaijan_pharma_imports_hs30": ("AZE", "30"),
    "azerbaijan_meat_imports": ("AZE", "02"),
    "azerbaijan_rice_imports": ("AZE", "1006"),
    "azerbaijan_apparel_textile_imports_hs50_63": ("AZE", "50-63"),
}
"""Market entries of the shipped reference data: key -> (importer, HS code it measures)."""


def reference_headroom(reference: dict[str, Any], gap_usd_m: float | None) -> dict[str, Any]:
    """Headroom from the sourced market sizes of the shipped Pakistan-Azerbaijan reference.

    tradecalc ships no UN Comtrade values, so without a data file the only market sizes are
    the ones the reference data cites (``markets:``). A market counts where a full calendar
    year is published; part-year figures and missing ones are said, not used. Supply and
    world exports are not in the reference, so potential and untapped are null.
    """
    sources = {s["id"]: s for s in reference.get("sources", [])}
    markets = reference.get("markets", {})
    rows, skipped = [], []
    for key, (importer, product) in REFERENCE_MARKETS.items():
        entries = markets.get(key) or []
        full = [e for e in entries if "year" in e and "period" not in e and "value_usd_m" in e]
        if not full:
            parts = [e["period"] for e in entries if "period" in e]
            why = f"part-year figures only ({', '.join(parts)})" if parts else "no figure found"
            skipped.append(f"{key}: {why}: not used as a year's market")
            continue
        entry = max(full, key=lambda e: e["year"])
        rows.append(_reference_row(entry, importer, product, sources))
    return {
        "year": max((r["year"] for r in rows), default=None),
        "gap_usd_m": gap_usd_m,
        "detail": "reference",
        "method": METHOD,
        "basis": (
            "the sourced market sizes of the shipped reference data (no UN Comtrade values ship "
            "with tradecalc): supply, bilateral and world exports are not in it, so potential "
            "and untapped are null; tradecalc fetch --detail hs2 --world brings them"
        ),
        "directions": [],
        "skipped": skipped,
        "rows": _ranked(rows),
        "scale": SCALE,
        "apart": apart_block(rows),
    }


def _reference_row(entry, importer: str, product: str, sources) -> dict[str, Any]:
    exporter = "PAK" if importer == "AZE" else "AZE"
    source = sources.get(entry.get("source"), {})
    return {
        "direction": direction_name(exporter, importer),
        "year": entry["year"],
        "product": product,
        "label": hs.label(product) if "-" not in product else None,
        "sector": hs.sector_of(product),
        "market_usd_m": float(entry["value_usd_m"]),
        "supply_usd_m": None,
        "supply_basis": None,
        "bilateral_usd_m": None,
        "bilateral_reported_by": None,
        "bilateral_basis": None,
        "market_share": None,
        "world_usd_m": None,
        "world_share": None,
        "potential_usd_m": None,
        "untapped_usd_m": None,
        "excess_usd_m": None,
        "rca": None,
        "density": None,
        "source": entry.get("source"),
        "note": (
            f"market from the reference data: {source.get('title', entry.get('source'))} "
            f"(reliability {entry.get('reliability', '?')}); no world exports: fetch --world"
        ),
        "apart": chapter_apart(product) is not None,
    }


def load_reference() -> dict[str, Any]:
    """The shipped Pakistan-Azerbaijan reference data, as loaded."""
    from importlib.resources import files

    import yaml

    text = files("tradecalc").joinpath(REFERENCE_FILE).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def at_detail(products: Products, detail: str | None) -> Products:
    """The rows at ``detail``: headings (hs4) summed into their chapters for hs2.

    Raises ValueError when asked for headings from chapters (they cannot be split).
    """
    if detail is None or detail == products.detail:
        return products
    if detail == "hs4":
        raise ValueError(
            f"the file holds {products.detail} rows: headings cannot be made from chapters"
        )

    def chapters(rows: list[ProductRow]) -> list[ProductRow]:
        summed = _index(r.model_copy(update={"product": r.product[:2]}) for r in rows)
        return [
            ProductRow(
                year=k[0],
                reporter=k[1],
                partner=k[2],
                flow=cast(Literal["M", "X"], k[3]),
                product=k[4],
                value_usd_m=v,
            )
            for k, v in summed.items()
        ]

    sectors = {k: v for k, v in (products.sectors or {}).items() if len(k) == 2} or None
    world = products.world_exports().chapters()
    return products.model_copy(
        update={"detail": "hs2", "sectors": sectors, "rows": chapters(products.rows)}
    ).with_world_exports(world)


def scenario_headroom(scenario, top: int = DEFAULT_TOP, detail: str | None = None):
    """The headroom of a loaded scenario against its gap, or None without any market data.

    With `products:` (a data file it `extends:`), the rows; without, for the Pakistan-Azerbaijan
    pair, the shipped reference data's sourced market sizes (:func:`reference_headroom`).
    """
    from tradecalc.analysis.projecting import run_loaded

    gap = run_loaded(scenario).gap_at_by_year
    if scenario.products is not None:
        doc = headroom_document(at_detail(scenario.products, detail), scenario.codes, gap, top)
    elif set(scenario.codes) == {"PAK", "AZE"}:
        doc = reference_headroom(load_reference(), gap)
    else:
        return None
    doc["gap_year"] = scenario.by_year
    doc["base_year"] = scenario.base_year
    if note := _year_note(doc, scenario.base_year):
        doc["year_note"] = note
    return doc


def _year_note(doc: dict[str, Any], base_year: int) -> str | None:
    """Say which markets are of another year than the scenario's base year (not adjusted)."""
    years = sorted({r["year"] for r in doc["rows"] if r["year"] != base_year})
    if not years:
        return None
    what = "the reference data's market" if doc["detail"] == "reference" else "product data"
    apart = []
    for year in years:
        n = abs(base_year - year)
        side = "before" if year < base_year else "after"
        apart.append(f"{year}, {n} year{'s' if n != 1 else ''} {side}")
    return (
        f"{what} from {'; '.join(apart)} the scenario's base year {base_year}: "
        "that year's market, not adjusted to the base year"
    )
