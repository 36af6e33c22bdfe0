"""The documentation agrees with the model: methods.md's tariff table (issue 20, item 15)."""

from __future__ import annotations

import pytest
from tests.conftest import ROOT


def test_methods_tariff_table_labels_theta_and_the_exponent_apart():
    text = (ROOT / "docs" / "methods.md").read_text(encoding="utf-8")
    header = "| change | trade elasticity `theta` | tariff exponent `epsilon = theta + 1` | trade |"
    assert header in text
    rows = text.split(header)[1].split("\n\n")[0].splitlines()[2:]
    assert len(rows) == 5
    for row in rows:
        change, theta, epsilon, trade = (c.strip() for c in row.strip("|").split("|"))
        assert float(epsilon) == pytest.approx(float(theta) + 1)
        before, after = (float(t.split("%")[0]) / 100 for t in change.split("->"))
        # trade = ((1 + after) / (1 + before)) ** -epsilon - 1, to the table's 0.1 point
        expected = ((1 + after) / (1 + before)) ** -float(epsilon) - 1
        assert float(trade.replace("%", "").replace("+", "")) == pytest.approx(
            100 * expected, abs=0.05
        )
