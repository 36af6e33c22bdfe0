"""A deal larger than the importer's whole market for its products warns, and fails --strict.

The market comes from examples/headroom/pak-aze-products.yaml: MADE-UP values, in which
Azerbaijan imports $400 m of pharmaceuticals (HS 30) from the world in 2023.
"""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tradecalc.cli.commands import app

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "examples" / "headroom" / "scenario.yaml"
PHARMA = (
    "deal 'Pharma supply' is 3,600.0 US$ m a year, more than AZE's whole market for it: AZE "
    "imported 400.0 US$ m of pharma products (HS 30) from the world in 2023 (products: rows)"
)


def scenario(tmp_path, value="3600", category="goods", sector="pharma", scale=None):
    text = SCENARIO.read_text(encoding="utf-8")
    text = text.replace(
        "extends: pak-aze-products.yaml", f"extends: {SCENARIO.parent}/pak-aze-products.yaml"
    )
    text = text.replace("value_usd_m: 30\n", f"value_usd_m: {value}\n    category: {category}\n")
    text = text.replace("    sector: pharma\n    value", f"    sector: {sector}\n    value")
    if scale is not None:
        text += f"deal_value_scale: {scale}\n"
    path = tmp_path / "deal.yaml"
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index(f"    value_usd_m: {value}") + 1
    return path, line


def run(*args):
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("command", [["project"], ["explain"], ["headroom"], ["validate"]])
def test_a_deal_above_its_market_warns_in_every_command_with_both_numbers(tmp_path, command):
    path, line = scenario(tmp_path)
    code, out, err = run(*command, path)
    assert code == 0 and (out or command == ["validate"])  # validate writes only to stderr
    assert f"{path}:{line}: deals.0.value_usd_m: warning: {PHARMA}\n" in err


def test_validate_strict_fails_on_it_naming_the_deal_and_both_numbers(tmp_path):
    path, line = scenario(tmp_path)
    code, out, err = run("validate", "--strict", path)
    assert (code, out) == (2, "")
    assert err == f"{path}:{line}: deals.0.value_usd_m: warning: {PHARMA}\n"


def test_the_deal_value_scale_counts(tmp_path):
    # 300 x 2 = 600 > 400: warns; 300 alone would not
    path, _ = scenario(tmp_path, value="300", scale=2)
    _, _, err = run("validate", path)
    assert "is 600.0 US$ m a year (x deal_value_scale 2), more than AZE's" in err


@pytest.mark.parametrize(
    ("value", "category", "sector"),
    [
        ("390", "goods", "pharma"),  # under the $400 m market
        ("3600", "services", "pharma"),  # services do not cross customs as goods
        ("3600", "goods", "construction"),  # no market rows for the sector in the data
    ],
)
def test_no_warning_when_the_market_bounds_it_or_there_is_none(tmp_path, value, category, sector):
    path, _ = scenario(tmp_path, value=value, category=category, sector=sector)
    code, _, err = run("validate", "--strict", path)
    assert (code, err) == (0, f"{path}: ok\n")


def test_a_sector_override_moves_products_into_the_deal_sector(tmp_path):
    # products.sectors maps cereals (HS 10, $250 m) to pharma: the market is 400 + 250 = 650
    path, _ = scenario(tmp_path, value="600")
    path.write_text(
        path.read_text(encoding="utf-8") + 'products:\n  sectors: {"10": pharma}\n',
        encoding="utf-8",
    )
    code, _, err = run("validate", path)
    assert (code, err) == (0, f"{path}: ok\n")
    path2, _ = scenario(tmp_path, value="700")
    path2.write_text(
        path2.read_text(encoding="utf-8") + 'products:\n  sectors: {"10": pharma}\n',
        encoding="utf-8",
    )
    _, _, err = run("validate", path2)
    assert "imported 650.0 US$ m of pharma products (HS 10, 30)" in err


def test_a_product_row_given_twice_is_refused_in_every_command(tmp_path):
    # made-up rows; the second pharma row repeats the first, so the market would read 800, not 400
    data = tmp_path / "d.yaml"
    data.write_text(
        "schema_version: 1\n"
        "economies: [{code: PAK}, {code: AZE}]\n"
        "products:\n"
        "  detail: hs2\n"
        "  rows:\n"
        "    - {year: 2023, reporter: AZE, partner: WLD, flow: M, product: '30', value_usd_m: 400.0}\n"
        "    - {year: 2023, reporter: AZE, partner: WLD, flow: M, product: '30', value_usd_m: 400.0}\n",
        encoding="utf-8",
    )
    # base.yaml's text with an `extends:` of the data file (a scenario extends one file)
    base = Path(__file__).resolve().parents[1] / "scenarios" / "base.yaml"
    text = base.read_text(encoding="utf-8")
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        text.replace("schema_version: 1\n", f"schema_version: 1\nextends: {data}\n", 1),
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["project", str(scenario)])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"{data}:7: products.rows.1: the same row as products.rows.0 (year, reporter, partner, "
        "flow and product): write each value once\n"
    )
