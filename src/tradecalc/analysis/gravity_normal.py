"""A pair's normal level from a gravity fit, and the one line a briefing prints about it.

The normal level of A and B in year Y is the fit's fitted flow A -> B plus B -> A in Y, fixed
effects included: the trade a structural gravity model expects given the two economies' size
(their exporter-year and importer-year effects), distance and the other terms. It is a
conditional expectation, not a forecast of what the pair could achieve (methods.md, Gravity).
"""

from __future__ import annotations

from tradecalc.analysis.gravity import refuse
from tradecalc.analysis.gravity_result import Direction, GravityFit, NormalLevel

DASH, TIMES = "\N{EN DASH}", "\N{MULTIPLICATION SIGN}"
QUANTILES = (0.1, 0.9)
"""The band: P10 and P90 of ln(observed / fitted) over the year's positive directed flows."""


def normal_level(fit: GravityFit, a: str, b: str, year: int | None = None) -> NormalLevel:
    """The normal level of ``a`` and ``b`` in ``year`` (default: the fit's latest year).

    Refuses, one line each: the same economy twice, a year outside the fit, an economy not in
    the fit's sample, a direction the fit dropped (PPML drops flows whose exporter or importer
    trades nothing in a year).
    """
    import numpy as np

    if a == b:
        refuse("--economies", f"give two different economies, not {a} twice")
    year = max(fit.years) if year is None else year
    if year not in fit.years:
        years = ", ".join(str(y) for y in fit.years)
        refuse("--year", f"{year} is not a year of the fit ({years}): see --years")
    flows = fit.flows
    known = set(flows["exporter"]) | set(flows["importer"])
    for code in (a, b):
        if code not in known:
            refuse("--economies", f"{code} is not in panel {fit.panel.get('id')}")
    in_year = flows[flows["year"] == year]
    directions = (_direction(in_year, a, b, year), _direction(in_year, b, a, year))
    positive = in_year[in_year["in_fit"] & (in_year["value_usd_m"] > 0)]
    if len(positive) < 2:
        refuse("--year", f"{year}: fewer than 2 positive flows in the fit to draw a band from")
    log_ratio = np.log(positive["value_usd_m"].to_numpy() / positive["fitted_usd_m"].to_numpy())
    p10, p90 = (float(q) for q in np.quantile(log_ratio, QUANTILES))
    normal = sum(d.normal_usd_m for d in directions)
    return NormalLevel(
        pair=(a, b),
        year=year,
        by_direction=directions,
        band_usd_m=(float(np.exp(p10) * normal), float(np.exp(p90) * normal)),
        band_log_ratio=(p10, p90),
        band_flows=len(positive),
        panel=dict(fit.panel),
        fit=fit.describe(),
    )


def _direction(in_year, exporter: str, importer: str, year: int) -> Direction:
    rows = in_year[(in_year["exporter"] == exporter) & (in_year["importer"] == importer)]
    fitted = rows["fitted_usd_m"].to_numpy()
    if len(rows) != 1 or fitted[0] != fitted[0]:  # NaN: not in the fit
        refuse(
            "--economies",
            f"{exporter} -> {importer} in {year}: not in the fit (dropped: its exporter or "
            "importer trades nothing that year in the sample)",
        )
    return Direction(exporter, importer, float(fitted[0]), float(rows["value_usd_m"].iloc[0]))


def _usd(value: float) -> str:
    """``1234.56`` -> ``'1,234.6'``; ``'n/a'`` for None (as the views write money).

    >>> _usd(1234.56)
    '1,234.6'
    """
    return "n/a" if value is None else f"{value:,.1f}"


def _times(value: float) -> str:
    """A multiple: two significant figures under 10, whole numbers from 10.

    >>> [_times(v).removesuffix(TIMES) for v in (0.0312, 1.5, 74.2)]
    ['0.031', '1.5', '74']
    """
    return f"{value:.2g}{TIMES}" if value < 10 else f"{value:,.0f}{TIMES}"


def normal_level_line(
    normal: NormalLevel,
    record_usd_m: float | None,
    target_usd_m: float,
    record_year: int | None = None,
) -> tuple[str, str]:
    """The briefing's line as a header pair (label, text): joined by ``": "`` it reads
    "Normal level (gravity, agtpa, 2006): N US$ m (P10-P90 a-b); the record is r x it; the
    target is t x it" (with an en dash and a multiplication sign). ``record_usd_m`` is the
    pair's latest recorded turnover (both directions, the scenario's measure),
    ``target_usd_m`` its target a year.

    A normal level of a year before the record's is said to be of that year: the record and
    the target are compared with the pair's normal trade *of that year*.
    """
    label = f"Normal level (gravity, {normal.panel.get('id')}, {normal.year})"
    low, high = normal.band_usd_m
    text = f"{_usd(normal.normal_usd_m)} US$ m (P10{DASH}P90 {_usd(low)}{DASH}{_usd(high)})"
    if record_year is not None and record_year > normal.year:
        text += f", of {normal.year}"
    if record_usd_m is not None:
        record = "the record" if record_year is None else f"the record ({record_year})"
        text += f"; {record} is {_times(record_usd_m / normal.normal_usd_m)} it"
    text += f"; the target is {_times(target_usd_m / normal.normal_usd_m)} it"
    return label, text


def no_normal_level_line(codes: tuple[str, str], panels: list[str]) -> tuple[str, str]:
    """The line where no panel holds both economies: which panel to import or fetch.

    >>> no_normal_level_line(("PAK", "AZE"), ["agtpa"])[1][:40]
    'no panel holds both PAK and AZE (looked '
    """
    a, b = codes
    looked = ", ".join(panels) or "none"
    return (
        "Normal level",
        f"no panel holds both {a} and {b} (looked in: {looked}); fetch one: "
        f"tradecalc panel fetch imf --economies {a} {b}",
    )


def scenario_record(scenario) -> tuple[int, float] | None:
    """The scenario's latest full calendar-year record by its own reporter: (year, US$ m)."""
    calendar = [
        h
        for h in scenario.history
        if h.period == "calendar" and h.reporter == scenario.reporter and h.total_usd_m is not None
    ]
    if not calendar:
        return None
    latest = max(calendar, key=lambda h: h.year)
    return latest.year, float(latest.total_usd_m)
