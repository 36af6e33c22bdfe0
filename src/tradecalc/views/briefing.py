"""Short texts every briefing output shares: the verdict line, the odds, the outside view, footer.

Charts, the workbook, the terminal chart and the HTML brief say these things the same way. The
odds and the outside view come from the project JSON (``doc.get("odds")``,
``doc.get("outside_view")``) and may be absent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tradecalc.core.about import version
from tradecalc.core.numbers import probability_text
from tradecalc.views.words import cited, overrides_text, percent, shock_model_words, usd


def brief_odds_text(odds: Mapping[str, Any] | None, by_year: int) -> str:
    """``"P(reached in some year up to 2030) = 0.126 % ± 0.003 (Monte Carlo, 2,000 draws,
    seed 0; mostly from the shocks: ...); in 2030: central path 40.5, median 42.2, P10-P90
    9.6-204.3 US$ m"``.

    A probability not resolved reads ``under 0.1 %``. Empty when there are no odds (the
    scenario has no ``uncertainty:`` block).
    """
    if not odds or (odds.get("probability_by_year") is None and not odds.get("probability_below")):
        return ""
    chance = probability_text(
        odds.get("probability_by_year"), odds.get("probability_se"), odds.get("probability_below")
    )
    text = f"P(reached in some year up to {by_year}) = {chance}"
    how = []
    if odds.get("draws") is not None:
        words = shock_model_words(odds.get("shock"))
        how.append(f"Monte Carlo, {odds['draws']:,} draws, seed {odds.get('seed', 0)}{words}")
    if odds.get("attribution_text"):
        how.append(odds["attribution_text"])
    text += f" ({'; '.join(how)})" if how else ""
    centre = [
        f"{label} {usd(odds[key])}"
        for label, key in (
            ("central path", "central_path_at_by_year_usd_m"),
            ("median", "p50_at_by_year_usd_m"),
        )
        if odds.get(key) is not None
    ]
    low, high = odds.get("p10_at_by_year_usd_m"), odds.get("p90_at_by_year_usd_m")
    if low is not None and high is not None:
        centre.append(f"P10-P90 {usd(low)}-{usd(high)}")
    if centre:
        text += f"; in {by_year}: {', '.join(centre)} US$ m"
    return text


def outside_text(outside: Mapping[str, Any] | None) -> str:
    """The one-line outside view (the reference class of bilateral targets), or empty."""
    if not outside:
        return ""
    if outside.get("text"):
        return str(outside["text"])
    cases, met = outside.get("cases"), outside.get("met_by_deadline")
    if cases is None or met is None:
        return ""
    text = f"{met} of {cases} comparable bilateral targets were met by their deadline"
    share = outside.get("share_of_target_range")
    if share and len(share) == 2:
        text += f"; outcomes reached {percent(share[0], 0)} to {percent(share[1], 0)} of target"
    if outside.get("fastest_cagr") is not None:
        text += f"; the fastest grew {percent(outside['fastest_cagr'], 0)} a year"
    return text


def footer_text(
    source_ids: Sequence[str],
    overrides: Sequence[str] = (),
    unverified: frozenset[str] = frozenset(),
) -> str:
    """``"Sources: a, b (unverified). Overrides: --set x=1. tradecalc 0.1.0"``: under a chart."""
    parts = []
    if source_ids:
        ids = (cited(i, unverified) for i in dict.fromkeys(source_ids))
        parts.append("Sources: " + ", ".join(ids) + ".")
    if overrides:
        parts.append("Overrides: " + overrides_text(overrides) + ".")
    parts.append(f"Drawn by tradecalc {version()}.")
    return " ".join(parts)
