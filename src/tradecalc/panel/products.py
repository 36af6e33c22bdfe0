"""A pair's product rows from a panel with products (an imported BACI release): the `products:`
that `tradecalc headroom --panel ID` ranks, so a user without a Comtrade key has real data.

In one year (the latest the panel holds, or the one asked for), at HS6 or summed to HS4/HS2 in
DuckDB (exact decimals for BACI, a float last):

- each side's market: its imports of each product from every exporter (``reporter`` the
  importer, partner ``WLD``, flow ``M``);
- each side's supply: its exports of each product to every importer (flow ``X`` to ``WLD``);
- the bilateral flow of each direction as the importer's ``M`` row with the exporter: BACI
  reconciles both sides' reports into one figure per flow, so the importer's and the
  exporter's figures are the same number;
- every exporter's exports to the world by product (``world``), for W_p, RCA and density.

A missing row is zero in BACI within a covered year (absence ``zero``); a panel whose absence
is another rule is refused, since the headroom would read its gaps as zeros.
"""

from __future__ import annotations

from tradecalc.core.errors import Problem, ScenarioError
from tradecalc.panel.info import PanelInfo, cite
from tradecalc.panel.query import connect, flows
from tradecalc.scenario.sections import WORLD, ProductRow, Products
from tradecalc.scenario.world_exports import WorldExports

DIGITS = {"hs2": 2, "hs4": 4, "hs6": 6}


def basis(info: PanelInfo, year: int, detail: str) -> str:
    """The line every output of a panel's headroom prints: the panel, its year and detail,
    and its attribution."""
    return (
        f"{info.label}, {year}, {detail.upper()} (one reconciled figure per flow: the importer's "
        f"and the exporter's are the same). Source: {info.attribution}"
    )


def pair_products(
    info: PanelInfo, pair: tuple[str, str], detail: str, year: int | None = None
) -> tuple[Products, int]:
    """The pair's market, supply, bilateral and world rows from ``info`` at ``detail``, and
    the year they are of (ScenarioError, one line, when the panel cannot give them)."""
    _check(info, pair, detail)
    digits = DIGITS[detail]
    source = flows(info)
    with connect() as con:
        year = year if year is not None else _latest(con, source, pair)
        keep = f"year = {int(year)}"
        product = f"left(product, {digits})"
        parts = {
            "M": f"""SELECT importer, '{WORLD}', {product} AS p, sum(value_usd_m) FROM {source}
                     WHERE {keep} AND importer IN (?, ?) GROUP BY ALL""",
            "X": f"""SELECT exporter, '{WORLD}', {product} AS p, sum(value_usd_m) FROM {source}
                     WHERE {keep} AND exporter IN (?, ?) GROUP BY ALL""",
            "B": f"""SELECT importer, exporter, {product} AS p, sum(value_usd_m) FROM {source}
                     WHERE {keep} AND ((exporter = ? AND importer = ?)
                                       OR (exporter = ? AND importer = ?)) GROUP BY ALL""",
        }
        a, b = pair
        rows = []
        for flow, sql in parts.items():
            found = con.execute(sql, [a, b, b, a] if flow == "B" else [a, b]).fetchall()
            rows += _rows(found, year, "M" if flow == "B" else flow, cite(info))
        world = con.execute(
            f"""SELECT CAST({int(year)} AS BIGINT) AS year, exporter, {product} AS p,
                       CAST(sum(value_usd_m) AS DOUBLE) AS v
                FROM {source} WHERE {keep} GROUP BY ALL"""
        ).fetchnumpy()
    products = Products.model_construct(
        detail=detail, sectors=None, rows=rows, world=[], source=info.id
    )  # the world as columns: at HS6 a million rows (scenario/world_exports.py)
    exports = WorldExports.of_columns(world, ("year", "exporter", "p", "v"))
    return products.with_world_exports(exports), year


def _rows(found, year: int, flow: str, source: str) -> list[ProductRow]:
    """Rows from DuckDB, built without validation: the panel's own checks made them."""
    return [
        ProductRow.model_construct(
            year=year,
            reporter=reporter,
            partner=partner,
            flow=flow,
            product=product,
            value_usd_m=float(value),
            source=source,
        )
        for reporter, partner, product, value in found
    ]


def _check(info: PanelInfo, pair: tuple[str, str], detail: str) -> None:
    problems = []
    if not info.has_products:
        message = f"panel {info.id!r} has no product rows (import a BACI release)"
        problems.append(Problem("--panel", None, "", message))
    elif info.absence != "zero":
        message = (
            f"panel {info.id!r} records absence as {info.absence!r}: headroom reads a missing "
            "row as zero, which only a panel of absence 'zero' (BACI) allows"
        )
        problems.append(Problem("--panel", None, "", message))
    absent = [c for c in dict.fromkeys(pair) if info.codes and c not in info.codes]
    if absent:
        message = f"panel {info.id!r} has no {' nor '.join(absent)}"
        problems.append(Problem("--economies", None, "", message))
    if detail not in DIGITS:
        problems.append(Problem("--detail", None, "", "hs2, hs4 or hs6"))
    if problems:
        raise ScenarioError(problems)


def _latest(con, source: str, pair: tuple[str, str]) -> int:
    """The latest year in which either side imports anything in the panel."""
    found = con.execute(
        f"SELECT max(year) FROM {source} WHERE importer IN (?, ?)", list(pair)
    ).fetchone()
    if found is None or found[0] is None:
        message = f"no imports of {pair[0]} or {pair[1]} in the panel"
        raise ScenarioError([Problem("--economies", None, "", message)])
    return int(found[0])
