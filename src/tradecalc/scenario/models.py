"""Scenario file models (pydantic v2): the contract of docs/scenario-format.md, version 2.

Why two classes: :meth:`Scenario.replace` validates a changed copy like a file, and the
validation needs the rules, which read a scenario. So the fields live in
:class:`~tradecalc.scenario.sections.ScenarioFields`, which the rules and the validation name,
and the validation takes the model to build as a parameter; ``Scenario`` adds only ``replace``
on top, and the pipeline above passes ``Scenario`` for every file it reads. Within
:mod:`tradecalc.scenario` imports then run one way, lowest first::

    yamlread, terms -> sections -> rules, lines -> validation -> models -> overrides -> pipeline

(``starter`` needs only ``terms``; ``schema`` only this module. ``replace`` imports the
validation when called, so importing the models alone loads no YAML reading.) The
section models and field types are imported from :mod:`~tradecalc.scenario.sections` and
:mod:`~tradecalc.scenario.terms`, where they are defined.
"""

from __future__ import annotations

from tradecalc.scenario.sections import ScenarioFields
from tradecalc.scenario.terms import is_model

__all__ = ["Scenario"]


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
