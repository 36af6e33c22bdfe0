"""The one rule product rows share wherever they are read (a scenario's `products:`, a data
file, a product file beside it): no value written twice."""

from tradecalc.scenario.sections import ProductRow


def repeated_rows(rows: list[ProductRow]) -> list[tuple[int, int]]:
    """``(i, first)`` for each row with the same year, reporter, partner, flow and product as
    the earlier row ``first``: a value written twice, which a sum would count twice.

    >>> row = ProductRow(year=2023, reporter="AZE", partner="WLD", flow="M", product="30",
    ...                  value_usd_m=1.0)
    >>> repeated_rows([row, row.model_copy(update={"product": "10"}), row])
    [(2, 0)]
    """
    first: dict[tuple, int] = {}
    repeats = []
    for i, r in enumerate(rows):
        j = first.setdefault((r.year, r.reporter, r.partner, r.flow, r.product), i)
        if j != i:
            repeats.append((i, j))
    return repeats
