"""The model functions against the check values of methods.md and hand computation."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from tradecalc.model import (
    ave_multiplier,
    baseline_value,
    ces_tariff_ratio,
    gap,
    linear_ramp,
    logistic_ramp,
    pta_effect,
    reached_year_index,
    required_cagr,
    semi_elasticity_multiplier,
    shapley_split,
    smart_creation,
    smart_diversion,
    staged_tariff,
    staging,
)


@pytest.mark.parametrize(
    ("theta", "t0", "t1", "expected_gain"),
    [
        (5.0, 0.15, 0.0, 1.011),  # methods.md section 2: +101.1 %
        (3.8, 0.15, 0.0, 0.701),  # +70.1 %
        (1.5, 0.15, 0.0, 0.233),  # +23.3 %
        (5.0, 0.10, 0.05, 0.262),  # +26.2 %
    ],
)
def test_ces_tariff_ratio_check_values(theta, t0, t1, expected_gain):
    assert_allclose(ces_tariff_ratio(t1, t0, theta) - 1, expected_gain, atol=5e-4)


def test_ces_ratio_is_one_without_a_cut():
    assert_allclose(ces_tariff_ratio(0.15, 0.15, 5.0), 1.0)


def test_staging_and_staged_tariff():
    # hand-computed: start 2025 over 4 years -> 1/4, 2/4, 3/4, 1 from 2025 on
    phase = staging(np.arange(2024, 2030), 2025, 4)
    assert_allclose(phase, [0, 0.25, 0.5, 0.75, 1, 1])
    assert_allclose(staged_tariff(0.15, 0.05, phase), [0.15, 0.125, 0.1, 0.075, 0.05, 0.05])


def test_pta_effect_scales_with_coverage_utilisation_and_response():
    ratio = ces_tariff_ratio(0.0, 0.15, 5.0)  # 2.0114 (methods.md check)
    # hand-computed: 0.3 * 0.7 * 1.0114 * 0.5
    assert_allclose(pta_effect(ratio, 0.3, 0.7, 0.5), 0.3 * 0.7 * (ratio - 1) * 0.5)
    assert_allclose(pta_effect(ratio, 0.0, 0.7), 0.0)


@pytest.mark.parametrize(
    ("per_day", "theta", "expected_gain"),
    [
        (0.006, 4.0, 0.164),  # methods.md section 3: ave a 0.006 theta 4 +16.4 %
        (0.006, 5.0, 0.209),  # theta 5 +20.9 %
        (0.021, 4.0, 0.538),  # a 0.021 theta 4 +53.8 %
        (0.021, 5.0, 0.713),  # theta 5 +71.3 %
    ],
)
def test_ave_check_values(per_day, theta, expected_gain):
    assert_allclose(ave_multiplier(21, 14, theta, 1.0, per_day) - 1, expected_gain, atol=5e-4)


def test_semi_elasticity_check_value():
    # methods.md section 3: 21 -> 14 days, beta 0.01, r = 1: +7.25 %
    assert_allclose(semi_elasticity_multiplier(21, 14) - 1, 0.0725, atol=5e-5)
    # hand-computed: exp(0.07) - 1 = 0.072508, half the trade on the route
    assert_allclose(semi_elasticity_multiplier(21, 14, 0.5) - 1, 0.5 * math.expm1(0.07))


def test_transit_without_savings_is_neutral():
    assert_allclose(semi_elasticity_multiplier(21, 21), 1.0)
    assert_allclose(ave_multiplier(21, 21, 4.0), 1.0)


def test_shapley_split_adds_up_and_is_symmetric():
    base, m_pta, m_tta = 50.0, 1.3, 1.07
    pta, tta = shapley_split(base, m_pta, m_tta)
    assert_allclose(base + pta + tta, base * m_pta * m_tta)
    tta_swapped, pta_swapped = shapley_split(base, m_tta, m_pta)
    assert_allclose((pta, tta), (pta_swapped, tta_swapped))


def test_linear_ramp():
    # hand-computed: 3-year ramp from 2026, ends after 2030
    years = np.arange(2025, 2033)
    assert_allclose(linear_ramp(years, 2026, 3, 2030), [0, 1 / 3, 2 / 3, 1, 1, 1, 0, 0])


def test_logistic_ramp_hits_ten_and_ninety_percent():
    # scenario-format.md: 10 % in start_year, 90 % at start_year + ramp_years, 50 % midway
    years = np.array([2025, 2026, 2028, 2030, 2031])
    assert_allclose(logistic_ramp(years, 2026, 4, 2030), [0, 0.1, 0.5, 0.9, 0], atol=1e-12)


def test_baseline_value_compounds():
    assert_allclose(baseline_value(27.0, 0.1, [0, 1, 2]), [27.0, 29.7, 32.67])  # 27 * 1.1**n


@pytest.mark.parametrize(
    ("start", "years", "expected"),
    [
        (27.0, 7, 0.8497),  # methods.md section 7: 27.0 in 2023 -> 2,000 by 2030
        (27.0, 12, 0.4315),  # -> 2,000 by 2035
        (40.0, 5, 1.187),  # from 40.0 over 5 years: 118.7 %
        (40.0, 10, 0.479),  # over 10: 47.9 %
    ],
)
def test_required_cagr_check_values(start, years, expected):
    assert_allclose(required_cagr(2000.0, start, years), expected, atol=5e-4)


def test_required_cagr_from_zero_is_nan():
    assert np.isnan(required_cagr(2000.0, 0.0, 7))


def test_reached_year_index_and_gap():
    measure = np.array([[100.0, 1999.0, 2000.0, 2500.0], [1.0, 2.0, 3.0, 4.0]])
    assert reached_year_index(measure, 2000.0).tolist() == [2, -1]
    assert_allclose(gap(2000.0, measure[0]), [1900.0, 1.0, 0.0, -500.0])


def test_smart_creation_and_diversion_by_hand():
    # hand-computed: eta -1.5, 15 % -> 0: TC/M = -1.5 * (0 - 0.15) / 1.15 = 0.195652
    assert_allclose(smart_creation(0.0, 0.15, -1.5), 1.5 * 0.15 / 1.15)
    # s0 0.2, sigma 1.5: s1 = 0.2 * 1.15**1.5 / (0.2 * 1.15**1.5 + 0.8); TD/M = (s1 - s0) / s0
    weighted = 0.2 * 1.15**1.5
    s1 = weighted / (weighted + 0.8)
    assert_allclose(smart_diversion(0.0, 0.15, 0.2, 1.5), (s1 - 0.2) / 0.2)
    assert_allclose(smart_diversion(0.15, 0.15, 0.2), 0.0)  # no cut, no diversion
    # a partner that already supplies everything cannot divert more
    assert_allclose(smart_diversion(0.0, 0.15, 1.0), 0.0)
