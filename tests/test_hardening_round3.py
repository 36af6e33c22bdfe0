"""Hardening, round 3 (issue 20, items 1-7 and 10): the newer commands meet the error contract.

One test (or a few) per numbered item of the issue, named ``test_item_NN_...``. The contract:
bad input is one ``FILE:LINE: path: message`` (or ``OPTION: message``) line per problem on
stderr, exit 2, nothing on stdout, no traceback, no file replaced, no raw control character.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import ROOT
from typer.testing import CliRunner

import tradecalc
from tradecalc.cli.commands import app

runner = CliRunner()
BASE = str(ROOT / "scenarios" / "base.yaml")
TRADECALC = [sys.executable, "-m", "tradecalc"]
INIT = ["init", "--economies", "PAK", "UZB", "--target", "2000", "--by", "2030"]
COMTRADE = ROOT / "tests" / "fixtures" / "comtrade"  # MADE-UP values in the API's real shape
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def invoke(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


def assert_refused(result, *lines: str) -> None:
    """Exit 2, empty stdout, exactly ``lines`` on stderr (no traceback)."""
    assert result.exit_code == 2, (result.exit_code, result.stderr, result.exception)
    assert result.stdout == ""
    assert result.stderr.splitlines() == list(lines)


# --- 1. init checks its options with the scenario's own rules ---------------------------------


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--target", "inf"], "--target: input should be a finite number, got inf"),
        (
            ["--target", "1e300"],
            "--target: input should be less than or equal to 1000000000, got 1e+300",
        ),
        (["--by", "99999"], "--by: input should be less than or equal to 2200, got 99999"),
        (["--by", "1800"], "--by: input should be greater than or equal to 1900, got 1800"),
        (
            ["--base-year", "1000"],
            "--base-year: input should be greater than or equal to 1900, got 1000",
        ),
        (["--target", "nan"], "--target: must be above 0 (US$ million)"),
    ],
)
def test_item_01_init_options_follow_the_scenario_rules(tmp_path, args, line):
    out = tmp_path / "s.yaml"
    # the later option wins in click, so the bad value replaces the good one in INIT
    result = invoke(*INIT, *args, "-o", str(out))
    assert_refused(result, line)
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--target", "inf"], "--target: input should be a finite number, got inf"),
        (["--by", "99999"], "--by: input should be less than or equal to 2200, got 99999"),
        (["--by", "2200"], "--by: at most 100 years after base_year 2023, got 2200"),
        (["--name", "UZB=a\x1bb"], "--name: the name of UZB holds a control character"),
    ],
)
def test_item_01_init_from_data_follows_the_scenario_rules(tmp_path, args, line):
    """The starter that extends a data file is read back merged with it before either is written."""
    out = tmp_path / "s.yaml"
    result = invoke(*WRITERS["init --from-file"], *args, "-o", str(out))
    assert_refused(result, line)
    assert os.listdir(tmp_path) == []


def test_item_01_init_at_the_edges_writes_a_file_that_validates(tmp_path):
    """The last year a scenario may name (2200, terms.Year) and the largest target (1e9)."""
    out = tmp_path / "edge.yaml"
    result = invoke(*INIT, "--by", "2200", "--target", "1e9", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert invoke("validate", str(out)).exit_code == 0
    doc = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert doc["horizon"] == 2200 and doc["target"]["by_year"] == 2200
    assert doc["target"]["value_usd_m"] == 1e9


# --- 2. init --name goes through a YAML serialiser --------------------------------------------

INJECTIONS = [
    'Uz"bek',
    "Uz\\bek\\",
    "Uz: bek",
    "Uz #bek",
    'Uz" value_usd_m: 999',
    "Uz}, {code: XXX, name: evil",
    "'single' & *alias !tag %pct [x] {y}",
    "- item",
    "Café ünïcödé 中文",
]


@pytest.mark.parametrize("name", INJECTIONS)
def test_item_02_init_name_cannot_inject_yaml(tmp_path, name):
    plain = yaml.safe_load(invoke(*INIT, "--name", "UZB=PLAIN").stdout)
    result = invoke(*INIT, "--name", f"UZB={name}", "-o", str(tmp_path / "s.yaml"))
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "s.yaml").read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    assert doc["economies"][1] == {"code": "UZB", "name": name.strip()}
    # the same file as with a plain name, name for name: no key added, none changed
    swapped = json.loads(json.dumps(doc).replace(json.dumps(name.strip())[1:-1], "PLAIN"))
    assert swapped == plain
    assert invoke("validate", str(tmp_path / "s.yaml")).exit_code == 0


@pytest.mark.parametrize("name", INJECTIONS[:5])
def test_item_02_init_from_data_name_cannot_inject_yaml(tmp_path, name):
    out = tmp_path / "s.yaml"
    result = invoke(*WRITERS["init --from-file"], "--name", f"UZB={name}", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    doc = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert doc["economies"][1] == {"code": "UZB", "name": name.strip()}
    assert invoke("validate", str(out)).exit_code == 0


@pytest.mark.parametrize(
    "name", ['Uz" \n value_usd_m: 999', "a\rb", "a\x1b[2Jb", "a\u202eb", "a\u2028b", "a\x00b"]
)
def test_item_02_init_refuses_control_characters_in_names(tmp_path, name):
    out = tmp_path / "s.yaml"
    result = invoke(*INIT, "--name", f"UZB={name}", "-o", str(out))
    assert_refused(result, "--name: the name of UZB holds a control character")
    assert not out.exists()


# --- 3. init -o is atomic against a racer -----------------------------------------------------


def _race_init(barrier, args: list[str], path: str, name: str) -> None:
    barrier.wait()
    result = runner.invoke(app, [*args, "--name", f"UZB={name}", "-o", path])
    os._exit(result.exit_code)


@pytest.mark.parametrize("source", ["starter", "from-file"])
def test_item_03_init_output_has_exactly_one_winner(tmp_path, source):
    """8 processes released together onto one new path: one writes, 7 refuse, the file is whole
    (with --from-file: both files, the starter and the data file it extends)."""
    path = str(tmp_path / "s.yaml")
    args = WRITERS["init" if source == "starter" else "init --from-file"]
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(8)
    racers = [
        context.Process(target=_race_init, args=(barrier, args, path, f"Racer {i}"))
        for i in range(8)
    ]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(timeout=60)
    codes = sorted(racer.exitcode for racer in racers)
    assert codes == [0] + [2] * 7
    winner = yaml.safe_load(Path(path).read_text(encoding="utf-8"))["economies"][1]["name"]
    assert re.fullmatch(r"Racer [0-7]", winner)
    written = ["s.yaml"] if source == "starter" else ["s-data.yaml", "s.yaml"]
    assert sorted(os.listdir(tmp_path)) == written  # no temporary file left by anyone
    if source == "from-file":
        assert invoke("validate", path).exit_code == 0


@pytest.mark.parametrize("unnamed", [True, False], ids=["O_TMPFILE", "named temporary"])
def test_item_03_write_new_refuses_a_taken_name(tmp_path, monkeypatch, unnamed):
    """Both ways of writing (Linux's unnamed temporary file, and the named one elsewhere)."""
    from tradecalc.core import safeio

    if not unnamed:
        monkeypatch.setattr(safeio, "_write_unnamed", lambda *args, **kwargs: False)
    target = tmp_path / "new.yaml"
    safeio.write_new(target, "first\n")
    with pytest.raises(tradecalc.ScenarioError) as refused:
        safeio.write_new(target, "second\n", refusal="exists already")
    assert [str(p) for p in refused.value.problems] == [f"--output {target}: exists already"]
    assert target.read_text() == "first\n"
    assert os.listdir(tmp_path) == ["new.yaml"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_item_03_init_loser_says_why_and_keeps_the_file(tmp_path):
    out = tmp_path / "s.yaml"
    out.write_text("mine\n")
    assert_refused(
        invoke(*INIT, "-o", str(out)), f"--output {out}: exists already: init never overwrites"
    )
    assert out.read_text() == "mine\n"


# --- 4. every command that writes goes through the one safe writer -----------------------------

WRITERS = {
    "project": ["project", BASE, "-f", "json"],
    "compare": ["compare", BASE, "-f", "json"],
    "sweep": ["sweep", BASE, "--grid", "pta.utilization=0.5:1:2", "-f", "json"],
    "simulate": ["simulate", BASE, "-n", "10", "-f", "json"],
    "solve": ["solve", BASE, "--param", "pta.utilization", "-f", "json"],
    "sensitivity": ["sensitivity", BASE, "-f", "json"],
    "report": ["report", BASE],
    "explain": ["explain", BASE, "-f", "json"],
    "backtest": ["backtest", BASE, "-n", "10", "-f", "json"],
    "init": INIT,
    "init --from-file": [*INIT, "--from-file", str(COMTRADE / "pak-uzb.json")],
    "fetch": ["fetch", "--economies", "PAK", "UZB", "--from-file", str(COMTRADE / "pak-uzb.json")],
    "targets": ["targets", "-f", "json"],
    "headroom": ["headroom", str(ROOT / "examples" / "headroom" / "pak-aze-products.yaml")],
    "baserate": ["baserate", "--panel", "agtpa", "--base", "27", "--target", "54", "--horizon",
                 "2", "-f", "json"],
}  # fmt: skip
PLOTTERS = ["project", "compare", "simulate", "sensitivity", "backtest", "headroom", "baserate"]


def test_item_04_every_command_with_output_is_listed():
    """WRITERS names every command that has --output, so a new one cannot skip this test."""
    import typer.main

    group = typer.main.get_command(app)
    with_output = {
        name
        for name, command in group.commands.items()
        if any("--output" in p.opts for p in command.params)
    }
    assert with_output <= set(WRITERS), with_output - set(WRITERS)


def _special_files(tmp_path: Path) -> dict[str, str]:
    """A read-only file, a file with a second hard link, a FIFO and a device node."""
    Path(tmp_path, "readonly.html").write_text("keep\n")
    os.chmod(tmp_path / "readonly.html", 0o444)
    Path(tmp_path, "linked.html").write_text("keep\n")
    os.link(tmp_path / "linked.html", tmp_path / "other.html")
    os.mkfifo(tmp_path / "fifo.html")
    return {
        "readonly.html": "is read-only: not replaced",
        "linked.html": "has 2 hard links: replacing it would break them",
        "fifo.html": "is a FIFO (named pipe): --output and --plot write regular files only",
        os.devnull: "is a device: --output and --plot write regular files only",
    }


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_item_04_output_refuses_what_project_refuses(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    for name, reason in _special_files(tmp_path).items():
        result = invoke(*WRITERS[command], "-o", name)
        assert_refused(result, f"--output {name}: {reason}")
    assert Path("readonly.html").read_text() == "keep\n"
    assert os.stat("linked.html").st_ino == os.stat("other.html").st_ino
    assert stat.S_ISFIFO(os.stat("fifo.html").st_mode)


@pytest.mark.parametrize("command", PLOTTERS)
def test_item_04_plot_refuses_what_output_refuses(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    Path("ro.png").write_text("keep\n")
    os.chmod("ro.png", 0o444)
    result = invoke(*WRITERS[command], "--plot", "ro.png")
    assert_refused(result, "--plot ro.png: is read-only: not replaced")
    assert Path("ro.png").read_text() == "keep\n"


# --- 10. --version, shell completion, --plot before stdout ------------------------------------


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_item_10_version(flag):
    result = invoke(flag)
    assert result.exit_code == 0 and result.stderr == ""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    version = re.search(r'^version = "([^"]+)"$', pyproject, re.MULTILINE).group(1)
    assert result.stdout == f"tradecalc {version}\n"
    assert tradecalc.__version__ == version


def test_item_10_shell_completion_is_on():
    help_text = invoke("--help").stdout
    assert "--install-completion" in help_text and "--show-completion" in help_text
    env = {
        **os.environ,
        "_TRADECALC_COMPLETE": "complete_bash",
        "COMP_WORDS": "tradecalc sim",
        "COMP_CWORD": "1",
    }
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.argv[0] = 'tradecalc'; from tradecalc.entry import main; main()",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["simulate"]


def test_item_10_plot_is_written_before_stdout(tmp_path):
    """The reader leaves before the first byte (`| head -0`): the image is there, whole."""
    image = tmp_path / "chart.svg"
    child = subprocess.Popen(
        [*TRADECALC, "project", BASE, "--plot", str(image)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    child.stdout.close()
    err = child.stderr.read()
    child.stderr.close()
    assert child.wait(timeout=120) == 141, err
    assert err == b""
    assert image.read_bytes().rstrip().endswith(b"</svg>")


# --- 5. tracebacks ----------------------------------------------------------------------------


def test_item_05_solve_a_parameter_set_to_from_history():
    """base.yaml has `shock_sd: from_history`: the search runs over the field's range [0, 3]."""
    result = invoke("solve", BASE, "--param", "uncertainty.shock_sd", "-f", "json")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1, result.stderr  # the central path does not move with shock_sd
    doc = json.loads(result.stdout)
    assert doc["reached"] is False and (doc["low"], doc["high"]) == (0.0, 3.0)


def test_item_05_ascii_terminal_gets_ascii_arrows():
    env = {**os.environ, "LANG": "C", "LC_ALL": "C", "PYTHONUTF8": "0"}
    env.pop("PYTHONIOENCODING", None)
    done = subprocess.run(
        [*TRADECALC, "project", BASE], env=env, capture_output=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr.decode("ascii", "replace")
    assert done.stderr == b""
    text = done.stdout.decode("ascii")  # nothing the stream cannot hold
    assert "PAK->AZE" in text and "Base case" in text
    # the stand-ins are put in before the layout: every row of every box is 80 wide
    assert {len(line) for line in text.splitlines() if line.startswith(("|", "+"))} == {80}


def test_item_05_ascii_text_stand_ins():
    from tradecalc.core.sanitize import ascii_text

    assert ascii_text("PAK\u2192AZE \u2026 T\u00fcrkiye \u2013 3 \u00d7 \u2264 \u4e2d") == (
        "PAK->AZE ... Turkiye - 3 x <= ?"
    )


def _sheet_names(data: bytes) -> list[str]:
    import io
    import zipfile
    from xml.etree import ElementTree

    book = ElementTree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml"))
    return [e.get("name") for e in book.iter() if e.tag.endswith("}sheet")]


def test_item_05_sheet_name_cut_before_an_apostrophe(write, tmp_path):
    name = "x" * 30 + "'yyy"  # the 31st character, where Excel's limit cuts, is '
    write(f'extends: {BASE}\nname: "{name}"\n', "q.yaml")
    result = invoke("compare", BASE, "q.yaml", "-o", "c.xlsx")
    assert result.exit_code == 0, result.stderr
    sheets = _sheet_names((tmp_path / "c.xlsx").read_bytes())
    assert "x" * 30 in sheets
    assert not [s for s in sheets if s.startswith("'") or s.endswith("'") or len(s) > 31]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (
            "schema_version: 1\nname: a\x00b\n",
            "s.yaml:2: the character U+0000 (NUL, a control character) at column 8 is not "
            'allowed in YAML: remove it, or write it as \\x00 inside double quotes ("...")',
        ),
        (
            "name: x\ndescription: 'a\x1b[2Jb'\n",
            "s.yaml:2: the character U+001B (ESC, a control character) at column 16 is not "
            'allowed in YAML: remove it, or write it as \\x1b inside double quotes ("...")',
        ),
        (
            "a: " + "[" * 200_000 + "]" * 200_000 + "\n",
            "s.yaml:1: nested more than 50 levels deep (column 53)",
        ),
        (
            "a:\n" + "".join(" " * i + "-\n" for i in range(1, 2000)),
            "s.yaml:51: nested more than 50 levels deep (column 51)",
        ),
        ("a: 1\n\tb: 2\n", "s.yaml:2: YAML syntax error: found character '\\t' that cannot start "
         "any token (column 1)"),
    ],
    ids=["nul", "esc", "deep-flow", "deep-block", "tab"],
)  # fmt: skip
def test_item_05_yaml_reader_errors_name_line_and_column(write, text, line):
    write(text)
    assert_refused(invoke("validate", "s.yaml"), line)
    assert_refused(invoke("project", "s.yaml"), line)


def test_item_05_extends_a_special_file_or_a_bad_character(write, tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")
    write("name: x\nextends: /dev/zero\n")
    assert_refused(
        invoke("project", "s.yaml"),
        "s.yaml:2: extends: cannot read /dev/zero: not a regular file (a device)",
    )
    write("extends: pipe.yaml\n")
    assert_refused(
        invoke("project", "s.yaml"),
        "s.yaml:1: extends: cannot read pipe.yaml: not a regular file (a FIFO)",
    )
    write("name: ok\n\n# a comment \x1b]0;title\x07\n", "parent.yaml")
    write("extends: parent.yaml\n")
    result = invoke("project", "s.yaml")
    assert_refused(
        result,
        "parent.yaml:3: the character U+001B (ESC, a control character) at column 13 is not "
        'allowed in YAML: remove it, or write it as \\x1b inside double quotes ("...")',
    )


# --- 6. corrupt or silent output --------------------------------------------------------------

HOSTILE_NAME = "Bad\\x01\\x1b[2J\\u202e\\u2066\\x0b name"
"""A scenario name (YAML double-quoted escapes) holding C0 controls, ESC, RLO and LRI."""


def test_item_06_workbook_xml_holds_no_raw_control_character(write, tmp_path):
    import io
    import zipfile
    from xml.etree import ElementTree

    write(f'extends: {BASE}\nname: "{HOSTILE_NAME}"\n')
    for args in (["project", "s.yaml"], ["compare", "s.yaml", BASE]):
        result = invoke(*args, "-o", "out.xlsx")
        assert result.exit_code == 0, result.stderr
        book = zipfile.ZipFile(io.BytesIO((tmp_path / "out.xlsx").read_bytes()))
        for part in book.namelist():
            text = book.read(part).decode("utf-8")
            assert not UNSAFE.search(text.replace("\n", "").replace("\t", "")), part
            if part.endswith((".xml", ".rels")):
                ElementTree.fromstring(text)  # well-formed XML 1.0
        shown = "Bad\\x01\\x1b[2J\\u202e\\u2066\\x0b name"  # escaped, as in the tables
        assert shown in book.read("xl/sharedStrings.xml").decode()


@pytest.mark.parametrize("columns", ["0", "1", "39"])
def test_item_06_a_tiny_width_is_taken_as_80(monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", columns)
    result = invoke("project", BASE)
    assert result.exit_code == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert "Base case" in result.stdout and "Required growth  84.97 % a year" in result.stdout
    assert max(len(line) for line in lines) == 80


def test_item_06_terminal_chart_title_is_escaped_like_the_table(write):
    write(f'extends: {BASE}\nname: "{HOSTILE_NAME}"\n')
    result = invoke("project", "s.yaml", "--chart")
    assert result.exit_code == 0, result.stderr
    assert not UNSAFE.search(result.stdout.replace("\n", ""))
    shown = "Bad\\x01\\x1b[2J\\u202e\\u2066\\x0b name"
    assert f"Scenario         {shown}" in result.stdout  # the table
    assert f"{shown}: the measure against the target" in result.stdout  # the chart's title


def _hostile_base() -> str:
    """base.yaml with a hostile scenario name and a hostile deal name (a tornado tick label)."""
    text = Path(BASE).read_text(encoding="utf-8")
    text = text.replace('name: "Base case"', f'name: "{HOSTILE_NAME}"', 1)
    return text.replace('"Textiles: ready-made garments"', '"Tex\\x1b[31m\\u202etiles"')


@pytest.mark.parametrize(
    "args",
    [
        ["project", "s.yaml"],
        ["simulate", "s.yaml", "-n", "50"],
        ["sensitivity", "s.yaml"],
        ["backtest", "s.yaml", "-n", "50"],
        ["compare", "s.yaml", BASE],
    ],
    ids=lambda args: args[0],
)
def test_item_06_charts_draw_escaped_names_without_glyph_warnings(write, tmp_path, args):
    import warnings

    write(_hostile_base())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = invoke(*args, "-f", "json", "--plot", "c.svg")
    assert result.exit_code == 0, result.stderr
    assert [str(w.message) for w in caught] == []
    svg = (tmp_path / "c.svg").read_text(encoding="utf-8")
    assert not UNSAFE.search(svg.replace("\n", "").replace("\t", ""))
    if args[0] in ("project", "simulate", "sensitivity"):  # the charts whose title names it
        assert "Bad\\x01\\x1b[2J\\u202e\\u2066\\x0b name" in svg
    if args[0] == "sensitivity":  # a tick label of the tornado
        assert "Tex\\x1b[31m\\u202etiles" in svg


@pytest.mark.parametrize("suffix", ["png", "svg"])
def test_item_06_a_letter_the_font_lacks_warns_nothing(write, tmp_path, suffix):
    import warnings

    write(f'extends: {BASE}\nname: "\u4e2d\u6587 \U0001f600 case"\n')
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = invoke("project", "s.yaml", "-f", "json", "--plot", f"c.{suffix}")
    assert result.exit_code == 0 and result.stderr == ""
    assert [str(w.message) for w in caught] == []
    if suffix == "svg":  # text stays text: a reader with the font sees the name
        assert "\u4e2d\u6587" in (tmp_path / "c.svg").read_text(encoding="utf-8")


@pytest.mark.parametrize("field", ["target.value_usd_m", "baseline.flows.0.value_usd_m"])
def test_item_06_a_subnormal_value_runs_quietly(field):
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = invoke("project", BASE, "--set", f"{field}=1e-320", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert [str(w.message) for w in caught] == []
    assert "Warning" not in result.stderr
    json.loads(result.stdout)


# --- 7. the library's entry points under a property fuzzer ------------------------------------

FUZZ = settings(
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


@FUZZ
@given(st.dictionaries(KEYS, VALUES, max_size=6))
def test_item_07_project_an_arbitrary_mapping(mapping):
    _only_scenario_errors(lambda: tradecalc.project(mapping).to_dict())


@FUZZ
@given(st.sampled_from(BASE_PATHS), VALUES)
def test_item_07_project_the_base_mapping_with_one_value_changed(path, value):
    _only_scenario_errors(lambda: tradecalc.project(_replaced(BASE_TREE, path, value)).rows())


LOADED = tradecalc.load_scenario(BASE)
FIELDS = sorted(type(LOADED).model_fields)


@FUZZ
@given(st.dictionaries(st.sampled_from(FIELDS), VALUES, min_size=1, max_size=3))
def test_item_07_scenario_replace_with_arbitrary_values(changes):
    _only_scenario_errors(lambda: tradecalc.project(LOADED.replace(**changes)).measure)


@FUZZ
@given(st.sampled_from([p for p in BASE_PATHS if len(p) > 1]), VALUES)
def test_item_07_scenario_replace_with_a_nested_value_changed(path, value):
    field = path[0]
    section = _replaced(BASE_TREE, path, value)[field]
    _only_scenario_errors(lambda: tradecalc.project(LOADED.replace(**{field: section})).total)


@pytest.mark.parametrize(
    ("args", "stderr"),
    [
        (["compare", BASE, "--rank", "foo"], "--rank: 'foo' is not one of 'gap', 'odds'.\n"),
        (
            ["project", BASE, "-f", "xml"],
            "--format: 'xml' is not one of 'table', 'json', 'csv', 'markdown', 'xlsx'.\n",
        ),
    ],
)
def test_a_choice_refused_says_so_without_the_validators_prefix(args, stderr):
    # typer checks choices through pydantic, whose message starts "Value error, "
    result = invoke(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", stderr)
