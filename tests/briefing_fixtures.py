"""A scenario for the briefing outputs: the record, a counted and an uncounted deal, odd names."""

from __future__ import annotations

# Baseline and deals only, so that every number is hand-checkable: the measure is
# 24.3 * 1.05**n + 2.7 plus the "Mills" deal (40 x 0.25 = 10 from 2025); "Fuel swap" is
# brokered, which the default measure (goods and energy) does not count.
BRIEF = """\
name: "Push to $2 bn"
economies: [{code: PAK, name: Pakistan}, {code: AZE, name: Azerbaijan}]
base_year: 2023
horizon: 2032
target: {value_usd_m: 500, by_year: 2030}
baseline:
  reporter: AZE
  flows:
    - {direction: pak_to_aze, sector: textiles, value_usd_m: 24.3, growth: 0.05, assumption: "toy <i>flow</i>"}
    - {direction: aze_to_pak, sector: energy, category: energy, value_usd_m: 2.7, assumption: toy}
history:
  - {year: 2021, reporter: AZE, total_usd_m: 11.7, source: stats}
  - {year: 2022, reporter: AZE, total_usd_m: 28.2, by_direction: {pak_to_aze: 20.0}, source: stats}
  - {year: 2023, reporter: PAK, period: fy_jul_jun, total_usd_m: 6.0, assumption: toy}
deals:
  - {name: "Fuel swap", direction: aze_to_pak, sector: energy, category: brokered, value_usd_m: 100,
     start_year: 2026, ramp_years: 2, probability: 0.5, assumption: toy}
  - {name: "Mills & Looms <b>", direction: pak_to_aze, sector: textiles, value_usd_m: 40,
     start_year: 2025, probability: 0.25, assumption: toy}
uncertainty: {growth_sd: 0.03, deals: bernoulli, assumption: toy}
sources:
  - {id: stats, title: "Statistics <office>", url: "https://example.org/stats?a=1&b=2", date: "2024-01-01"}
"""

# The terminal chart's golden scenario: baseline only (27.0 growing to 36.9 in 2030, by hand:
# 24.3 * 1.05**7 + 2.7 = 36.89) and the record, against a target of 2,000.
GOLDEN = """\
name: Golden
economies: [{code: PAK, name: Pakistan}, {code: AZE, name: Azerbaijan}]
base_year: 2023
horizon: 2032
target: {value_usd_m: 2000, by_year: 2030}
baseline:
  reporter: AZE
  flows:
    - {direction: pak_to_aze, sector: textiles, value_usd_m: 24.3, growth: 0.05, assumption: toy}
    - {direction: aze_to_pak, sector: chemicals, value_usd_m: 2.7, assumption: toy}
history:
  - {year: 2019, reporter: AZE, total_usd_m: 14.8, assumption: toy}
  - {year: 2020, reporter: AZE, total_usd_m: 13.2, assumption: toy}
  - {year: 2021, reporter: AZE, total_usd_m: 11.7, assumption: toy}
  - {year: 2022, reporter: AZE, total_usd_m: 28.2, assumption: toy}
"""

BACKTEST = {
    "from_year": 2019,
    "reporter": "AZE",
    "years": [
        {
            "year": 2019,
            "observed_usd_m": 14.8,
            "projected_usd_m": 14.8,
            "p10_usd_m": 14.8,
            "p50_usd_m": 14.8,
            "p90_usd_m": 14.8,
            "inside_band": True,
            "log_error": 0.0,
        },
        {
            "year": 2020,
            "observed_usd_m": 13.2,
            "projected_usd_m": 15.5,
            "p10_usd_m": 12.0,
            "p50_usd_m": 15.4,
            "p90_usd_m": 19.0,
            "inside_band": True,
            "log_error": -0.16,
        },
        {
            "year": 2021,
            "observed_usd_m": 11.7,
            "projected_usd_m": 16.3,
            "p10_usd_m": 11.0,
            "p50_usd_m": 16.1,
            "p90_usd_m": 22.5,
            "inside_band": True,
            "log_error": -0.33,
        },
        {
            "year": 2022,
            "observed_usd_m": 28.2,
            "projected_usd_m": 17.1,
            "p10_usd_m": 10.5,
            "p50_usd_m": 16.9,
            "p90_usd_m": 25.9,
            "inside_band": False,
            "log_error": 0.5,
        },
    ],
    "mean_abs_log_error": 0.33,
    "coverage": 0.75,
}
