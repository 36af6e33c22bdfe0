"""How a probability is written for a person: with its standard error, or as a bound."""

from __future__ import annotations

import math


def probability_text(value: float | None, se: float | None, below: float | None) -> str:
    """``"0.126 % ± 0.003"``: a probability with its standard error, or ``"under 0.1 %"``."""
    if value is None:
        return "n/a" if below is None else f"under {100 * below:g} %"
    if not se:
        return f"{100 * value:.1f} %"
    digits = int(min(4, max(1, -math.floor(math.log10(100 * se)))))
    return f"{100 * value:.{digits}f} % ± {100 * se:.{digits}f}"
