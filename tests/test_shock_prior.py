"""The shock prior by size class: empirical Bayes across the class's pairs (model.size_prior),
and the class's changes counted on a panel (the JSON ``shock_sd`` of `baserate`).

The panels here are synthetic (tests/synthetic_panels.py) with known sds."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from tests.synthetic_panels import size_class_levels, write_panel

from tradecalc.analysis.baserate import base_rate
from tradecalc.model.size_prior import prior_from_sums, size_class_prior
from tradecalc.panel.catalog import file_info


@pytest.fixture(scope="module")
def size_panel(tmp_path_factory):
    path = tmp_path_factory.mktemp("prior") / "sizes.csv"
    return write_panel(path, size_class_levels(np.random.default_rng(26)))


@pytest.mark.parametrize(("base", "true_sd"), [(10.0, 0.40), (1000.0, 0.10)])
def test_the_estimate_recovers_each_size_classs_sd(size_panel, base, true_sd):
    ref = replace(file_info(size_panel), absence="complete")
    shock = base_rate(ref, base, 2 * base, 3).shock_sd
    assert shock["estimate"] == pytest.approx(true_sd, rel=0.10)
    assert shock["changes"] > 500 and shock["pairs"] > 50
    # one sd for every pair of the class: a large weight (pairs that leave the band early
    # had larger changes, which spreads their variances a little: not capped here)
    assert shock["df"] > 20


def test_pairs_of_different_sds_give_the_populations_scale_and_weight():
    """500 pairs, 20 changes each, sds drawn from a scaled inverse chi-square(8, 0.3^2):
    Smyth's moments recover the scale within 10 % and the weight roughly."""
    rng = np.random.default_rng(4)
    pairs, n, df, scale = 500, 20, 8.0, 0.3
    sd = np.sqrt(df * scale**2 / rng.chisquare(df, pairs))
    changes = 0.05 + sd[:, np.newaxis] * rng.standard_normal((pairs, n))
    prior_sd, prior_df, info = size_class_prior(changes.ravel(), np.repeat(np.arange(pairs), n))
    assert prior_sd == pytest.approx(scale, rel=0.10)
    assert 5.0 < prior_df < 13.0 and not info["capped"]
    assert info["pairs"] == pairs and info["changes"] == pairs * n


def test_the_centre_is_given_and_the_divisor_is_n():
    """Two pairs, changes (0.1, 0.3) and (-0.1, 0.1) around the centre 0.1: SS 0 + 0.04 and
    0.04 + 0, pooled variance 0.08 / 4 = 0.02 (divisor n, not n - 1; each pair's own mean
    would give 0.02 + 0.02 over 2 df: 0.02 too, but 0.01 with divisor n); equal variances
    spread less than their sampling noise, so the weight is capped at the 4 changes."""
    sd, df, info = prior_from_sums([2, 2], [0.4, 0.0], [0.1, 0.02], 0.1)
    assert sd == pytest.approx(np.sqrt(0.02), rel=1e-12)
    assert df == 4.0 and info["capped"]


def test_an_empty_class_has_no_prior():
    sd, df, info = size_class_prior([], [])
    assert np.isnan(sd) and df == 0.0 and info["changes"] == 0


def test_the_odds_class_prior_is_baserates_and_is_cached(panel_store, monkeypatch):
    """panel.class_prior (what the odds read) gives baserate's shock_sd for the same class,
    then comes from the cache; a cut-off year keeps only the changes that ended by it."""
    from tradecalc.panel import class_prior as module
    from tradecalc.panel.catalog import resolve

    agtpa = resolve("agtpa")
    prior = module.class_prior(agtpa, 27.0)
    shock = base_rate(agtpa, 27.0, 54.0, 7).shock_sd
    assert (prior.sd, prior.df) == (shock["estimate"], shock["df"])
    assert (prior.changes, prior.pairs) == (shock["changes"], shock["pairs"])
    assert prior.source()["panel"] == "agtpa" and prior.band_usd_m == (13.5, 54.0)

    def uncounted(*args):
        raise AssertionError("counted again")

    counting = module._count
    monkeypatch.setattr(module, "_count", uncounted)
    assert module.class_prior(agtpa, 27.0) == prior
    monkeypatch.setattr(module, "_count", counting)
    early = module.class_prior(agtpa, 27.0, until=1995)
    assert 0 < early.changes < prior.changes and early.until == 1995


def test_the_default_pooling_shrinks_the_record_toward_its_class(panel_store):
    """`shock_pooling: panel` (the default; the odds' prior from the panel, issue 26 item 3):
    base.yaml's
    customs-comparable 27.0 puts it in AGTPA's US$ 13.5-54 m class (s0 0.319, nu0 3.03); its own
    four changes around the baseline's growth give 0.435, so s_n^2 = (nu0 s0^2 + 4 x 0.435^2)
    / (nu0 + 4) (Gelman et al. 2013, section 2.6)."""
    from tests.conftest import ROOT

    from tradecalc import load_scenario
    from tradecalc.engine.shock_estimate import shock_estimate
    from tradecalc.panel.catalog import resolve
    from tradecalc.panel.class_prior import class_prior

    estimate = shock_estimate(load_scenario(ROOT / "scenarios" / "base.yaml"))
    prior = class_prior(resolve("agtpa"), 27.0)
    assert (estimate.prior_sd, estimate.prior_df) == (prior.sd, prior.df)
    assert estimate.prior_source["panel"] == "agtpa"
    assert estimate.prior_source["band_usd_m"] == [13.5, 54.0]
    nu = prior.df + estimate.changes
    expected = np.sqrt((prior.df * prior.sd**2 + estimate.changes * estimate.own_sd**2) / nu)
    assert estimate.sd == pytest.approx(expected, rel=1e-12)
    assert estimate.posterior_df == pytest.approx(nu)
