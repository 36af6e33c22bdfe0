"""Fuzzing (issue 7): mutated shipped scenarios and random --set values give a result or a
ScenarioError, never another exception. Bounded to about 20 s in the normal run."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import ROOT, SCENARIOS
from tests.helpers import UNSAFE

import tradecalc
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


@pytest.mark.slow
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


# Hardening, round 3 (issue 20, items 1-7 and 10): the newer commands meet the error contract.
# One test (or a few) per numbered item of the issue, named ``test_item_NN_...``. The contract:
# bad input is one ``FILE:LINE: path: message`` (or ``OPTION: message``) line per problem on
# stderr, exit 2, nothing on stdout, no traceback, no file replaced, no raw control character.


BASE = str(ROOT / "scenarios" / "base.yaml")


# the library's entry points (issue 20, item 7): fewer examples than the scenario fuzzers above
ENTRY_FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,  # the same examples every run: a failure reproduces
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
BASE_TREE = yaml.safe_load(Path(BASE).read_text(encoding="utf-8"))


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e-300, max_value=1e-300),  # subnormals and signed zeros
    st.text(max_size=20),
    st.binary(max_size=8),
    st.dates(),
    st.sampled_from(["from_history", "pak_to_aze", "PAK", "all", "goods", "2030", "1e308"]),
    st.builds(object),
)


KEYS = st.one_of(st.sampled_from(sorted(BASE_TREE)), st.text(max_size=8), st.integers(), st.none())


VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.tuples(inner, inner),
        st.dictionaries(st.one_of(st.text(max_size=8), st.integers()), inner, max_size=3),
    ),
    max_leaves=8,
)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*prefix, i))


BASE_PATHS = [p for p in _paths(BASE_TREE) if p]


def _replaced(tree, path, value):
    """A deep copy of ``tree`` with the value at ``path`` replaced."""
    import copy

    tree = copy.deepcopy(tree)
    node = tree
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return tree


def _only_scenario_errors(call) -> None:
    """``call()`` gives a result or a ScenarioError (one line per problem), nothing else."""
    try:
        call()
    except tradecalc.ScenarioError as error:
        assert error.problems
        for problem in error.problems:
            assert "\n" not in str(problem) and not UNSAFE.search(str(problem))


@ENTRY_FUZZ
@given(st.dictionaries(KEYS, VALUES, max_size=6))
def test_project_an_arbitrary_mapping(mapping):
    _only_scenario_errors(lambda: tradecalc.project(mapping).to_dict())


@ENTRY_FUZZ
@given(st.sampled_from(BASE_PATHS), VALUES)
def test_project_the_base_mapping_with_one_value_changed(path, value):
    _only_scenario_errors(lambda: tradecalc.project(_replaced(BASE_TREE, path, value)).rows())


LOADED = tradecalc.load_scenario(BASE)


FIELDS = sorted(type(LOADED).model_fields)


@ENTRY_FUZZ
@given(st.dictionaries(st.sampled_from(FIELDS), VALUES, min_size=1, max_size=3))
def test_scenario_replace_with_arbitrary_values(changes):
    _only_scenario_errors(lambda: tradecalc.project(LOADED.replace(**changes)).measure)


@ENTRY_FUZZ
@given(st.sampled_from([p for p in BASE_PATHS if len(p) > 1]), VALUES)
def test_scenario_replace_with_a_nested_value_changed(path, value):
    field = path[0]
    section = _replaced(BASE_TREE, path, value)[field]
    _only_scenario_errors(lambda: tradecalc.project(LOADED.replace(**{field: section})).total)
