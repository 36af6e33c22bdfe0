"""Fuzzing (issue 7): mutated shipped scenarios and random --set values give a result or a
ScenarioError, never another exception. Bounded to about 20 s in the normal run."""

from __future__ import annotations

import copy

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import SCENARIOS

from tradecalc import ScenarioError
from tradecalc.analysis.projecting import project
from tradecalc.scenario.pipeline import load_scenario

TEXTS = {p.name: p.read_text(encoding="utf-8") for p in SCENARIOS}
TREES = {name: yaml.safe_load(text) for name, text in TEXTS.items()}
FUZZ = settings(
    max_examples=400,
    deadline=None,
    derandomize=True,  # the same examples every run: a failure reproduces
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,  # only a chdir, the same for every example
    ],
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["2024-02-30", "!!bool maybe", "", "pak_to_aze", "1e308", "-0", "2030"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def paths(node, prefix=()):
    """Every path into a plain YAML tree."""
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from paths(value, (*prefix, i))


def run(text: str, overrides=()) -> None:
    """Load and project: a result or a ScenarioError, nothing else."""
    try:
        scenario = load_scenario("-", text, overrides)
        project(scenario).to_dict()
    except ScenarioError as error:
        assert error.problems and all(str(p) for p in error.problems)


@FUZZ
@given(data=st.data())
def test_mutated_shipped_scenarios(data, in_scenarios):
    name = data.draw(st.sampled_from(sorted(TREES)))
    tree = copy.deepcopy(TREES[name])
    for _ in range(data.draw(st.integers(1, 3))):
        where = data.draw(st.sampled_from(list(paths(tree))[1:]))
        parent = tree
        for part in where[:-1]:
            parent = parent[part]
        action = data.draw(st.sampled_from(["replace", "delete", "duplicate"]))
        if action == "delete":
            del parent[where[-1]]
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[where[-1]]))
        else:
            parent[where[-1]] = data.draw(values)
        if not isinstance(tree, dict) or not tree:
            break
    run(yaml.safe_dump(tree, allow_unicode=True))


@FUZZ
@given(
    key=st.sampled_from(
        [
            "pta.utilization",
            "deals.0.probability",
            "deals.PSO-SOCAR refined products.value_usd_m",
            "baseline.flows.0.growth",
            "horizon",
            "target.by_year",
            "name",
            "tta.per_day",
            "deals",
            "uncertainty.utilization.low",
            "deals.\u00b2.probability",
        ]
    )
    | st.text(min_size=1, max_size=20),
    value=st.sampled_from(
        ["!!bool maybe", '!!int ""', '!!float ""', "!!timestamp x", "[1, [2]]", "{a: 1}", "&a [*a]"]
    )
    | st.text(max_size=30),
)
def test_random_set_values(key, value, in_scenarios):
    run(TEXTS["base.yaml"], [f"{key}={value}"])
