"""Scenario file models (pydantic v2): the contract of docs/scenario-format.md, version 2.

Why two classes: :meth:`Scenario.replace` validates a changed copy like a file, and the
validation needs the rules, which read a scenario. So the fields live in
:class:`~tradecalc.scenario.sections.ScenarioFields`, which the rules and the validation name,
and the validation takes the model to build as a parameter; ``Scenario`` adds only ``replace``
on top, and the pipeline above passes ``Scenario`` for every file it reads. Within
:mod:`tradecalc.scenario` imports then run one way, lowest first::

    yamlread, terms -> sections -> rules, lines -> validation -> models -> overrides -> pipeline

(``starter`` needs only ``terms``; ``schema`` only this module. ``replace`` imports the
validation when called, so importing the models alone loads no YAML reading.) The other
public names here are re-exported from :mod:`~tradecalc.scenario.terms` and
:mod:`~tradecalc.scenario.sections`, where they are defined.
"""

from __future__ import annotations

from tradecalc.scenario.sections import (
    Baseline,
    Deal,
    Economy,
    Elasticities,
    Flow,
    HistoryEntry,
    Pta,
    PtaLine,
    ScenarioFields,
    Source,
    TariffChange,
    TariffElasticities,
    Tta,
    Uncertainty,
    UtilizationRange,
    must_be_sourced,
    provenance_items,
)
from tradecalc.scenario.terms import (
    CATEGORIES,
    CATEGORY_MEANING,
    CODE_PATTERN,
    CUSTOMS_CATEGORIES,
    DEFAULT_COUNTS,
    DEFAULT_ECONOMIES,
    DEFAULT_THETA,
    DEFAULT_UTILIZATION,
    DIRECTION_PATTERN,
    Category,
    Code,
    Days,
    Direction,
    Fraction,
    Growth,
    Loc,
    Money,
    Response,
    Tariff,
    Text,
    Theta,
    Year,
    did_you_mean,
    direction_name,
    dotted,
    is_model,
    iso_name,
    model_in,
    yearly_log_changes,
)

__all__ = [
    "CATEGORIES",
    "CATEGORY_MEANING",
    "CODE_PATTERN",
    "CUSTOMS_CATEGORIES",
    "DEFAULT_COUNTS",
    "DEFAULT_ECONOMIES",
    "DEFAULT_THETA",
    "DEFAULT_UTILIZATION",
    "DIRECTION_PATTERN",
    "Baseline",
    "Category",
    "Code",
    "Days",
    "Deal",
    "Direction",
    "Economy",
    "Elasticities",
    "Flow",
    "Fraction",
    "Growth",
    "HistoryEntry",
    "Loc",
    "Money",
    "Pta",
    "PtaLine",
    "Response",
    "Scenario",
    "ScenarioFields",
    "Source",
    "Tariff",
    "TariffChange",
    "TariffElasticities",
    "Text",
    "Theta",
    "Tta",
    "Uncertainty",
    "UtilizationRange",
    "Year",
    "did_you_mean",
    "direction_name",
    "dotted",
    "is_model",
    "iso_name",
    "model_in",
    "must_be_sourced",
    "provenance_items",
    "yearly_log_changes",
]


class Scenario(ScenarioFields):
    """A whole scenario file, after `extends:` has been resolved."""

    def replace(self, **changes) -> Scenario:
        """A copy with top-level fields changed, validated like a file (unlike ``model_copy``).

        ``s.replace(deal_value_scale=0.5)``; nested values as mappings or models, e.g.
        ``s.replace(pta={**s.pta.model_dump(), "utilization": 0.9})``. Raises ScenarioError.
        """
        # imported here, downward, so that importing the models does not load YAML reading
        from tradecalc.scenario.validation import validated
        from tradecalc.scenario.yamlread import Doc

        data = {**self.model_dump(exclude_unset=True), **changes}
        data = {
            k: v.model_dump(exclude_unset=True) if is_model(type(v)) else v for k, v in data.items()
        }
        return validated(Scenario, Doc(data, here=("Scenario.replace", None)), "Scenario.replace")
