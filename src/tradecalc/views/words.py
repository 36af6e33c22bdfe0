"""Numbers and names in words for a person: US$ millions, percentages, bars, direction arrows,
figures with their errors, and cited sources. Every view writes them the same way."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

BAR_WIDTH = 8
_EIGHTHS = " ▏▎▍▌▋▊▉"
BAR_CHARACTERS = _EIGHTHS[1:] + "█"
"""What a bar cell holds: a column of bars is laid out as numbers are."""


def usd(value: float | None) -> str:
    """``1234.56`` -> ``'1,234.6'`` (US$ million, one decimal); ``3.1e+15`` past a trillion."""
    if value is None:
        return "n/a"
    return f"{value:,.1f}" if abs(value) < 1e12 else f"{value:.2e}"


def percent(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{100 * value:.{digits}f} %"


def bar(share: float, width: int = BAR_WIDTH) -> str:
    """A text bar of ``share`` (0..1, capped) in eighths of a character."""
    eighths = round(max(0.0, min(1.0, share)) * width * 8)
    full, part = divmod(eighths, 8)
    return ("█" * full + (_EIGHTHS[part] if part else "")).ljust(width)


def arrow(direction: str) -> str:
    """``"pak_to_aze"`` -> ``"PAK→AZE"``, a short column heading."""
    return direction.upper().replace("_TO_", "→")


def overrides_text(overrides: Sequence[str]) -> str:
    """``"--set a=1; --set b=2"``: the overrides an output ran with, as typed."""
    return "; ".join(f"--set {o}" for o in overrides)


def usd_se(value: float, se: float | None) -> str:
    """``"74.0 ± 5.3"``: a figure in US$ m with its standard error to two significant digits
    (at most one decimal, as :func:`usd`); the figure alone when no error is known."""
    if se is None or not np.isfinite(se):
        return usd(value) if se is None else f"{usd(value)} (error not resolved)"
    digits = 1 if se < 10 else 0
    text = f"{se:,.{digits}f}" if se >= 0.05 else "0.0"
    return f"{usd(value)} ± {text}"


def shock_model_words(shock: dict | None) -> str:
    """``", random-walk shocks"`` or ``", AR(1) shocks, rho 0.5"``: which annual shocks the
    odds draw (methods.md 8); empty without annual shocks."""
    if not shock or not shock.get("sd"):
        return ""
    if shock["model"] == "random_walk":
        return ", random-walk shocks"
    return f", AR(1) shocks, rho {shock['rho']:g}"


UNVERIFIED = "unverified"
"""The mark after a cited source whose citation could not be checked (``verified: false``)."""


def unverified_ids(sources) -> frozenset[str]:
    """Ids of the sources marked ``verified: false``: pydantic models or their JSON dicts."""
    found = set()
    for src in sources:
        row = src if isinstance(src, dict) else src.model_dump()
        if row.get("verified") is False:
            found.add(row["id"])
    return frozenset(found)


def cited(source: str | None, unverified: frozenset[str]) -> str:
    """A cited source id, marked ``(unverified)`` where its citation could not be checked.

    >>> cited("pbs_pharma_fy24", frozenset({"pbs_pharma_fy24"})), cited(None, frozenset())
    ('pbs_pharma_fy24 (unverified)', '')
    """
    if not source:
        return ""
    return f"{source} ({UNVERIFIED})" if source in unverified else source


def shock_text(shock_sd: float, years, reporter: str, shock: dict | None = None) -> str:
    """``"random walk, sd 0.328 of the log level a year, from AZE's calendar-year record
    2019-2023 ..."``: the model, the sd and, for ``from_history``, where it came from."""
    if shock_sd == 0 and years is None:
        return "none (shock_sd 0)"
    model = ""
    if shock is not None:
        model = (
            "random walk, " if shock["model"] == "random_walk" else f"AR(1) rho {shock['rho']:g}, "
        )
    text = f"{model}sd {shock_sd:.3f} of the log level a year"
    if years is not None:
        text += f", from {reporter}'s calendar-year record {years[0]}-{years[1]}"
    if shock is not None and shock.get("posterior_df") is not None:
        text += f" ({_posterior_words(shock)})"
    return text


def _posterior_words(shock: dict) -> str:
    """How a ``from_history`` sd was estimated, in one clause."""
    own = "n/a" if shock["own_sd"] is None else f"{shock['own_sd']:.3f}"
    text = f"own {own} over {shock['changes']} changes around {shock['centre']:.1%}/yr log growth"
    if shock["prior_df"]:
        source = shock.get("prior_source") or {}
        low, high = source.get("band_usd_m") or (None, None)
        where = (
            f"pairs of US$ {low:,.1f}-{high:,.1f} m in panel {source['panel']}"
            if low is not None
            else "the panel"
        )
        text += (
            f", shrunk toward {where}: {shock['prior_sd']:.3f} (weight {shock['prior_df']:.1f} "
            f"vs {shock['changes']} changes)"
        )
    return text + "; each draw takes its sd from the posterior"


NBSP = "\u00a0"
_UNIT_SPACES = re.compile(
    r"(?<=[0-9]) (?=%|US\$|±|m\b|bn\b)|(?<=US\$) (?=m\b|bn\b)|(?<=%) (?=±)|(?<=±) (?=[0-9])"
    r"|(?<=[0-9]\)) (?=[0-9])"
)
"""The spaces kept: a figure and its unit or error (``0.10 % ± 0.01``, ``2,000 US$ m``), and a
probability and its label (``P(... up to 2030) 0.10 %``)."""


def keep_units(text: str) -> str:
    """``text`` with the spaces inside a figure and its unit made non-breaking (``0.10 % ±
    0.01``, ``2,000 US$ m``), so that a wrapped line never parts a number from its unit.

    >>> keep_units("P(to 2030) 0.10 % ± 0.01 of 2,000 US$ m").replace(NBSP, "_")
    'P(to 2030)_0.10_%_±_0.01 of 2,000_US$_m'
    """
    return _UNIT_SPACES.sub(NBSP, text)
