"""Review of `tradecalc fetch` (issue 17): bad input is one line and exit 2, never a
traceback or a row dropped without a word; `init --from-file` picks its baseline reporter on a
stated ground; `validate` knows a data file.

Fixtures: tests/fixtures/comtrade/ (MADE-UP values in the API's real shape); the rows changed
below are changed by hand, with made-up values too.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.helpers import fixture, init_from, run
from tests.test_fetch_network import pair_answers, replay  # noqa: F401  (a fixture)
from typer.testing import CliRunner

from tradecalc.cli.commands import app

FIXTURES = Path(__file__).parent / "fixtures" / "comtrade"
runner = CliRunner()


def one_line_exit_2(result, expected: str) -> None:
    assert result.exit_code == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert result.stderr == expected + "\n"


def changed(tmp_path, name: str, index: int, **fields) -> Path:
    """A copy of a fixture with row ``index`` changed (made-up values)."""
    doc = json.loads((FIXTURES / name).read_text())
    doc["data"][index].update(fields)
    path = tmp_path / f"changed-{name}"
    path.write_text(json.dumps(doc, indent=4))
    return path


def line_of_item(path: Path, index: int) -> int:
    """The line where item ``index`` of ``data`` starts (json.dumps with indent=4: each item
    opens with a line of 8 spaces and ``{``)."""
    starts = [n for n, text in enumerate(path.read_text().splitlines(), 1) if text == "        {"]
    return starts[index]


# 1. a directory as --from-file


@pytest.mark.parametrize("command", ["fetch", "init"])
def test_a_directory_is_one_line_not_a_traceback(command, tmp_path):
    extra = ["--target", "2000", "--by", "2030", "-o", str(tmp_path / "s.yaml")]
    args = [command, "--economies", "PAK", "AZE", "--from-file", str(tmp_path)]
    result = run(*args, *(extra if command == "init" else []))
    # worded as scenario reading words it (scenario/yamlread.read_text)
    one_line_exit_2(result, f"{tmp_path}: cannot read file: is a directory")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc (Linux)")
def test_a_directory_leaves_no_descriptor_open(tmp_path):
    from tradecalc.core.errors import ScenarioError
    from tradecalc.ingest.responses import read_response_file

    before = len(list(Path("/proc/self/fd").iterdir()))
    for _ in range(20):
        with pytest.raises(ScenarioError, match="is a directory"):
            read_response_file(tmp_path, str(tmp_path))
    assert len(list(Path("/proc/self/fd").iterdir())) == before


# 2. a value beyond any trade flow


@pytest.mark.parametrize("value", [1e15, 1e300])
def test_a_value_beyond_the_bound_is_refused_at_its_line(value, tmp_path):
    path = changed(tmp_path, "pak-aze.json", 3, primaryValue=value)
    result = run("fetch", "--economies", "PAK", "AZE", "--from-file", str(path))
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{path}:{line_of_item(path, 3)}: data.3.primaryValue: ")
    assert "more than any trade flow" in result.stderr
    assert len(result.stderr.splitlines()) == 1


# 4. -o takes YAML names only, with its own help


@pytest.mark.parametrize("name", ["x.xlsx", "x.json", "x.csv", "x"])
def test_output_must_be_yaml(name, tmp_path):
    out = tmp_path / name
    result = run(
        "fetch", "--economies", "PAK", "AZE", "--from-file", fixture("pak-aze.json"), "-o", str(out)
    )
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("--output: fetch writes a YAML data file: name it .yaml")
    assert len(result.stderr.splitlines()) == 1
    assert not out.exists()


@pytest.mark.parametrize("name", ["x.yaml", "x.YML"])
def test_output_yaml_names_are_written(name, tmp_path):
    out = tmp_path / name
    result = run(
        "fetch", "--economies", "PAK", "AZE", "--from-file", fixture("pak-aze.json"), "-o", str(out)
    )
    assert result.exit_code == 0, result.stderr
    assert out.read_text().startswith("# Data file written by `tradecalc fetch`")


def test_fetch_output_help_is_its_own():
    text = " ".join(run("fetch", "--help").stdout.split())
    assert "Write the YAML data file to FILE (.yaml or .yml" in text
    own = text.split("-o, --output FILE")[1].split("--help")[0]
    assert "-f" not in own and "suffix sets the format" not in own  # fetch has no -f


# 5. a row the reader cannot use is an error, never dropped


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"cmdCode": "99"}, "data.2.cmdCode: hs2 row '99' where total rows are read: give "),
        # the control character is escaped, never echoed raw
        ({"flowCode": "RX\x07"}, "data.2.flowCode: only M (imports) and X (exports) make the "),
        ({"flowCode": "RX"}, "data.2.flowCode: only M (imports) and X (exports) make the "),
        ({"motCode": 1}, "data.2.motCode: only totals are read (motCode 0), got 1"),
        # Comtrade's code 4 is Afghanistan, not PAK
        ({"partnerCode": 4}, "data.2.partnerISO: 'PAK' is not partnerCode 4 (that is AFG)"),
    ],
    ids=["hs2-in-total", "control-flow", "re-exports", "breakdown", "iso-vs-code"],
)
def test_an_unusable_total_row_is_one_line_at_its_line(fields, expected, tmp_path):
    path = changed(tmp_path, "pak-aze.json", 2, **fields)
    result = run("fetch", "--economies", "PAK", "AZE", "--from-file", str(path))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"{path}:{line_of_item(path, 2)}: {expected}")
    assert len(result.stderr.splitlines()) == 1
    assert "\x07" not in result.stderr
    if "\x07" in fields.get("flowCode", ""):
        assert "'RX\\x07'" in result.stderr


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"reporterISO": "XYZ", "reporterCode": 999},
            "data.0.reporterCode: a row of XYZ, neither PAK nor AZE",
        ),
        (
            {"cmdCode": "1001"},
            "data.0.cmdCode: hs4 row '1001' where hs2 rows are read: give --detail hs4 or leave",
        ),
    ],
    ids=["foreign-reporter", "hs4-in-hs2"],
)
def test_an_unusable_product_row_is_one_line(fields, expected, tmp_path):
    path = changed(tmp_path, "pak-aze-hs2-2023.json", 0, **fields)
    result = run(
        "fetch",
        "--economies",
        "PAK",
        "AZE",
        "--detail",
        "hs2",
        "--from-file",
        fixture("pak-aze.json"),
        "--from-file",
        str(path),
    )
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == f"{path}:{line_of_item(path, 0)}: {expected}" + (
        "\n" if fields.get("cmdCode") is None else " it out\n"
    )


def test_other_reporters_world_rows_need_world(tmp_path):
    args = ["fetch", "--economies", "PAK", "AZE", "--detail", "hs2"]
    files = ["pak-aze.json", "pak-aze-hs2-2023.json", "world-hs2-2023.json"]
    args += [a for f in files for a in ("--from-file", fixture(f))]
    result = run(*args)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 6  # three reporters' rows: DEU's and USA's are not PAK's or AZE's
    assert lines[0] == (
        f"{fixture('world-hs2-2023.json')}:5: data.0.reporterCode: a row of DEU, neither PAK "
        "nor AZE (give --world to read every reporter's exports to the world)"
    )
    assert run(*args, "--world").exit_code == 0


# 7. messages


def test_a_conflicting_duplicate_names_both_lines(tmp_path):
    path = changed(tmp_path, "pak-aze-aze.json", 1, primaryValue=1.0)  # made up
    result = run(
        "fetch",
        "--economies",
        "PAK",
        "AZE",
        "--from-file",
        fixture("pak-aze-aze.json"),
        "--from-file",
        str(path),
    )
    assert result.exit_code == 2
    # the fixture is written with indent=4: item 1 starts at line 54 (hand count: 5 + 49)
    assert result.stderr.startswith(f"{path}:{line_of_item(path, 1)}: data.1.primaryValue: 1.0 ")
    assert result.stderr.endswith(f"in {fixture('pak-aze-aze.json')}:54 (data.1)\n")


@pytest.mark.parametrize("command", ["fetch", "init"])
def test_economies_with_one_code_says_so(command):
    extra = ["--target", "2000", "--by", "2030"] if command == "init" else []
    result = run(command, "--economies", "PAK", "--from-file", fixture("pak-aze.json"), *extra)
    one_line_exit_2(result, "--economies: give two economy codes, e.g. --economies PAK AZE")


@pytest.mark.parametrize("text", ["", "\n\n", "  \n"])
def test_an_empty_json_file_says_it_is_empty(text, tmp_path):
    path = tmp_path / "empty.json"
    path.write_text(text)
    result = run("fetch", "--economies", "PAK", "AZE", "--from-file", str(path))
    one_line_exit_2(result, f"{path}:1: empty file: expected a JSON answer or a CSV download")


def test_a_json_file_that_is_not_json_says_so(tmp_path):
    path = tmp_path / "answer.json"
    path.write_text("refYear,reporterCode\n")
    result = run("fetch", "--economies", "PAK", "AZE", "--from-file", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}:1: not valid JSON (")
    assert "CSV" not in result.stderr


def test_warnings_are_named_by_their_data_source(tmp_path):
    result = run("fetch", "--economies", "PAK", "AZE", "--from-file", fixture("pak-aze.json"))
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert len(lines) == 2  # what is missing; the mirror gaps
    assert all(x.startswith(f"{fixture('pak-aze.json')}: history: warning: ") for x in lines)
    assert "fetch: " not in result.stderr


# 6. validate knows a data file


# 3. init --from-file: the baseline reporter on a stated ground, not the order of --economies


def test_an_entry_not_reported_by_the_country_is_not_labelled_customs(tmp_path):
    result, out = init_from(tmp_path, ("PAK", "AZE"), "pak-aze.json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(run("project", str(out), "-f", "json").stdout)
    labels = {(h["reporter"], h["year"]): h["label"] for h in doc["history"]}
    # made up: PAK's 2023 imports are a UNSD aggregate (isReported false, isAggregate true)
    assert labels[("PAK", 2023)] == "mirror (PAK, UNSD aggregate, not as reported)"
    assert labels[("PAK", 2022)] == "mirror (PAK customs)"  # the other labels are unchanged
    assert labels[("AZE", 2023)] == "observed (AZE customs)"


def test_not_reported_and_not_an_aggregate_is_labelled_too():
    from types import SimpleNamespace

    from tradecalc.scenario.record import observed_label

    s = SimpleNamespace(reporter="PAK")
    entry = SimpleNamespace(reporter="PAK", period="calendar", months=None, is_reported=False)
    assert observed_label(s, entry) == "observed (PAK, not as reported)"
    entry.is_reported = True
    assert observed_label(s, entry) == "observed (PAK customs)"


def test_network_warnings_are_named_by_the_file_written(replay):  # noqa: F811
    """The network path (replayed, no socket): FILE is the data file written, `-` for stdout."""
    for out, name in (("pak-aze-data.yaml", "pak-aze-data.yaml"), (None, "-")):
        replay.answers = pair_answers()  # answered again: the cache has them after the first
        args = ["fetch", "--economies", "PAK", "AZE", "--years", "2019-2023"]
        result = run(*args, *(["-o", out] if out else []))
        assert result.exit_code == 0, result.stderr
        lines = result.stderr.splitlines()
        assert len(lines) == 2
        assert all(x.startswith(f"{name}: history: warning: ") for x in lines), lines


def test_the_network_path_without_the_comtrade_extra_is_one_line(monkeypatch):
    # an install without `[comtrade]`: urllib3 or platformdirs cannot be found
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "platformdirs" else real(name, *a),
    )
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["fetch", "--economies", "PAK", "AZE", "--years", "2020-2021"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "fetch: the network path needs platformdirs: pip install platformdirs (or pip install -e "
        "'.[comtrade]' from a checkout); --from-file reads saved answers without them\n"
    )


# messages with a way forward (saved files: exit 2, one line each)


def test_comtrades_own_error_is_echoed_with_its_status_never_a_key(tmp_path):
    path = tmp_path / "answer.json"
    key = "0123456789abcdef0123456789abcdef"  # made up, in a key's shape
    body = {"statusCode": 401, "message": f"Access denied due to invalid subscription key {key}."}
    path.write_text(json.dumps(body))
    result = run("fetch", "--economies", "PAK", "AZE", "--from-file", str(path))
    one_line_exit_2(
        result,
        f"{path}:1: statusCode: the file holds Comtrade's error 401, not data: Access denied due "
        "to invalid subscription key [key]. (check COMTRADE_API_KEY, a free key from "
        "comtradedeveloper.un.org, then fetch again)",
    )
    assert key not in result.stderr


def test_the_retired_apis_answer_is_named_with_what_to_download_instead(tmp_path):
    path = tmp_path / "old.json"  # the shape of comtrade.un.org/api/get (made-up content)
    path.write_text('{"validation": {"status": {"name": "Ok"}}, "dataset": [{"rtCode": 586}]}')
    result = run("fetch", "--economies", "PAK", "AZE", "--from-file", str(path))
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"{path}:1: dataset: an answer of the retired Comtrade API")
    assert "tradecalc fetch without --from-file" in result.stderr


def test_a_file_neither_json_nor_csv_says_so(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("my notes on Pakistan and Azerbaijan\nnothing tabular here\n")
    result = run("fetch", "--economies", "PAK", "AZE", "--from-file", str(path))
    one_line_exit_2(
        result,
        f"{path}:1: neither the API's JSON nor a CSV with a header row: save the answer of "
        "comtradeapi.un.org as JSON, or download a CSV from comtradeplus.un.org",
    )


def test_years_outside_the_file_name_the_files_years():
    result = run(
        "fetch",
        "--economies",
        "PAK",
        "AZE",
        "--years",
        "2010",
        "--from-file",
        fixture("pak-aze.json"),
    )
    one_line_exit_2(
        result,
        "--years: the file's years are 2019-2023, none of 2010: give --years within them, or a "
        "file with those years",
    )


def test_a_problem_repeated_on_many_rows_is_folded_after_a_few(tmp_path):
    doc = json.loads((FIXTURES / "pak-aze.json").read_text())
    first = doc["data"][0]
    doc["data"] = [dict(first, flowCode="RX", refYear=1900 + i % 300) for i in range(1206)]
    path = tmp_path / "many.json"
    path.write_text(json.dumps(doc))
    result = run("fetch", "--economies", "PAK", "AZE", "--from-file", str(path))
    assert result.exit_code == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 6 and all("got 'RX'" in line for line in lines[:5])
    assert lines[5] == f"{path}: data.N.flowCode: ... and 1,201 more rows like it"  # 1,206 - 5


def test_the_world_is_named_world_0_in_messages():
    from tradecalc.ingest.records import economy_label

    assert economy_label("WLD") == "World (0)"
    result = run(
        "fetch", "--economies", "PAK", "AZE", "--from-file", fixture("pak-three-partners.json")
    )
    assert result.exit_code == 0 and "WLD" not in result.stderr
