"""The data file's model: what `tradecalc fetch` writes and a scenario's `extends:` reads, the
part of a scenario that data can fill (its sections are :mod:`~tradecalc.scenario.sections`')."""

from typing import Annotated, Literal

from tradecalc.scenario.sections import (
    WORLD_TOTALS,
    Economy,
    HistoryEntry,
    ProductRow,
    Products,
    Source,
    _d,
    _Model,
)


class DataFile(_Model):
    """A data file written by `tradecalc fetch`: the part of a scenario that data can fill."""

    schema_version: Annotated[Literal[1], _d("Format version: 1.")] = 1
    economies: Annotated[list[Economy], _d("The two economies, in the order fetched.")]
    history: Annotated[list[HistoryEntry], _d("Observed annual values (the record).")] = []
    products: Annotated[Products | None, _d("Trade by product (fetch --detail).")] = None
    world_totals: Annotated[list[ProductRow], _d(WORLD_TOTALS)] = []
    sources: Annotated[list[Source], _d("One entry per call or file read.")] = []
