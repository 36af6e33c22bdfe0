"""The view of `tradecalc baserate`: the count, its intervals, the multiple's spread, the size
class's shock prior and, with ``--calibrate``, the model's calibration."""

from __future__ import annotations

from typing import Any

from tradecalc.views.render import TextTable, View
from tradecalc.views.words import usd


def rate_text(p: float | None) -> str:
    """``53.4 %`` above 10 %, two significant digits below (``0.039 %``); ``n/a`` for None."""
    if p is None:
        return "n/a"
    if p == 0.0 or p >= 0.1:
        return f"{100 * p:.1f} %"
    return f"{100 * p:.2g} %"


def interval_text(pair: list[float] | None) -> str:
    return "n/a" if pair is None else f"{rate_text(pair[0])} to {rate_text(pair[1])}"


def times(x: float | None) -> str:
    return "n/a" if x is None else f"{x:,.2f}x" if x < 100 else f"{x:,.0f}x"


def panel_line(doc: dict[str, Any]) -> str:
    p = doc["panel"]
    return f"{p['label']} [{p['id']}] ({p['chosen']})"


def baserate_headline(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """The lines every base rate prints, the rate first."""
    low, high = doc["size_band_usd_m"]
    starts = doc["panel"].get("window_start_years")
    years = doc["panel"]["years"]
    counted = (
        f"start years {starts[0]}-{starts[1]} of the panel's {years[0]}-{years[1]}"
        if starts
        else "no start year"
    )
    h = doc["horizon"]
    if not doc["windows"]:
        rate = "n/a: no window of the panel is in the reference class below"
    else:
        rate = (
            f"{rate_text(doc['rate'])} of windows reached {times(doc['multiple'])} their "
            f"trade within {h} years (Wilson 95 %: {interval_text(doc['rate_interval'])}; "
            f"clustered by pair: {interval_text(doc['rate_interval_clustered'])})"
        )
    return [
        ("Base rate", rate),
        ("Panel", panel_line(doc)),
        (
            "Question",
            f"from US$ {usd(doc['base_usd_m'])} m to US$ {usd(doc['target_usd_m'])} m "
            f"(nominal), reached in some year up to {h} years on (first passage)",
        ),
        (
            "Reference class",
            f"{doc['windows']:,} windows (pair, start year) of {doc['pairs']:,} pairs whose "
            f"trade, both directions summed, was US$ {usd(low)}-{usd(high)} m in the start "
            f"year and is known in each of the {h} years after; {counted}",
        ),
        (
            "Reached",
            f"{doc['successes']:,} windows of {_pairs(doc['successful_pairs'])}; windows of "
            "one pair overlap in time, so Wilson's interval (independent windows) is too "
            "narrow: the clustered one allows for it",
        ),
        ("Multiple in H years", _quantiles_text(doc["multiple_quantiles"], h)),
        ("Shock sd of the class", shock_text(doc["shock_sd"])),
    ]


def _pairs(n: int) -> str:
    return f"{n:,} pair" if n == 1 else f"{n:,} pairs"


def _quantiles_text(q: dict[str, float | None], h: int) -> str:
    return (
        f"max(V t+1..t+{h}) / V t: P50 {times(q['p50'])}, P90 {times(q['p90'])}, "
        f"P99 {times(q['p99'])}, max {times(q['max'])}"
    )


def shock_text(s: dict[str, Any]) -> str:
    """The size class's prior in words."""
    if s["estimate"] is None:
        return "none: no annual changes start in the band"
    weight = (
        f"weight capped at the class's {s['df']:,.0f} changes (the pairs' variances spread no "
        "more than their sampling noise)"
        if s["capped"]
        else f"weight {s['df']:.1f} degrees of freedom by empirical Bayes"
    )
    return (
        f"{s['estimate']:.3f} a year (prior scale, {weight}), from {s['changes']:,} annual log "
        f"changes of {s['pairs']:,} pairs starting in the band, around their mean "
        f"{s['centre']:+.3f}"
    )


def model_text(m: dict[str, Any]) -> list[tuple[str, str]]:
    """The calibration lines (``--calibrate``)."""
    return [
        (
            "Model's odds",
            f"{rate_text(m['probability'])} on average over {m['windows_scored']:,} windows "
            f"scored out of sample, where {rate_text(m['observed_rate'])} succeeded",
        ),
        (
            "Model's coverage",
            f"P10-P90 held {rate_text(m['coverage_p10_p90'])} of outcomes in year t+H "
            f"(95 %: {interval_text(m['coverage_p10_p90_interval'])}; nominal 80 %), "
            f"P5-P95 {rate_text(m['coverage_p5_p95'])} "
            f"(95 %: {interval_text(m['coverage_p5_p95_interval'])}; nominal 90 %)",
        ),
        ("Model", m["method"]),
        *_own_drift_lines(m.get("own_drift")),
    ]


def _own_drift_lines(own: dict[str, Any] | None) -> list[tuple[str, str]]:
    """The second model (the pair's own drift), scored the same way."""
    if not own:
        return []
    return [
        (
            "Own-drift model",
            f"{rate_text(own['probability'])} on average; P10-P90 held "
            f"{rate_text(own['coverage_p10_p90'])}, P5-P95 {rate_text(own['coverage_p5_p95'])} "
            f"({own['method']})",
        )
    ]


def baserate_view(doc: dict[str, Any]) -> View:
    """Headline lines, then the PIT histogram when calibrated."""
    headline = baserate_headline(doc)
    tables = []
    if doc.get("model"):
        headline += model_text(doc["model"])
        if doc["model"]["windows_scored"]:
            tables.append(pit_table(doc["model"]))
    return View(
        heading=f"Base rate of a {times(doc['multiple'])} rise within {doc['horizon']} years",
        headline=headline,
        tables=tables,
        footer=doc["panel"]["attribution"],
    )


def pit_table(m: dict[str, Any]) -> TextTable:
    """The PIT histogram: a calibrated model puts a tenth of outcomes in each row."""
    counts = m["pit_histogram"]
    total = sum(counts) or 1
    table = TextTable(
        "Where outcomes fell in the model's forecast (PIT; 10 % each when calibrated)",
        ["Forecast percentiles", "Windows", "Share"],
        right={1, 2},
    )
    for k, count in enumerate(counts):
        edge = 100 // len(counts)
        table.rows.append(
            [f"P{k * edge}-P{(k + 1) * edge}", f"{count:,}", rate_text(count / total)]
        )
    return table
