"""The memory and work budget, checked before the engine allocates anything.

The engine's arrays have a draw axis D, an item axis (flows, PTA lines and deals) and a year
axis Y; one engine call holds a few such arrays at once. Every command runs the engine in
chunks of draws sized by :func:`chunk_size`, so one call stays under :data:`CALL_BYTES`
whatever the scenario, and refuses up front (:func:`check_work`) a run whose total work would
take many minutes, saying what to reduce. Together with the caps on kept results (Monte Carlo
values, grid points) a valid input runs in about 1 GiB or is refused.
"""

from __future__ import annotations

from tradecalc.core.errors import fail

CALL_BYTES = 256 * 2**20
"""Bytes one engine call may use at most."""
MEASURE_BYTES_PER_VALUE = 24
"""Peak bytes per (draw, item, year) of `evaluate_measure`: 8 to 13 measured, with margin."""
EVALUATE_BYTES_PER_VALUE = 64
"""Peak bytes per (draw, item, year) of `evaluate` (every component kept): 34 to 37 measured."""
MAX_WORK = 4_000_000_000
"""(draw, item, year) values one command may compute: 20 to 60 s at 5 to 15 ns a value."""


def values_per_draw(layout) -> int:
    """Items (flows, PTA lines, deals) times years: what one draw costs."""
    items = len(layout.flow_sector) + len(layout.line_flow) + len(layout.deal_name)
    return max(1, items) * len(layout.years)


def chunk_size(layout, wanted: int, bytes_per_value: int = MEASURE_BYTES_PER_VALUE) -> int:
    """Draws per engine call: ``wanted``, or fewer so that one call fits :data:`CALL_BYTES`."""
    fits = CALL_BYTES // (values_per_draw(layout) * bytes_per_value)
    return max(1, min(wanted, fits))


def check_work(option: str, runs: int, layout, reduce: str, cost: int = 1) -> None:
    """Refuse ``runs`` draws (or cases, or points) of ``layout`` beyond :data:`MAX_WORK`.

    ``reduce`` says what the user can make smaller, e.g. "--draws, the deals or the horizon";
    ``cost`` is how much slower than a Monte Carlo draw one run is (measured: sensitivity
    builds each case's parameters, about 4; sweep keeps every component, about 8).
    """
    per_draw = values_per_draw(layout) * cost
    if runs * per_draw > MAX_WORK:
        most = max(1, MAX_WORK // per_draw)
        items = values_per_draw(layout) // len(layout.years)
        fail(
            option,
            None,
            "",
            f"{runs:,} runs of {items:,} flows, lines and deals over {len(layout.years)} years "
            f"is too much work (at most {most:,} runs for this scenario): reduce {reduce}",
        )
