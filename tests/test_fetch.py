"""`tradecalc fetch --from-file`: saved Comtrade answers (JSON and CSV) -> a data file.

The fixtures (tests/fixtures/comtrade/, written by make_fixtures.py) hold MADE-UP values in the
API's real 47-field shape; every expected number below is a hand sum of those values.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
import yaml
from tests.helpers import fixture
from typer.testing import CliRunner

from tradecalc.cli.commands import app
from tradecalc.ingest.codes import EXCEPTIONS, comtrade_code, iso3_of
from tradecalc.ingest.records import MIRROR_THRESHOLD
from tradecalc.scenario.datafile_model import DataFile
from tradecalc.scenario.datafile_reader import read_data_file

FIXTURES = Path(__file__).parent / "fixtures" / "comtrade"
runner = CliRunner()


def fetch(*args: str):
    return runner.invoke(app, ["fetch", *args])


def data_of(result) -> dict:
    assert result.exit_code == 0, result.stderr
    doc = yaml.safe_load(result.stdout)
    DataFile.model_validate(doc)
    return doc


def history_of(doc: dict) -> dict:
    return {(h["reporter"], h["year"]): h for h in doc["history"]}


def primary_values(*names: str) -> dict:
    """(reporter ISO, year, flow) -> sum of primaryValue in the fixture files (US$)."""
    sums: dict = {}
    for name in names:
        for row in json.loads((FIXTURES / name).read_text())["data"]:
            key = (row["reporterISO"], row["refYear"], row["flowCode"])
            sums[key] = sums.get(key, 0.0) + row["primaryValue"]
    return sums


def test_history_is_the_sum_of_primary_values_per_reporter_and_year():
    doc = data_of(fetch("--economies", "PAK", "AZE", "--from-file", fixture("pak-aze.json")))
    history = history_of(doc)
    sums = primary_values("pak-aze.json")
    for (reporter, year), entry in history.items():
        other = "aze" if reporter == "PAK" else "pak"
        imports, exports = sums[(reporter, year, "M")], sums[(reporter, year, "X")]
        assert entry["total_usd_m"] == (imports + exports) / 1e6
        assert entry["by_direction"][f"{other}_to_{reporter.lower()}"] == imports / 1e6
        assert entry["by_direction"][f"{reporter.lower()}_to_{other}"] == exports / 1e6
        assert entry["period"] == "calendar"
    # hand-computed from the made-up rows: AZE 2019 imports 12.0 + exports 2.5
    assert history[("AZE", 2019)]["total_usd_m"] == 14.5
    assert history[("AZE", 2019)]["by_direction"] == {"pak_to_aze": 12.0, "aze_to_pak": 2.5}


def test_absence_is_not_zero_and_one_warning_lists_it():
    result = fetch("--economies", "PAK", "AZE", "--from-file", fixture("pak-aze.json"))
    history = history_of(data_of(result))
    # PAK reported nothing for 2021; AZE reported its 2021 imports but no exports
    assert ("PAK", 2021) not in history and ("AZE", 2021) not in history
    assert sorted(y for r, y in history if r == "AZE") == [2019, 2020, 2022, 2023]
    missing = [line for line in result.stderr.splitlines() if "absence is not zero" in line]
    assert missing == [  # the warning is named by its data source, the --from-file name
        f"{fixture('pak-aze.json')}: history: warning: not reported, so no history entry (absence is not zero): "
        "PAK 2021 (neither flow); AZE 2021 (no exports to PAK)"
    ]


def test_flags_are_carried():
    history = history_of(
        data_of(fetch("--economies", "PAK", "AZE", "--from-file", fixture("pak-aze.json")))
    )
    assert history[("PAK", 2023)]["is_reported"] is False  # the made-up M row is a UNSD aggregate
    assert history[("PAK", 2023)]["is_aggregate"] is True
    assert history[("AZE", 2023)]["is_reported"] is True


@pytest.mark.parametrize(
    "files",
    [
        ["pak-aze.csv"],
        ["pak-aze-aze.json", "pak-aze-pak.json"],
        ["pak-aze-pak.json", "pak-aze-aze.json"],
    ],
)
def test_csv_and_one_file_per_reporter_give_the_same_history(files):
    json_doc = data_of(fetch("--economies", "PAK", "AZE", "--from-file", fixture("pak-aze.json")))
    args = [a for f in files for a in ("--from-file", fixture(f))]
    other = data_of(fetch("--economies", "PAK", "AZE", *args))
    assert other["history"] == json_doc["history"]
    assert [s["id"] for s in other["sources"]] == [s["id"] for s in json_doc["sources"]]


def test_the_same_rows_twice_count_once():
    both = data_of(
        fetch(
            "--economies",
            "PAK",
            "AZE",
            "--from-file",
            fixture("pak-aze.json"),
            "--from-file",
            fixture("pak-aze.csv"),
        )
    )
    one = data_of(fetch("--economies", "PAK", "AZE", "--from-file", fixture("pak-aze.json")))
    assert both["history"] == one["history"]
    note = next(s for s in both["sources"] if s["id"] == "comtrade_aze_pak_total_2019_2023")["note"]
    # the rows are cited where they were first read; the same rows later add nothing
    assert "pak-aze.json (SHA-256 " in note and "pak-aze.csv" not in note


def test_sources_name_the_request_and_the_file_hash():
    import hashlib

    doc = data_of(fetch("--economies", "PAK", "AZE", "--from-file", fixture("pak-aze.json")))
    digest = hashlib.sha256((FIXTURES / "pak-aze.json").read_bytes()).hexdigest()
    ids = {s["id"]: s for s in doc["sources"]}
    assert set(ids) == {"comtrade_aze_pak_total_2019_2023", "comtrade_pak_aze_total_2019_2023"}
    assert f"pak-aze.json (SHA-256 {digest})" in ids["comtrade_pak_aze_total_2019_2023"]["note"]
    assert {h["source"] for h in doc["history"]} == set(ids)


def test_other_pair_in_the_other_order():
    result = fetch("--economies", "TUR", "AZE", "--from-file", fixture("tur-aze.json"))
    doc = data_of(result)
    history = history_of(doc)
    assert [e["code"] for e in doc["economies"]] == ["TUR", "AZE"]
    assert list(history[("TUR", 2020)]["by_direction"]) == ["tur_to_aze", "aze_to_tur"]
    # made up: TUR's 2020 exports 1,500 m, imports 300 m
    assert history[("TUR", 2020)]["by_direction"] == {"tur_to_aze": 1500.0, "aze_to_tur": 300.0}
    assert history[("AZE", 2020)]["by_direction"] == {"tur_to_aze": 1600.0, "aze_to_tur": 280.0}
    assert ("AZE", 2022) not in history and ("TUR", 2022) in history  # AZE did not report 2022
    assert "AZE 2022 (neither flow)" in result.stderr


def test_a_non_reporting_partner_gets_no_entries():
    result = fetch("--economies", "UZB", "TKM", "--from-file", fixture("uzb-tkm.json"))
    history = history_of(data_of(result))
    assert sorted(history) == [("UZB", 2022), ("UZB", 2023)]
    # TKM has no row in the file: not in the given file, not "not reported"
    assert result.stderr.splitlines() == [
        f"{fixture('uzb-tkm.json')}: history: warning: TKM's own figures are not in the given "
        "file(s), so UZB's alone make the history: add an answer with reporterCode=795&"
        "partnerCode=860 for the mirror"
    ]


def test_years_filter_the_file():
    doc = data_of(
        fetch(
            "--economies",
            "PAK",
            "AZE",
            "--years",
            "2022-2023",
            "--from-file",
            fixture("pak-aze.json"),
        )
    )
    assert sorted({h["year"] for h in doc["history"]}) == [2022, 2023]
    assert {s["id"] for s in doc["sources"]} == {
        "comtrade_aze_pak_total_2022_2023",
        "comtrade_pak_aze_total_2022_2023",
    }


def test_mirror_check_flags_gaps_beyond_the_threshold():
    result = fetch("--economies", "PAK", "AZE", "--from-file", fixture("pak-aze.json"))
    line = next(x for x in result.stderr.splitlines() if "mirror gap" in x)
    assert MIRROR_THRESHOLD == 0.25
    # made up: AZE's 2019 imports 12.0 against PAK's exports 4.0 (x3); aze_to_pak 2019:
    # PAK's imports 3.0 against AZE's exports 2.5 (x1.2, within 25 %) is not flagged
    assert "pak_to_aze 2019: AZE imports 12.0, PAK exports 4.0" in line
    assert "aze_to_pak 2019" not in line
    assert "aze_to_pak 2020: PAK imports 2.8, AZE exports 2.0" in line  # x1.375


def test_output_file_is_written_atomically_and_reads_back(tmp_path):
    out = tmp_path / "data.yaml"
    result = fetch(
        "--economies", "PAK", "AZE", "--from-file", fixture("pak-aze.json"), "-o", str(out)
    )
    assert result.exit_code == 0 and result.stdout == ""
    data, _tree = read_data_file(out)
    assert len(data.history) == 8
    assert out.read_text().startswith("# Data file written by `tradecalc fetch`")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--economies", "PAK", "XXX"], "--economies: 'XXX' is not an ISO 3166 alpha-3 code"),
        (["--economies", "PAK", "pak"], "--economies: give two different economy codes"),
        (
            ["--economies", "PAK", "AZE", "--years", "2023-2019"],
            "--years: 2023 is after 2019: give FIRST-LAST",
        ),
        (
            ["--economies", "PAK", "AZE", "--years", "1950-2019"],
            "--years: Comtrade's annual data run from 1962 to ",
        ),
        (
            ["--economies", "PAK", "AZE", "--years", "twenty"],
            "--years: expected FIRST-LAST such as 2000-2024, got 'twenty'",
        ),
    ],
)
def test_bad_arguments(args, message, tmp_path):
    out = tmp_path / "data.yaml"
    result = fetch(*args, "--from-file", fixture("pak-aze.json"), "-o", str(out))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(message) and len(result.stderr.splitlines()) == 1
    assert not out.exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "bad-truncated.json",
            "bad-truncated.json:226: not valid JSON (Expecting property name enclosed in double quotes): truncated or malformed?",
        ),
        (
            "bad-no-primary.csv",
            "bad-no-primary.csv:1: CSV lacks the column(s) primaryValue (primaryValue is required: cifvalue/fobvalue are not read instead)",
        ),
        (
            "bad-negative.json",
            "bad-negative.json:54: data.1.primaryValue: must be a finite value of 0 or more US$, got -2500000.0",
        ),
        (
            "bad-not-number.json",
            "bad-not-number.json:5: data.0.primaryValue: expected a number of US$, got '12,000,000'",
        ),
        (
            "empty.json",
            "empty.json: data: the file holds no rows: Comtrade answers so when nothing was "
            "reported and when a parameter is malformed; check the call's reporterCode, "
            "partnerCode, period and flowCode",
        ),
        ("no-such-file.json", "no-such-file.json: cannot read file: no such file"),
    ],
)
def test_bad_files_one_line_exit_2_nothing_written(name, message, tmp_path):
    out = tmp_path / "data.yaml"
    out.write_text("kept\n")
    result = fetch("--economies", "PAK", "AZE", "--from-file", fixture(name), "-o", str(out))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.strip().endswith(message)
    assert out.read_text() == "kept\n"


def test_csv_missing_columns_and_wrong_cells(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "refYear,reporterCode,partnerCode,flowCode,cmdCode,primaryValue\n2023,31,586,M,TOTAL,abc\n2023,31,586\n"
    )
    result = fetch("--economies", "PAK", "AZE", "--from-file", str(bad))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{bad}:2: primaryValue: expected a number of US$, got 'abc'",
        f"{bad}:3: 3 cells, the header has 6",
    ]
    lacking = tmp_path / "lacking.csv"
    lacking.write_text("reporterCode,flowCode,primaryValue\n31,M,1\n")
    result = fetch("--economies", "PAK", "AZE", "--from-file", str(lacking))
    assert result.stderr == f"{lacking}:1: CSV lacks the column(s) refYear, partnerCode, cmdCode\n"


def test_csv_text_reads_as_json_values(tmp_path):
    """`True` and `4` in a CSV are the JSON values true and 4 (here a minimal portal file)."""
    path = tmp_path / "portal.csv"
    path.write_text(
        "RefYear,ReporterCode,PartnerCode,FlowCode,CmdCode,PrimaryValue,IsReported,IsAggregate\n"
        "2023,31,586,M,TOTAL,4,True,False\n2023,31,586,X,TOTAL,1000000,True,False\n"
    )
    history = history_of(data_of(fetch("--economies", "PAK", "AZE", "--from-file", str(path))))
    assert history[("AZE", 2023)]["total_usd_m"] == (4 + 1_000_000) / 1e6
    assert history[("AZE", 2023)]["is_reported"] is True


def test_codes_table():
    # Comtrade's Reporters.json (June 2025): the five codes that differ from ISO numeric
    assert EXCEPTIONS == {"FRA": 251, "IND": 699, "NOR": 579, "CHE": 757, "USA": 842}
    assert (
        comtrade_code("PAK") == 586 and comtrade_code("AZE") == 31 and comtrade_code("TUR") == 792
    )
    assert iso3_of(699) == "IND" and iso3_of(356) == "IND" and iso3_of(840) is None


@pytest.mark.filterwarnings("ignore:A test tried to use socket")
def test_the_network_guard_is_on():
    with pytest.raises(Exception, match="socket"):
        socket.create_connection(("comtradeapi.un.org", 443), timeout=1)


def test_two_values_for_one_row_are_refused(tmp_path):
    doc = json.loads((FIXTURES / "pak-aze-aze.json").read_text())
    doc["data"][0]["primaryValue"] = 1.0  # made up: differs from the fixture's 12,000,000
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(doc))
    result = fetch(
        "--economies",
        "PAK",
        "AZE",
        "--from-file",
        fixture("pak-aze-aze.json"),
        "--from-file",
        str(changed),
    )
    assert result.exit_code == 2
    assert result.stderr == (  # changed.json is one line; the fixture's item 0 starts at line 5
        f"{changed}:1: data.0.primaryValue: 1.0 conflicts with 12000000.0 for the same reporter, "
        f"partner, year, flow and product in {fixture('pak-aze-aze.json')}:5 (data.0)\n"
    )


def test_an_answer_for_several_partners_gives_the_pair_and_counts_the_rest_aside():
    # pak-three-partners.json: one call for PAK's trade with AZE, UZB and TUR and the world
    # (made up); --economies PAK UZB reads PAK's rows with UZB and sets AZE's 8 aside
    path = fixture("pak-three-partners.json")
    result = fetch(
        "--economies", "PAK", "UZB", "--from-file", path, "--from-file", fixture("pak-uzb.json")
    )
    doc = data_of(result)
    rows = json.loads(Path(path).read_text())["data"]
    pak_uzb = [r for r in rows if r["reporterCode"] == 586 and r["partnerCode"] == 860]
    for year in range(2019, 2024):
        expected = sum(r["primaryValue"] for r in pak_uzb if r["refYear"] == year) / 1e6
        assert history_of(doc)[("PAK", year)]["total_usd_m"] == pytest.approx(expected, rel=1e-15)
    assert history_of(doc)[("PAK", 2019)]["total_usd_m"] == 70.0  # hand sum: 40 + 30
    aside = [line for line in result.stderr.splitlines() if "set aside" in line]
    assert aside == [
        f"{path}, {fixture('pak-uzb.json')}: warning: set aside 8 rows with other partners "
        "(AZE 8): only the trade of PAK and UZB with each other is read"
    ]


def test_world_rows_in_a_total_answer_are_kept_as_each_sides_trade_with_the_world():
    result = fetch("--economies", "PAK", "UZB", "--from-file", fixture("pak-three-partners.json"))
    world = data_of(result)["world_totals"]
    # PAK's made-up world rows: 2019 imports US$ 50,000 m, exports 25,000 m; none summed into history
    assert {(w["year"], w["flow"]): w["value_usd_m"] for w in world}[(2019, "M")] == 50_000.0
    assert {w["partner"] for w in world} == {"WLD"} and len(world) == 10
    assert history_of(data_of(result))[("PAK", 2019)]["total_usd_m"] == 70.0
