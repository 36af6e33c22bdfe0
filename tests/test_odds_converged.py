"""Odds you can quote (issue 19): the shocks integrated exactly, errors, bounds, named centres.

Expected numbers are hand-computed (in the comments), from the standard library's ``math.erfc``,
or the plain Monte Carlo of `simulate` within a stated number of combined standard errors.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose
from tests.conftest import ROOT, TOY
from typer.testing import CliRunner

from tradecalc.cli.commands import app
from tradecalc.engine.odds import quote
from tradecalc.model.mixture import (
    ShockLaw,
    mixture_cdf,
    mixture_mean,
    mixture_percentiles,
    normal_sf,
    reached_by,
)

runner = CliRunner()
SHIPPED = sorted(
    str(p.relative_to(ROOT))
    for p in [*ROOT.glob("scenarios/*.yaml"), *ROOT.glob("scenarios/*/*.yaml")]
)
Z90 = 1.2815515655446004


def run_json(*args: str) -> dict:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- the pieces ----------------------------------------------------------------------------


def test_normal_tail_matches_erfc_to_its_stated_relative_error():
    x = np.linspace(-8.0, 37.0, 9001)
    reference = np.array([0.5 * math.erfc(v / math.sqrt(2.0)) for v in x])  # standard library
    assert_allclose(normal_sf(x), reference, rtol=1.2e-7, atol=0)


def test_one_lognormal_percentiles_and_mean_are_the_closed_forms():
    # one component, 27 * exp(0.2 Z): P50 27, P90 27 exp(0.2 * 1.28155) = 34.977, P10 20.842
    scale, offset, sd = np.array([27.0]), np.array([0.0]), np.array([0.2])
    q = mixture_percentiles(scale, offset, sd)
    assert_allclose(q, [27 * math.exp(-0.2 * Z90), 27.0, 27 * math.exp(0.2 * Z90)], rtol=1e-9)
    # mean exp(sd^2 / 2): 27 * exp(0.02) = 27.5454
    assert_allclose(mixture_mean(scale, offset, sd**2), 27 * math.exp(0.02), rtol=1e-12)


def test_mixture_percentile_is_the_root_of_its_cdf_and_matches_sampling():
    # two draws: 10 exp(0.5 Z) and 5 + 40 exp(0.3 Z), equal weights
    scale, offset, sd = np.array([10.0, 40.0]), np.array([0.0, 5.0]), np.array([0.5, 0.3])
    q = mixture_percentiles(scale, offset, sd)
    assert_allclose(mixture_cdf(q, scale, offset, sd), [0.1, 0.5, 0.9], atol=1e-9)
    z = np.random.default_rng(3).standard_normal((400_000, 2))
    sample = (offset + scale * np.exp(sd * z)).ravel()
    assert_allclose(q, np.quantile(sample, [0.1, 0.5, 0.9]), rtol=0.01)


def test_one_step_to_the_deadline_is_exact():
    # T = 1: P = Q(ln(2000 / 1000) / 0.5) = Q(1.386294) = 0.082828 (0.5 erfc(1.386294 / sqrt 2))
    scale = np.array([[900.0], [1000.0]])  # base year 900 < 2000, then 1000
    offset = np.zeros((2, 1))
    got = reached_by(scale, offset, 2000.0, ShockLaw(np.array([0.5])), np.zeros((1, 1)))
    assert_allclose(got, [0.5 * math.erfc(math.log(2.0) / 0.5 / math.sqrt(2.0))], rtol=1e-7)


def test_certain_and_impossible_draws():
    scale = np.array([[10.0, 0.0, 10.0]] * 4)
    offset = np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 2500.0]])
    law = ShockLaw(np.array([0.3, 0.3, 0.0]))
    got = reached_by(scale, offset, 2000.0, law, np.zeros((3, 3)))
    # draw 2: no flows and no deal: never; draw 3: its deal alone passes 2000 in year 3
    assert got[1] == 0.0 and got[2] == 1.0
    assert 0.0 < got[0] < 1e-10  # 10 -> 2000 is 17.7 sd of a 3-year walk: Q(17.7/sqrt(3)) ~ 1e-24


def test_first_passage_matches_plain_paths():
    # a walk from 27 growing 5 %/yr, some draws with a deal of 300 from year 3, target 2,000 by
    # year 7 (about 0.14 %): the estimate against 1,000,000 plain paths within 4 combined SE,
    # and its error at 4,000 draws over ten times smaller than that of 4,000 plain draws
    rng = np.random.default_rng(11)
    draws, steps, sd = 4000, 7, 0.488
    years = np.arange(steps + 1)[:, np.newaxis]
    scale = 27 * 1.05**years * np.exp(rng.normal(0, 0.1, draws))
    offset = (rng.random(draws) < 0.3) * np.where(years >= 3, 300.0, 0.0)
    est = reached_by(
        scale, offset, 2000.0, ShockLaw(np.full(draws, sd)), rng.standard_normal((draws, steps))
    )
    hits = 0
    for _ in range(250):
        walk = np.cumsum(sd * rng.standard_normal((steps, draws)), axis=0)
        level = np.vstack([np.zeros((1, draws)), walk])
        hits += int(((scale * np.exp(level) + offset) >= 2000.0).any(axis=0).sum())
    n = 250 * draws
    plain = hits / n
    se = math.hypot(est.std(ddof=1) / math.sqrt(draws), math.sqrt(plain * (1 - plain) / n))
    assert abs(est.mean() - plain) < 4 * se
    assert est.std(ddof=1) / math.sqrt(draws) < math.sqrt(plain * (1 - plain) / draws) / 10


def test_transitory_variance_by_hand():
    # RW 0.3 and AR(1) 0.2 with rho 0.5 after 3 years: 0.09 * 3 + 0.04 (1 - 0.5^6) / (1 - 0.25)
    law = ShockLaw(np.array([0.3]), np.array([0.2]), np.array([0.5]))
    assert_allclose(law.variance(3), [0.27 + 0.04 * (1 - 0.015625) / 0.75], rtol=1e-12)
    with pytest.raises(ValueError, match="internal: a transitory shock law needs"):
        reached_by(np.ones((3, 1)), np.zeros((3, 1)), 2.0, law, np.zeros((1, 2)))


def test_first_passage_with_a_transitory_component_matches_plain_paths():
    # log level = 0.3 * random walk + 0.4 * AR(1) with rho 0.6 (u_0 = 0), trend 27 * 1.05^t,
    # target 300 by year 6: against 1,000,000 plain paths within 4 combined SE
    rng = np.random.default_rng(5)
    draws, steps, sp, st, rho = 4000, 6, 0.3, 0.4, 0.6
    years = np.arange(steps + 1)[:, np.newaxis]
    scale = 27 * 1.05**years * np.ones(draws)
    offset = np.zeros_like(scale)
    law = ShockLaw(np.full(draws, sp), np.full(draws, st), np.full(draws, rho))
    normals = [rng.standard_normal((draws, steps)) for _ in range(2)]
    est = reached_by(scale, offset, 300.0, law, normals[0], normals[1])
    hits = 0
    for _ in range(250):
        walk = np.cumsum(rng.standard_normal((steps, draws)), axis=0)
        e, u, fade = rng.standard_normal((steps, draws)), np.zeros(draws), []
        for y in range(steps):
            u = rho * u + e[y]
            fade.append(u)
        level = np.vstack([np.zeros((1, draws)), sp * walk + st * np.array(fade)])
        hits += int((scale * np.exp(level) >= 300.0).any(axis=0).sum())
    n = 250 * draws
    plain = hits / n
    se = math.hypot(est.std(ddof=1) / math.sqrt(draws), math.sqrt(plain * (1 - plain) / n))
    assert 1e-3 < plain < 0.05  # a tail, about 1.3 %
    assert abs(est.mean() - plain) < 4 * se


@pytest.mark.parametrize(
    ("p", "se", "draws", "expected"),
    [
        (0.00126, 0.000034, 2000, (0.00126, None)),  # se is 2.7 % of p: quoted
        (0.0004, 0.0003, 2000, (None, 0.002)),  # se over p / 5: 0.0004 + 3 * 0.0003 -> 0.002
        (0.0, 0.0, 2000, (None, 0.002)),  # none reached: 3 / 2000 = 0.0015 -> 0.002
        (3e-6, 1e-8, 2000, (None, 1e-5)),  # converged but under 0.001 %: a bound
    ],
)
def test_quote_or_bound(p, se, draws, expected):
    assert quote(p, se, draws) == expected


# --- through the CLI ------------------------------------------------------------------------


def test_project_odds_name_their_centre_and_their_source():
    doc = run_json("project", str(ROOT / "scenarios/base.yaml"), "-f", "json")
    odds = doc["odds"]
    assert odds["central_path_at_by_year_usd_m"] == doc["target"]["measure_at_by_year_usd_m"]
    assert odds["probability_se"] < odds["probability_by_year"] / 5
    assert odds["probability_below"] is None
    assert odds["attribution_text"].startswith("mostly from the shocks")
    # the shocks alone are most of it: the base case's deals add at most a few US$ m
    assert odds["probability_shocks_only"] > odds["probability_by_year"] / 2
    # no draw comes within half of the target without the shocks: that part is none (0, no
    # bound), not a rule-of-three bound that would suggest a contribution (issue 26, item 6)
    assert (
        odds["probability_without_shocks"] == 0.0
        and odds["probability_without_shocks_below"] is None
    )
    assert "none with the deals and levers alone" in odds["attribution_text"]
    table = runner.invoke(app, ["project", str(ROOT / "scenarios/base.yaml")]).stdout
    assert "central path" in table and "median" in table and " ± " in table


def test_same_seed_same_bytes():
    args = ["project", str(ROOT / "scenarios/official-count.yaml"), "-f", "json"]
    assert runner.invoke(app, args).stdout == runner.invoke(app, args).stdout


def test_compare_has_odds_and_ranks_by_them():
    files = [str(ROOT / f"scenarios/{n}.yaml") for n in ("base", "push-2030", "pta-tta-only")]
    doc = run_json("compare", *files, "-f", "json", "--rank", "odds")
    chances = [s["odds"]["probability_by_year"] for s in doc["scenarios"]]
    assert chances == sorted(chances, reverse=True)
    assert doc["best_odds"] == doc["scenarios"][0]["name"] == "Push to 2030"
    plain = run_json("compare", *files, "-f", "json")
    assert [s["path"] for s in plain["scenarios"]] == files  # no --rank: the order given
    table = runner.invoke(app, ["compare", *files]).stdout
    assert "P(by deadline)" in table and "Median at deadline" in table


@pytest.fixture(scope="module")
def converged():
    """`project`'s odds and `simulate --draws 200000` of every shipped scenario, once."""
    out = {}
    for path in SHIPPED:
        full = str(ROOT / path)
        out[path] = (
            run_json("project", full, "-f", "json").get("odds"),
            run_json("simulate", full, "--draws", "200000", "-f", "json"),
        )
    return out


@pytest.mark.slow
@pytest.mark.parametrize("path", SHIPPED)
def test_odds_agree_with_200000_plain_draws(converged, path):
    odds, sim = converged[path]
    assert odds is not None, f"{path} has no uncertainty block"
    plain, plain_se = sim["target"]["probability_by_year"], sim["target"]["probability_se"]
    if odds["probability_by_year"] is None:
        assert plain < odds["probability_below"]
    else:
        combined = math.hypot(odds["probability_se"], plain_se)
        assert abs(odds["probability_by_year"] - plain) <= 3 * combined
    year = next(y for y in sim["years"] if y["year"] == sim["target"]["by_year"])
    for q in (10, 50, 90):
        assert odds[f"p{q}_at_by_year_usd_m"] == pytest.approx(year[f"p{q}_usd_m"], rel=0.05)


def test_every_shipped_scenario_is_checked():
    assert len(SHIPPED) >= 6 and all(Path(ROOT / p).exists() for p in SHIPPED)


def test_the_shock_sd_can_differ_per_draw():
    # the contract with the draws: Shocks.level_sd (D,) when present, else Risk.shock_sd
    from types import SimpleNamespace

    from tradecalc.engine.odds import shock_law
    from tradecalc.model.mixture import deadline_tail

    risk = SimpleNamespace(shock_sd=0.488)
    plain = SimpleNamespace(utilization=np.zeros(3))
    assert_allclose(shock_law(risk, plain).permanent_sd, [0.488] * 3)
    drawn = SimpleNamespace(utilization=np.zeros(2), level_sd=np.array([0.2, 0.6]))
    law = shock_law(risk, drawn)
    assert_allclose(law.permanent_sd, [0.2, 0.6])
    # each draw its own tail: Q(ln(2) / (0.2 sqrt 4)) and Q(ln(2) / (0.6 sqrt 4))
    got = deadline_tail(np.array([1.0, 1.0]), np.zeros(2), 2.0, law.variance(4))
    want = [0.5 * math.erfc(math.log(2) / (s * 2) / math.sqrt(2)) for s in (0.2, 0.6)]
    assert_allclose(got, want, rtol=1e-6)


def test_the_deadline_year_alone_is_its_exact_normal_tail(write):
    """P(the measure in 2030 >= target), beside "reached in some year up to 2030" (issue 26,
    item 6). The toy with a fixed shock sd of 0.3 and no other spread: every draw is the central
    path 24.3 x 1.05^7 + 2.7 = 36.892 times exp(L_2030), L_2030 ~ N(0, 0.3^2 x 7), so the
    deadline year's chance of 60 is P(Z >= ln(60 / 36.892) / (0.3 sqrt 7)), exactly, no error;
    reaching 60 in some year up to 2030 is at least as likely."""
    from tradecalc import load_scenario
    from tradecalc.engine.odds import scenario_odds

    toy = TOY.replace("value_usd_m: 2000", "value_usd_m: 60")
    path = write(toy + "uncertainty: {shock_sd: 0.3, assumption: toy}\n")
    odds = scenario_odds(load_scenario(path))
    central = 24.3 * 1.05**7 + 2.7
    expected = 0.5 * math.erfc(math.log(60 / central) / (0.3 * math.sqrt(7)) / math.sqrt(2))
    assert odds.in_deadline_year == pytest.approx(expected, rel=1e-6)
    assert odds.in_deadline_year_se < 1e-12
    assert odds.probability > odds.in_deadline_year
