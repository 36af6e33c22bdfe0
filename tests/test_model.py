"""The model functions against the check values of methods.md and hand computation."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from tradecalc.model import (
    ave_multiplier,
    baseline_value,
    deal_ramp,
    gap,
    reached_year_index,
    required_cagr,
    semi_elasticity_multiplier,
    shapley_split_levers,
    smart_creation,
    staged_tariff,
    staging,
    tariff_ratio,
)


def test_ratio_is_one_without_a_cut():
    assert_allclose(tariff_ratio(0.15, 0.15, 5.0), 1.0)


def test_staging_and_staged_tariff():
    # hand-computed: start 2025 over 4 years -> 1/4, 2/4, 3/4, 1 from 2025 on
    phase = staging(np.arange(2024, 2030), 2025, 4)
    assert_allclose(phase, [0, 0.25, 0.5, 0.75, 1, 1])
    assert_allclose(staged_tariff(0.15, 0.05, phase), [0.15, 0.125, 0.1, 0.075, 0.05, 0.05])


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
    pta, tta = shapley_split_levers(base, m_pta, m_tta)
    assert_allclose(base + pta + tta, base * m_pta * m_tta)
    # methods.md 4, two levers: pta = base (m_pta - 1) (1 + m_tta) / 2
    assert_allclose(pta, base * (m_pta - 1) * (1 + m_tta) / 2)
    tta_swapped, pta_swapped = shapley_split_levers(base, m_tta, m_pta)
    assert_allclose((pta, tta), (pta_swapped, tta_swapped))


def test_linear_ramp():
    # hand-computed: 3-year ramp from 2026, ends after 2030
    years = np.arange(2025, 2033)
    assert_allclose(deal_ramp(years, 2026, 3, 2030), [0, 1 / 3, 2 / 3, 1, 1, 1, 0, 0])


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


def test_smart_creation_by_hand():
    # hand-computed: eta -1.5, 15 % -> 0: TC/M = -1.5 * (0 - 0.15) / 1.15 = 0.195652
    assert_allclose(smart_creation(0.0, 0.15, -1.5), 1.5 * 0.15 / 1.15)
