"""Views of ``tradecalc gravity``: a fit's coefficients and a pair's normal level, as a table,
Markdown and CSV rows; every one names the panel and prints its attribution."""

from __future__ import annotations

import itertools

from tradecalc.analysis.gravity_result import GravityFit, NormalLevel
from tradecalc.views.render import TextTable, View
from tradecalc.views.words import usd

DASH = "\N{EN DASH}"
ESTIMATOR_WORDS = {
    "ppml": "PPML (Poisson pseudo-maximum likelihood)",
    "ols": "OLS of the log of positive flows",
}
SE_WORDS = {
    "pair": "clustered by pair (both directions one cluster; Stata's CR1)",
    "hetero": "heteroskedasticity-robust",
}
IS_AND_IS_NOT = (
    "The normal level is the trade the gravity fit expects of this pair in that year, given "
    "the two economies' size (their fixed effects), distance and the other terms: a "
    "conditional expectation, not a forecast of what the pair could achieve. The band is the "
    "10th to 90th percentile of observed/fitted over the year's positive flows in the fit."
)


def years_text(years: tuple[int, ...] | list[int]) -> str:
    """``(1986, 1990, ..., 2006)`` -> ``'1986-2006 every 4 years (6)'`` (an en dash); a
    list otherwise.

    >>> years_text((1986, 1990, 1994)).replace(DASH, "-")
    '1986-1994 every 4 years (3)'
    >>> years_text((2006,))
    '2006'
    """
    years = sorted(years)
    steps = {b - a for a, b in itertools.pairwise(years)}
    if len(years) == 1:
        return str(years[0])
    if len(steps) == 1:
        step = steps.pop()
        every = "every year" if step == 1 else f"every {step} years"
        return f"{years[0]}{DASH}{years[-1]} {every} ({len(years)})"
    return ", ".join(str(y) for y in years)


def _panel_line(panel: dict) -> str:
    return f"{panel.get('id')}: {panel.get('title')}"


def attribution(panel: dict) -> str:
    """The panel's attribution text, or what it lacks (a user's file without metadata)."""
    text = panel.get("attribution")
    if text and text != "not stated":
        return str(text)
    return f"{panel.get('title')}: licence and attribution not stated"


def _fit_lines(fit: GravityFit) -> list[tuple[str, str]]:
    zeros = (
        f"{fit.zero_flows_dropped:,} zero flows left out of the fit"
        if fit.zero_flows_dropped
        else "none left out"
    )
    return [
        ("Panel", _panel_line(fit.panel)),
        ("Estimator", ESTIMATOR_WORDS[fit.estimator]),
        ("Sample", f"{fit.sample_words}, {years_text(fit.years)}: {fit.n_obs:,} observations"),
        ("Zero flows", zeros),
        ("Fixed effects", ", ".join(fit.fixed_effects)),
        ("Standard errors", SE_WORDS[fit.se]),
    ]


def fit_view(fit: GravityFit) -> View:
    """The fit's headline, its coefficients, and the panel's attribution."""
    table = TextTable(
        title="Coefficients",
        headers=["Term", "Estimate", "Std. error"],
        rows=[[c.term, f"{c.estimate:.3f}", f"{c.se:.3f}"] for c in fit.coefficients],
        right={1, 2},
    )
    return View(
        heading="Gravity fit",
        headline=_fit_lines(fit),
        tables=[table],
        notes_title="Data:",
        notes=[attribution(fit.panel)],
    )


def normal_view(normal: NormalLevel) -> View:
    """The normal level, the observed flows and the band; each direction in a table."""
    a, b = normal.pair
    low, high = normal.band_usd_m
    fit = normal.fit
    headline = [
        ("Pair", f"{a} and {b}, {normal.year}"),
        ("Normal level", f"{usd(normal.normal_usd_m)} US$ m (both directions, fitted)"),
        ("Observed", f"{usd(normal.observed_usd_m)} US$ m"),
        ("Observed / normal", f"{normal.ratio:.2f}"),
        (
            f"Band (P10{DASH}P90)",
            f"{usd(low)}{DASH}{usd(high)} US$ m "
            f"(from {normal.band_flows:,} flows of {normal.year})",
        ),
        ("Panel", _panel_line(normal.panel)),
        (
            "Fit",
            f"{ESTIMATOR_WORDS[fit['estimator']]}; {', '.join(fit['terms'])}; fixed effects "
            f"{', '.join(fit['fixed_effects'])}; {years_text(fit['years'])}; "
            f"{fit['n_obs']:,} observations",
        ),
    ]
    if normal.briefing is not None:
        headline.append(normal.briefing)
    table = TextTable(
        title=f"By direction, {normal.year} (US$ m)",
        headers=["Direction", "Normal", "Observed", "Observed / normal"],
        rows=[
            [
                f"{exporter} → {importer}" if direction != "total" else "Both",
                usd(fitted),
                usd(observed),
                f"{observed / fitted:.2f}",
            ]
            for direction, exporter, importer, _, fitted, observed, *_ in normal.rows()
        ],
        right={1, 2, 3},
        bold_rows={2},
    )
    return View(
        heading=f"Normal level of {a} and {b} (gravity)",
        headline=headline,
        tables=[table],
        notes_title="What it is:",
        notes=[IS_AND_IS_NOT, attribution(normal.panel)],
    )
