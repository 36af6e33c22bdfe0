"""The model functions against the check values of methods.md and hand computation."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from tradecalc.model import (
    RESPONSE_PROFILES,
    ave_multiplier,
    band_coverage,
    baseline_value,
    deal_alive,
    deal_ramp,
    expected_deal_path,
    gap,
    inside_band,
    level_shock_factor,
    log_error,
    mean_absolute_log_error,
    poisson_delay,
    pta_full_ratio,
    pta_multiplier,
    reached_year_index,
    required_cagr,
    rescale_to_total,
    response_share,
    semi_elasticity_multiplier,
    shapley_split_levers,
    shock_sd_from_history,
    smart_consumer_surplus,
    smart_creation,
    smart_diversion_first_order,
    smart_effects,
    smart_tariff_revenue_change,
    staged_tariff,
    staging,
    tariff_change_multiplier,
    tariff_exponent,
    tariff_ratio,
    two_piece_lognormal,
)
from tradecalc.model.deal_risk import Z90


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


# Issue 20, items 8, 9 and 11-15: outputs that set no traps, and the economics and data fixes.


def test_smart_full_diversion_and_revenue_by_hand():
    from tradecalc.model import smart_diversion, smart_diversion_first_order, smart_effects

    # A worked case by hand (methods.md 2.4): the partner sells M = 10 at t0 = 15 %, cut to
    # t1 = 5 %; import-demand elasticity -1.5; the partner's share 0.2, so third suppliers sell
    # M_o = 10 * 0.8 / 0.2 = 40; substitution elasticity 1.5.
    #   TC = 1.5 * 10 * (0.15 - 0.05) / 1.15                       = 1.304348
    #   x  = sigma * (t0 - t1) / (1 + t0) = 1.5 * 0.10 / 1.15      = 0.130435
    #   TD = M * M_o * x / (M + M_o + M * x) = 400 x / (50 + 10 x)   = 1.016949
    #   dR = t1 (M + TC + TD) - t0 M - t0 TD
    #      = 0.05 * 12.321297 - 1.5 - 0.15 * 1.016949              = -1.036478
    e = smart_effects(10.0, 0.05, 0.15, 0.2, -1.5, 1.5)
    assert_allclose(e.creation, 1.304348, atol=1e-6)
    assert_allclose(e.diversion, 1.016949, atol=1e-6)
    assert_allclose(e.revenue_change, -1.036478, atol=1e-6)
    # without the t0 x TD term the revenue change would read -0.883937: the term is there
    assert abs(e.revenue_change - (0.05 * (10 + e.creation + e.diversion) - 1.5)) > 0.15
    # the denominator: first order exceeds the full form by the factor 1 + s0 x
    x = 1.5 * 0.10 / 1.15
    assert_allclose(
        smart_diversion_first_order(0.05, 0.15, 0.2) / smart_diversion(0.05, 0.15, 0.2), 1 + 0.2 * x
    )
    # the full form never diverts more than third suppliers sell, however large sigma
    assert smart_diversion(0.0, 0.5, 0.5, 1e6) < 1.0  # M_o / M = 1
    # an increase so large that sigma * d <= -1 diverts all of the partner's trade away
    assert_allclose(smart_diversion(1.0, 0.0, 0.5, 10.0), -1.0)


# Model functions of methods.md version 2 against its check values and hand computation.


AZE_RECORD = [14.8, 13.2, 11.7, 28.2, 27.0]  # methods.md 8: Azerbaijan's customs, 2019-2023


@pytest.mark.parametrize(
    ("theta", "t0", "t1", "expected_change"),
    [
        (4.0, 0.15, 0.0, 1.011),  # methods.md 2: theta 4 (epsilon 5), 15 % -> 0: +101.1 %
        (3.8, 0.15, 0.0, 0.956),  # theta 3.8: +95.6 %
        (1.5, 0.15, 0.0, 0.418),  # theta 1.5: +41.8 %
        (4.0, 0.10, 0.05, 0.262),  # theta 4, 10 % -> 5 %: +26.2 %
        (4.0, 0.0, 0.15, -0.503),  # an increase 0 -> 15 % at theta 4: -50.3 %
    ],
)
def test_tariff_ratio_check_values(theta, t0, t1, expected_change):
    epsilon = tariff_exponent(theta)
    assert_allclose(tariff_ratio(t1, t0, epsilon) - 1.0, expected_change, atol=5e-4)


def test_tariff_exponent_is_theta_plus_one_over_arrays():
    # methods.md 2: epsilon = theta + 1
    assert_allclose(tariff_exponent([4.0, 3.8, 1.5]), [5.0, 4.8, 2.5])


def test_tariff_ratio_broadcasts_over_draws():
    # hand-computed: 1.15 ** eps for eps 5 and 2.5, on a (2, 1) draw axis against 2 tariffs
    ratio = tariff_ratio(np.array([0.0, 0.15]), 0.15, np.array([[5.0], [2.5]]))
    assert ratio.shape == (2, 2)
    assert_allclose(ratio, [[1.15**5, 1.0], [1.15**2.5, 1.0]])


@settings(max_examples=60, deadline=None)
@given(
    t_before=st.floats(0.0, 0.5),
    t_low=st.floats(0.0, 0.5),
    t_high=st.floats(0.0, 0.5),
    epsilon=st.floats(0.5, 10.0),
)
def test_deeper_cut_never_lowers_trade_and_increase_never_raises(t_before, t_low, t_high, epsilon):
    low, high = min(t_low, t_high), max(t_low, t_high)
    assert tariff_ratio(low, t_before, epsilon) >= tariff_ratio(high, t_before, epsilon)
    if high >= t_before:  # an increase (or nothing): trade never rises
        assert tariff_ratio(high, t_before, epsilon) <= 1.0 + 1e-12


def test_yotov2016_shares_derive_from_the_coefficients():
    # methods.md 2: cumulative shares of 0.291, 0.414, 0.169, 0.119 over 0.993, quoted rounded
    k = np.array([0, 3, 4, 7, 8, 11, 12, 30])
    expected = [0.293, 0.293, 0.710, 0.710, 0.880, 0.880, 1.0, 1.0]
    assert_allclose(response_share(k, "yotov2016"), expected, atol=5e-4)
    # exact derivation: 0.291 / 0.993 and (0.291 + 0.414) / 0.993
    assert_allclose(response_share([0, 4], "yotov2016"), [0.291 / 0.993, 0.705 / 0.993])


def test_yotov2016_profile_check_values():
    # methods.md 2: full ratio exp(0.993) reaches +33.8 %, +102.4 %, +139.6 %, +169.9 %
    k = np.array([0, 3, 4, 7, 8, 11, 12, 15])
    gain = pta_multiplier(np.exp(0.993), response_share(k, "yotov2016")) - 1.0
    expected = [0.338, 0.338, 1.024, 1.024, 1.396, 1.396, 1.699, 1.699]
    assert_allclose(gain, expected, atol=5e-4)


def test_linear_and_immediate_profiles():
    k = np.array([-2, -1, 0, 1, 2, 3, 9])
    # hand-computed: min(1, (k + 1) / 3), 0 before entry into force
    assert_allclose(response_share(k, "linear", 3), [0, 0, 1 / 3, 2 / 3, 1, 1, 1])
    assert_allclose(response_share(k, "immediate"), [0, 0, 1, 1, 1, 1, 1])
    assert_allclose(response_share(k, "yotov2016")[:2], [0, 0])  # w = 0 for k < 0
    assert set(RESPONSE_PROFILES) == {"yotov2016", "linear", "immediate"}


def test_response_share_rejects_unknown_profile_and_linear_without_years():
    with pytest.raises(ValueError, match="unknown response profile 'slow'"):
        response_share(1, "slow")
    with pytest.raises(ValueError, match="needs response_years"):
        response_share(1, "linear")


def test_log_space_profile_treats_a_cut_and_its_reverse_alike():
    # in log space, the multiplier of a change and of its exact reverse are reciprocal each year
    w = response_share(np.arange(-1, 14), "yotov2016")
    cut = pta_multiplier(tariff_ratio(0.0, 0.15, 5.0), w)
    back = pta_multiplier(tariff_ratio(0.15, 0.0, 5.0), w)
    assert_allclose(cut * back, 1.0)


def test_pta_full_ratio_sums_lines_and_stays_positive():
    # hand-computed: 1 + 0.5 * 0.7 * (2 - 1) + 0.2 * 1.0 * (1.5 - 1) = 1.45
    assert_allclose(pta_full_ratio([2.0, 1.5], [0.5, 0.2], [0.7, 1.0]), 1.45)
    # lines on axis 1, two draws on axis 0: 1 + 0.3 * 1 * (2 - 1) and 1 + 0.3 * 1 * (3 - 1)
    ratios = np.array([[2.0, 1.0], [3.0, 1.0]])
    assert_allclose(pta_full_ratio(ratios, [0.3, 0.7], 1.0, line_axis=1), [1.3, 1.6])
    # coverage summing to 1 with a steep increase: full = sum c * r > 0 (hand: 0.5*r + 0.5*r)
    steep = tariff_ratio(1.0, 0.0, 10.0)  # 2**-10
    assert_allclose(pta_full_ratio([steep, steep], [0.5, 0.5], 1.0), 2.0**-10)


def test_pta_multiplier_rejects_a_non_positive_full_ratio():
    with pytest.raises(ValueError, match="must be positive"):
        pta_multiplier(np.array([1.2, 0.0]), 1.0)


def test_tariff_change_increase_check_value():
    # methods.md 2: an increase 0 -> 15 % at theta 4 (epsilon 5), coverage 1: -50.3 %
    m = tariff_change_multiplier(np.arange(2026, 2031), 2028, 0.0, 0.15, 1.0, tariff_exponent(4.0))
    assert_allclose(m - 1.0, [0, 0, -0.503, -0.503, -0.503], atol=5e-4)


def test_tariff_change_staged_over_years_on_a_share():
    # hand-computed: 0 -> 15 % from 2028 over 3 years on 40 % of the flow, epsilon 5:
    # t = 0, 0.05, 0.10, 0.15; m = 1 + 0.4 * ((1 + t) ** -5 - 1)
    years = np.arange(2027, 2032)
    m = tariff_change_multiplier(years, 2028, 0.0, 0.15, 0.4, 5.0, phase_in_years=3)
    expected = [1.0] + [1 + 0.4 * ((1 + t) ** -5 - 1) for t in (0.05, 0.10, 0.15, 0.15)]
    assert_allclose(m, expected)


def test_tariff_change_cut_with_a_response_profile():
    # hand-computed: a cut 15 % -> 0 on the whole flow reaches 1.15**5 in log shares w(k)
    years = np.arange(2025, 2040)
    m = tariff_change_multiplier(years, 2026, 0.15, 0.0, 1.0, 5.0, profile="yotov2016")
    w = response_share(years - 2026, "yotov2016")
    assert_allclose(m, (1.15**5) ** w)
    linear = tariff_change_multiplier(years, 2026, 0.15, 0.0, 1.0, 5.0, 1, "linear", 2)
    assert_allclose(linear[:4], [1.0, 1.15**2.5, 1.15**5, 1.15**5])  # w = 0, 1/2, 1, 1


@settings(max_examples=60, deadline=None)
@given(
    t_before=st.floats(0.0, 0.5),
    t_after=st.floats(0.0, 0.5),
    coverage=st.floats(0.0, 1.0),
    epsilon=st.floats(0.5, 10.0),
    phase=st.integers(1, 5),
)
def test_tariff_change_direction(t_before, t_after, coverage, epsilon, phase):
    m = tariff_change_multiplier(
        np.arange(2020, 2035), 2024, t_before, t_after, coverage, epsilon, phase
    )
    if t_after >= t_before:
        assert np.all(m <= 1.0 + 1e-12)  # an increase never raises trade
    else:
        assert np.all(m >= 1.0 - 1e-12)  # a cut never lowers it
    assert np.all(m > 0.0)


def test_slower_route_lowers_trade():
    # hand-computed: 14 -> 21 days, beta 0.01: exp(-0.07) - 1 = -0.067606, on 60 % of trade
    assert_allclose(semi_elasticity_multiplier(14, 21) - 1, math.expm1(-0.07))
    assert_allclose(semi_elasticity_multiplier(14, 21, 0.6) - 1, 0.6 * math.expm1(-0.07))
    # hand-computed: ave is the inverse of the 21 -> 14 ratio: ((1.084) / (1.126)) ** 4
    assert_allclose(ave_multiplier(14, 21, 4.0), (1.084 / 1.126) ** 4)
    assert_allclose(ave_multiplier(14, 21, 4.0) * ave_multiplier(21, 14, 4.0), 1.0)


@settings(max_examples=60, deadline=None)
@given(
    d0=st.floats(1.0, 60.0),
    d_fast=st.floats(1.0, 60.0),
    d_slow=st.floats(1.0, 60.0),
    share=st.floats(0.0, 1.0),
)
def test_slower_route_never_raises_trade(d0, d_fast, d_slow, share):
    fast, slow = min(d_fast, d_slow), max(d_fast, d_slow)
    assert semi_elasticity_multiplier(d0, slow, share) <= semi_elasticity_multiplier(
        d0, fast, share
    )
    assert ave_multiplier(d0, slow, 4.0, share) <= ave_multiplier(d0, fast, 4.0, share) + 1e-12
    if slow >= d0:
        assert semi_elasticity_multiplier(d0, slow, share) <= 1.0


def brute_force_shapley(base, multipliers):
    """Average marginal contribution over all n! orders (Shapley 1953), the definition."""
    n = len(multipliers)
    parts = [0.0] * n
    orders = list(itertools.permutations(range(n)))
    for order in orders:
        level = base
        for i in order:
            parts[i] += level * (multipliers[i] - 1.0)
            level *= multipliers[i]
    return [p / len(orders) for p in parts]


def test_two_lever_special_case_is_the_section_4_formula():
    # methods.md 4: pta = base (m_pta - 1)(1 + m_tta) / 2; tta likewise
    base, m_pta, m_tta = 50.0, 1.3, 1.07
    # methods.md 4: pta = base (m_pta - 1) (1 + m_tta) / 2, tta likewise
    two_lever = (base * (m_pta - 1) * (1 + m_tta) / 2, base * (m_tta - 1) * (1 + m_pta) / 2)
    assert_allclose(shapley_split_levers(base, m_pta, m_tta), two_lever)
    assert_allclose(shapley_split_levers(100, 1.2, 1.1), (21.0, 11.0))  # 100*.2*2.1/2, 100*.1*2.2/2


def test_three_levers_add_up_exactly_and_match_the_definition():
    base, levers = 40.0, (1.8, 0.5, 1.12)  # a PTA, a tariff increase, a TTA
    parts = shapley_split_levers(base, *levers)
    assert_allclose(sum(parts), base * 1.8 * 0.5 * 1.12 - base, rtol=1e-13)
    assert_allclose(parts, brute_force_shapley(base, levers), rtol=1e-13)
    # hand-computed: pta = 40 * 0.8 * (1/3 + (0.5 + 1.12)/6 + 0.5 * 1.12/3)
    assert_allclose(parts[0], 40 * 0.8 * (1 / 3 + 1.62 / 6 + 0.56 / 3))
    assert parts[1] < 0  # the increase is charged with a loss


def test_four_levers_and_symmetry_over_draws():
    rng = np.random.default_rng(3)
    base = rng.uniform(1, 100, size=50)
    levers = [rng.uniform(0.3, 3.0, size=50) for _ in range(4)]
    parts = shapley_split_levers(base, *levers)
    assert_allclose(sum(parts), base * np.prod(levers, axis=0) - base, rtol=1e-12)
    for d in (0, 17, 49):
        expected = brute_force_shapley(base[d], [m[d] for m in levers])
        assert_allclose([p[d] for p in parts], expected, rtol=1e-12)
    swapped = shapley_split_levers(base, levers[2], levers[0], levers[3], levers[1])
    assert_allclose(swapped, (parts[2], parts[0], parts[3], parts[1]), rtol=1e-13)


def test_one_lever_takes_everything_and_none_split_nothing():
    assert_allclose(shapley_split_levers([10.0, 20.0], 1.5), ([5.0, 10.0],))  # base (m - 1)
    assert shapley_split_levers(10.0) == ()


def test_a_neutral_lever_gets_nothing():
    # a lever at 1 adds nothing and leaves the others' two-lever split unchanged
    parts = shapley_split_levers(100.0, 1.2, 1.0, 1.1)
    assert_allclose(parts, (21.0, 0.0, 11.0))


def test_smart_doubling_eta_doubles_creation():
    # methods.md 2 (WITS documented property): TC is linear in eta
    one = smart_effects(10.0, 0.0, 0.15, 0.2, -1.5)
    two = smart_effects(10.0, 0.0, 0.15, 0.2, -3.0)
    assert_allclose(two.creation, 2 * one.creation)
    assert_allclose(one.creation, 10 * 1.5 * 0.15 / 1.15)  # hand-computed: eta M (t1-t0)/(1+t0)
    assert_allclose(one.creation, 10 * smart_creation(0.0, 0.15, -1.5))


def test_smart_doubling_sigma_doubles_diversion_below_the_cap():
    # methods.md 2 (WITS documented property); hand-computed: sigma (1 - s0)(t0 - t1)/(1 + t0)
    one = smart_diversion_first_order(0.0, 0.15, 0.2, 1.5)
    two = smart_diversion_first_order(0.0, 0.15, 0.2, 3.0)
    assert_allclose(one, 1.5 * 0.8 * 0.15 / 1.15)
    assert_allclose(two, 2 * one)
    # the full form "almost" doubles (WITS's word): M = 10, M_o = 10 * 0.8 / 0.2 = 40,
    # TD = M M_o x / (M + M_o + M x), x = sigma (t0 - t1) / (1 + t0)
    x = 1.5 * 0.15 / 1.15
    full = smart_effects(10.0, 0.0, 0.15, 0.2, -1.5).diversion
    assert_allclose(full, 10 * 40 * x / (10 + 40 + 10 * x))
    doubled = smart_effects(10.0, 0.0, 0.15, 0.2, -1.5, 3.0).diversion
    assert 1.9 * full < doubled < 2 * full


def test_smart_diversion_cap_binds_at_third_suppliers_trade():
    # hand-computed: s0 0.5, 50 % -> 0, sigma 10: first order 10 * 0.5 / 3 = 1.667 > M_o/M = 1
    assert_allclose(smart_diversion_first_order(0.0, 0.5, 0.5, 10.0), 1.0)
    assert_allclose(smart_diversion_first_order(0.0, 0.5, 0.5, 20.0), 1.0)  # doubling: no change
    # the full form never reaches M_o = 6: x = 10 * 0.5 / 1.5, TD = 6 * 6 x / (12 + 6 x)
    x = 10 * 0.5 / 1.5
    assert_allclose(smart_effects(6.0, 0.0, 0.5, 0.5, -1.0, 10.0).diversion, 36 * x / (12 + 6 * x))
    # a partner that supplies everything diverts nothing; no change diverts nothing
    assert_allclose(smart_diversion_first_order(0.0, 0.15, 1.0), 0.0)
    assert_allclose(smart_diversion_first_order(0.15, 0.15, 0.2), 0.0)


def test_smart_increase_diverts_away_floored_at_the_partners_trade():
    # hand-computed: 5 % -> 10 %, s0 0.2, sigma 1.5: 1.5 * 0.8 * (-0.05) / 1.05
    assert_allclose(smart_diversion_first_order(0.10, 0.05, 0.2), -1.5 * 0.8 * 0.05 / 1.05)
    assert_allclose(smart_diversion_first_order(1.0, 0.0, 0.5, 10.0), -1.0)  # -5 floored


def test_smart_side_outputs_by_hand():
    # hand-computed, M 10, 15 % -> 5 %, eta -1.5, s0 0.2, sigma 1.5 (M_o = 40):
    # TC = 1.5 * 10 * 0.1 / 1.15 = 1.304348; x = 1.5 * 0.1 / 1.15 = 0.130435,
    # TD = 10 * 40 * x / (10 + 40 + 10 x) = 1.016949;
    # revenue = 0.05 * (10 + TC + TD) - 0.15 * 10 - 0.15 * TD = -1.036478; CS = 0.5 * 0.1 * TC
    effects = smart_effects(10.0, 0.05, 0.15, 0.2, -1.5)
    assert_allclose(effects.creation, 1.304348, atol=1e-6)
    assert_allclose(effects.diversion, 1.016949, atol=1e-6)
    assert_allclose(effects.revenue_change, -1.036478, atol=1e-6)
    assert_allclose(effects.consumer_surplus, 0.065217, atol=1e-6)
    assert_allclose(smart_tariff_revenue_change(0.0, 0.15, 10.0, 13.0, 2.0), -1.8)  # -1.5 - 0.3
    assert_allclose(smart_consumer_surplus(0.0, 0.15, 2.0), 0.15)  # 0.5 * 0.15 * 2


def test_logistic_ramp_v2_check_values():
    # methods.md 5: for 3 years, logistic 0.325, 0.675, 0.90, 0.975 from s on; 0 before
    years = np.arange(2025, 2030)
    assert_allclose(
        deal_ramp(years, 2026, 3, logistic=True), [0, 0.325, 0.675, 0.90, 0.975], atol=5e-4
    )
    # linear gives 0.33, 0.67, 1.0
    assert_allclose(deal_ramp(years, 2026, 3), [0, 1 / 3, 2 / 3, 1, 1])


def test_logistic_ramp_v2_midpoint_and_end():
    # methods.md 5: y_mid = s + R/2 - 1 (0.5 there), 90 % at s + R - 1; 0 after end_year
    years = np.arange(2026, 2033)
    ramp = deal_ramp(years, 2026, 4, end_year=2030, logistic=True)
    assert_allclose(ramp[[1, 3]], [0.5, 0.9])  # 2027 = 2026 + 2 - 1; 2029 = 2026 + 4 - 1
    assert_allclose(ramp[5:], [0, 0])
    # per-deal shape flag broadcasts: (2, 1) deals against years
    both = deal_ramp(years, 2026, 4, 2030, np.array([[True], [False]]))
    assert_allclose(both[0], ramp)
    assert_allclose(both[1], [0.25, 0.5, 0.75, 1, 1, 0, 0])


def test_expected_path_without_risk_is_the_ramp():
    years = np.arange(2024, 2034)
    assert_allclose(
        expected_deal_path(years, 2026, 3, 2031, True), deal_ramp(years, 2026, 3, 2031, True)
    )


def test_expected_path_with_survival_only():
    # hand-computed: immediate deal (R = 1) from 2026, q 0.5: 0.5 ** (y - 2026)
    assert_allclose(
        expected_deal_path(np.arange(2025, 2030), 2026, 1, survival=0.5), [0, 1, 0.5, 0.25, 0.125]
    )


def test_expected_path_with_poisson_delay_by_hand():
    # hand-computed: R = 1, delay ~ Poisson(1): E = P(delay <= y - s) = e**-1 (1, 2, 2.5, 8/3)
    e = math.exp(-1.0)
    path = expected_deal_path(np.arange(2026, 2030), 2026, 1, delay_mean=1.0)
    assert_allclose(path, [e, 2 * e, 2.5 * e, 8 / 3 * e], rtol=1e-12)
    # with survival 0.5 in 2027: P(0) * 0.5 + P(1) * 1 = 1.5 e**-1
    assert_allclose(expected_deal_path(2027, 2026, 1, delay_mean=1.0, survival=0.5), 1.5 * e)


def test_expected_path_is_vectorised_over_draws_deals_and_years():
    years = np.arange(2025, 2036)  # (Y,)
    start = np.array([[2026.0], [2028.0]])  # (K, 1)
    lam = np.array([[[0.0]], [[2.0]]])  # (D, 1, 1)
    path = expected_deal_path(years, start, 3, np.inf, np.array([[True], [False]]), lam, 0.8)
    assert path.shape == (2, 2, 11)
    single = expected_deal_path(years, 2028.0, 3, np.inf, False, 2.0, 0.8)
    assert_allclose(path[1, 1], single)
    assert_allclose(
        path[0, 0], deal_ramp(years, 2026, 3, logistic=True) * 0.8 ** np.maximum(years - 2026, 0)
    )


@pytest.mark.slow
def test_expected_path_matches_monte_carlo_of_delay_and_survival():
    # methods.md 5 and 8: the deterministic path is the mean of ramp * alive over the draws
    rng = np.random.default_rng(20251)
    draws, years = 200_000, np.arange(2025, 2036)
    delay = poisson_delay(rng.random(draws), 1.5, max_delay=len(years))[:, None]
    start = 2026 + delay
    alive = deal_alive(years - start, 0.7, rng.random(draws)[:, None])
    simulated = (deal_ramp(years, start, 3, 2033, True) * alive).mean(axis=0)
    expected = expected_deal_path(years, 2026, 3, 2033, True, 1.5, 0.7)
    assert_allclose(simulated, expected, atol=0.005)  # about 4 standard errors (0.5/sqrt(2e5))


@pytest.mark.slow
def test_two_piece_lognormal_hits_the_range_ends():
    # P10 / median / P90 of the draws within sampling error of low / V / high
    rng = np.random.default_rng(7)
    values = two_piece_lognormal(100.0, 50.0, 300.0, rng.standard_normal(200_000))
    assert_allclose(np.quantile(values, [0.1, 0.5, 0.9]), [50.0, 100.0, 300.0], rtol=0.02)
    # exact at the quantiles: sigma_low = ln 2 / 1.2816, sigma_high = ln 3 / 1.2816
    assert_allclose(
        two_piece_lognormal(100.0, 50.0, 300.0, [-Z90, -2 * Z90, 2 * Z90]), [50, 25, 900]
    )
    assert_allclose(Z90, 1.2816, atol=5e-5)  # methods.md 5's rounding


@pytest.mark.slow
def test_poisson_delay_inverse_cdf_edges_and_law():
    e = math.exp(-1.0)  # Poisson(1): F(0) = e**-1, F(1) = 2 e**-1
    u = np.array([0.0, e, e + 1e-9, 2 * e - 1e-9, 2 * e + 1e-9])
    assert poisson_delay(u, 1.0).tolist() == [0, 0, 1, 1, 2]
    assert poisson_delay([0.999999], 0.0).tolist() == [0]  # no delay expected, none drawn
    assert poisson_delay([0.999999], 3.0, max_delay=2).tolist() == [2]
    rng = np.random.default_rng(11)
    delays = poisson_delay(rng.random(200_000), 2.0)
    pmf = [math.exp(-2.0) * 2.0**d / math.factorial(d) for d in range(6)]
    assert_allclose(np.bincount(delays, minlength=6)[:6] / delays.size, pmf, atol=0.004)
    assert_allclose(delays.mean(), 2.0, atol=0.02)


def test_poisson_delay_broadcasts_mean_per_deal():
    u = np.full((3, 2), 0.5)  # median of Poisson(0) is 0, of Poisson(4) is 4
    assert poisson_delay(u, np.array([0.0, 4.0])).tolist() == [[0, 4]] * 3


@pytest.mark.slow
def test_deal_alive_law_of_the_year_by_year_process():
    rng = np.random.default_rng(5)
    k = np.arange(5)
    alive = deal_alive(k, 0.6, rng.random((200_000, 1)))
    assert_allclose(alive.mean(axis=0), 0.6**k, atol=0.004)  # P(alive at k) = q**k
    assert not np.any(alive[:, 1:] & ~alive[:, :-1])  # ends for good: never revives
    conditional = alive[:, 3].sum() / alive[:, 2].sum()
    assert_allclose(conditional, 0.6, atol=0.01)  # P(alive k | alive k-1) = q
    assert deal_alive(-1, 0.0, 0.5) and not deal_alive(1, 0.0, 0.0)  # before start; q = 0


def test_shock_sd_from_history_check_value():
    # methods.md 8: Azerbaijan's record 2019-2023 gives 0.488
    assert_allclose(shock_sd_from_history(AZE_RECORD), 0.488, atol=5e-4)
    # hand-computed: log changes ln 2, 0, ln 2 -> mean ln2 * 2/3, sd ln2 * sqrt(1/3)
    assert_allclose(shock_sd_from_history([1.0, 2.0, 2.0, 4.0]), math.log(2) / math.sqrt(3))


def test_shock_sd_from_history_needs_three_changes_and_positive_values():
    with pytest.raises(ValueError, match="at least 3 year-on-year changes"):
        shock_sd_from_history([14.8, 13.2, 11.7])
    with pytest.raises(ValueError, match="positive"):
        shock_sd_from_history([14.8, 0.0, 11.7, 28.2])


def test_level_shock_factor_by_hand_and_median_preserving():
    # hand-computed: exp of the running sum of 0.2 * (1, -1, 0.5); 1 in y0
    assert_allclose(level_shock_factor([1.0, -1.0, 0.5], 0.2), [1, math.exp(0.2), 1, math.exp(0.1)])
    rng = np.random.default_rng(13)
    factor = level_shock_factor(rng.standard_normal((100_000, 8)), 0.488)
    assert factor.shape == (100_000, 9)
    assert_allclose(np.median(factor, axis=0), 1.0, atol=0.03)  # median-preserving
    t = np.arange(9)
    assert_allclose(
        np.log(factor).std(axis=0), 0.488 * np.sqrt(t), rtol=0.01, atol=1e-12
    )  # sqrt(t)
    per_draw = level_shock_factor(np.ones((2, 2)), np.array([[0.1], [0.3]]))
    assert_allclose(
        per_draw, [[1, math.exp(0.1), math.exp(0.2)], [1, math.exp(0.3), math.exp(0.6)]]
    )


def test_rescale_to_total_keeps_shares():
    # hand-computed: 2020 split 11.6 / 1.6 (methods.md 1) rescaled to 27.0: 27 * 11.6 / 13.2 ...
    flows = rescale_to_total([11.6, 1.6], 27.0)
    assert_allclose(flows, [27 * 11.6 / 13.2, 27 * 1.6 / 13.2])
    assert_allclose(flows.sum(), 27.0)
    rows = rescale_to_total([[1.0, 3.0], [2.0, 2.0]], [8.0, 1.0])
    assert_allclose(rows, [[2.0, 6.0], [0.5, 0.5]])
    assert np.isnan(rescale_to_total([0.0, 0.0], 5.0)).all()


def test_scores_by_hand():
    assert inside_band([28.2, 14.0, 15.4], 13.5, 15.4).tolist() == [False, True, True]
    assert_allclose(log_error(28.2, 14.1), math.log(0.5))  # ln(projected / observed)
    assert_allclose(
        mean_absolute_log_error([10.0, 20.0, 5.0], [20.0, 10.0, 5.0]), 2 * math.log(2) / 3
    )
    assert_allclose(band_coverage([1.0, 5.0, 3.0, 9.0], 2.0, 8.0), 0.5)


def test_backtest_check_from_2020_at_the_model_layer():
    # methods.md 11: from 2020 (13.2) with 5 %/yr, shock_sd from history: 2022 (28.2) inside
    # P10-P90; with version 1's bands (growth_sd 0.03, no annual shocks) it is not
    observed = np.array([11.7, 28.2, 27.0])  # 2021-2023, methods.md 8
    t = np.arange(1, 4)
    rng = np.random.default_rng(2020)
    shocks = level_shock_factor(rng.standard_normal((20_000, 3)), shock_sd_from_history(AZE_RECORD))
    v2 = baseline_value(13.2, 0.05, t) * shocks[:, 1:]
    v1 = baseline_value(13.2, 0.05 + 0.03 * rng.standard_normal((20_000, 1)), t)
    low2, high2 = np.quantile(v2, [0.1, 0.9], axis=0)
    low1, high1 = np.quantile(v1, [0.1, 0.9], axis=0)
    assert inside_band(observed[1], low2[1], high2[1])
    assert not inside_band(observed[1], low1[1], high1[1])
    assert high1[1] < 16.0  # hand-computed: 13.2 * (1.05 + 1.2816 * 0.03)**2 = 15.64
    assert band_coverage(observed, low2, high2) == 1.0
    assert band_coverage(observed, low1, high1) == 0.0
    # central path 13.2 * 1.05**t against the record: mean |ln(central / observed)|
    central = 13.2 * 1.05**t
    expected = np.mean(np.abs(np.log(central / observed)))  # 0.1694, 0.6615, 0.5693 -> 0.4667
    assert_allclose(mean_absolute_log_error(observed, central), expected)
    assert_allclose(expected, 0.4667, atol=5e-4)
