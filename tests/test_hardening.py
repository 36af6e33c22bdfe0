"""Hostile input (issue 7): never crash, never hang, never lose a file, never print unsafe text.

The corpus under tests/bad_inputs/ holds one hostile input per file, each with a first line
``# expect: what it is`` and optionally ``# run: ARGS`` (default ``project FILE``); files
under tests/bad_inputs/parts/ are what they extend. Every one must exit 2 with nothing on
stdout and only well-formed lines on stderr, fast.
"""

from __future__ import annotations

import errno
import io
import json
import os
import re
import shlex
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console
from tests.conftest import ROOT, SCENARIOS, TOY
from typer.testing import CliRunner

from tradecalc import ScenarioError, load_scenario, project
from tradecalc.analysis.comparison import Comparison
from tradecalc.cli.commands import app
from tradecalc.core import safeio
from tradecalc.views import compare_view, render

runner = CliRunner()
BAD = Path(__file__).parent / "bad_inputs"
GOLDEN = Path(__file__).parent / "golden"
BASE = str(ROOT / "scenarios" / "base.yaml")
TRADECALC = [sys.executable, "-m", "tradecalc"]

FIELD_LINE = re.compile(r"^[^\n]+:\d+: \S+: .+$")  # FILE:LINE: field.path: message
OPTION_LINE = re.compile(r"^--?[a-z-]+.*: .+$")  # OPTION: message
DOCUMENT_LINE = re.compile(  # FILE:LINE: message, for a problem with the whole document
    r"^[^\n]+:\d+: (YAML syntax error|empty file|expected a mapping|not UTF-8|a key must be text)"
)
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def corpus() -> list[Path]:
    return sorted(BAD.glob("*.yaml"))


def header(path: Path) -> dict[str, str]:
    """The ``# expect:`` and ``# run:`` lines at the top of a corpus file."""
    found = {}
    for line in path.read_bytes().split(b"\n")[:2]:
        text = line.decode("utf-8", "replace")
        for key in ("expect", "run"):
            if text.startswith(f"# {key}: "):
                found[key] = text[len(f"# {key}: ") :]
    return found


def assert_clean_failure(result, seconds: float) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stderr, result.exception)
    assert result.stdout == ""
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines
    for line in lines:
        assert FIELD_LINE.match(line) or OPTION_LINE.match(line) or DOCUMENT_LINE.match(line), line
        assert not UNSAFE.search(line), line
        assert len(line) < 1_000
    assert seconds < 5, seconds


def test_corpus_is_large_and_described():
    files = corpus()
    assert len(files) >= 60
    for path in files:
        assert header(path).get("expect"), path.name


@pytest.mark.parametrize("path", corpus(), ids=lambda p: p.stem)
def test_bad_input_is_one_clean_line_per_problem(path, monkeypatch):
    monkeypatch.chdir(BAD)
    run = header(path).get("run")
    args = shlex.split(run) if run else ["project", path.name]
    start = time.perf_counter()
    result = runner.invoke(app, args)
    assert_clean_failure(result, time.perf_counter() - start)
    assert sorted(p.name for p in BAD.iterdir() if not p.name.endswith(".yaml")) == ["parts"]


def test_line_numbers_print_as_numbers_not_emoji(monkeypatch):
    monkeypatch.chdir(BAD)
    for name, line in (("line-100-emoji.yaml", 100), ("line-1234-emoji.yaml", 1234)):
        stderr = runner.invoke(app, ["project", name]).stderr
        assert stderr.startswith(f"{name}:{line}: horizn: unknown key")


def test_control_characters_are_escaped_not_echoed(monkeypatch):
    monkeypatch.chdir(BAD)
    forged = runner.invoke(app, ["project", "key-newline-forgery.yaml"]).stderr
    # the newline is shown as \x0a: the forged "forged.yaml:1:" stays inside one line
    assert forged == "key-newline-forgery.yaml:10: x\\x0aforged.yaml:1: name: fine: unknown key\n"
    escape = runner.invoke(app, ["project", "key-escape-sequence.yaml"]).stderr
    assert escape == "key-escape-sequence.yaml:10: \\x1b[2J\\x1b[H: unknown key\n"
    bidi = runner.invoke(app, ["project", "key-bidi-override.yaml"]).stderr
    assert bidi == "key-bidi-override.yaml:10: abc\\u202eevil: unknown key\n"
    long = runner.invoke(app, ["project", "value-very-long.yaml"]).stderr
    assert len(long) < 500 and long.endswith("…\n")  # 20,000 characters cut at 400


def test_set_labels_are_escaped(write):
    write(TOY)
    stderr = runner.invoke(app, ["project", "s.yaml", "--set", "na\x1bme\n=x"]).stderr
    assert stderr == "--set na\\x1bme\\x0a=x: na\\x1bme: unknown key (did you mean 'name'?)\n"


# --- hangs: extends reads regular files only ---------------------------------------------------


def test_extends_to_a_fifo_or_stdin_does_not_wait(tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "a.yaml").write_text("extends: pipe.yaml\n")
    (tmp_path / "b.yaml").write_text("extends: /dev/stdin\n")
    for name, reason in (("a.yaml", "a FIFO"), ("b.yaml", "")):
        # stdin is a pipe kept open: reading it would block until the timeout
        with subprocess.Popen(
            [*TRADECALC, "validate", name],
            cwd=tmp_path,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as child:
            out, err = child.communicate(timeout=30)
            assert child.returncode == 2 and out == ""
            assert err.startswith(f"{name}:1: extends: cannot read ")
            assert "not a regular file" in err and reason in err


def test_extends_symlink_loop_long_chain_and_nul(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    os.symlink("loop-b.yaml", "loop-a.yaml")
    os.symlink("loop-a.yaml", "loop-b.yaml")
    Path("s.yaml").write_text("extends: loop-a.yaml\n")
    result = runner.invoke(app, ["validate", "s.yaml"])
    assert result.exit_code == 2
    assert result.stderr == (
        "s.yaml:1: extends: cannot read loop-a.yaml: "
        "too many levels of symbolic links (a symlink loop?)\n"
    )
    # a cycle through a symbolic link is a cycle: same device and inode
    Path("real.yaml").write_text("extends: alias.yaml\n")
    os.symlink("real.yaml", "alias.yaml")
    assert "extends: cycle: " in runner.invoke(app, ["validate", "real.yaml"]).stderr
    for i in range(1000):  # chain-0 extends chain-1 ... extends chain-999
        Path(f"chain-{i}.yaml").write_text(f"extends: chain-{i + 1}.yaml\nname: c{i}\n")
    Path("chain-1000.yaml").write_text(TOY)
    start = time.perf_counter()
    result = runner.invoke(app, ["validate", "chain-0.yaml"])
    assert result.exit_code == 2 and time.perf_counter() - start < 5
    assert result.stderr == "chain-31.yaml:1: extends: more than 32 files deep\n"


# --- files lost or replaced --------------------------------------------------------------------


def test_output_refuses_special_and_protected_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("s.yaml").write_text(TOY)
    os.mkfifo("fifo")
    Path("readonly.json").write_text("keep\n")
    os.chmod("readonly.json", 0o444)
    Path("linked.json").write_text("keep\n")
    os.link("linked.json", "other-name.json")
    import socket

    server = socket.socket(socket.AF_UNIX)
    server.bind("sock")
    cases = {
        "fifo": "is a FIFO (named pipe): --output and --plot write regular files only",
        "sock": "is a socket: --output and --plot write regular files only",
        "readonly.json": "is read-only: not replaced",
        "linked.json": "has 2 hard links: replacing it would break them",
        ".": "is a directory: --output and --plot write regular files only",
    }
    try:
        for name, message in cases.items():
            result = runner.invoke(app, ["project", "s.yaml", "-f", "json", "-o", name])
            assert result.exit_code == 2 and result.stdout == ""
            assert result.stderr == f"--output {name}: {message}\n"
    finally:
        server.close()
    assert Path("readonly.json").read_text() == "keep\n"
    assert os.stat("linked.json").st_ino == os.stat("other-name.json").st_ino
    assert sorted(os.listdir()) == sorted(
        ["s.yaml", "fifo", "sock", "readonly.json", "linked.json", "other-name.json"]
    )


def test_plot_into_a_missing_folder_fails_before_printing(tmp_path):
    result = runner.invoke(app, ["project", BASE, "--plot", str(tmp_path / "no" / "c.png")])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"--plot {tmp_path / 'no' / 'c.png'}: no such folder")


def test_output_keeps_the_owner(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("old\n")
    if os.geteuid() == 0:  # root replacing another user's file gives it back to that user
        os.chown(target, 12345, 23456)
    before = target.stat()
    assert runner.invoke(app, ["project", BASE, "-f", "json", "-o", str(target)]).exit_code == 0
    after = target.stat()
    assert (after.st_uid, after.st_gid) == (before.st_uid, before.st_gid)
    assert json.loads(target.read_text())["scenario"]["name"] == "Base case"


@pytest.mark.parametrize("failing", ["write", "fsync"])
def test_a_full_disk_is_one_line_and_keeps_the_old_file(tmp_path, monkeypatch, failing):
    target = tmp_path / "out.json"
    target.write_text("old\n")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(safeio.os, failing, full)
    result = runner.invoke(app, ["project", BASE, "-f", "json", "-o", str(target)])
    monkeypatch.undo()
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == f"--output {target}: cannot write: No space left on device\n"
    assert target.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["out.json"]


def test_killing_output_never_leaves_a_partial_file(tmp_path):
    """Kill `project --output F` at random moments: F is the old or the whole new file."""
    target = tmp_path / "out.json"
    expected = runner.invoke(app, ["project", BASE, "-f", "json"]).stdout
    rng = np.random.default_rng(7)
    for run, sig in enumerate([signal.SIGTERM, signal.SIGINT, signal.SIGKILL] * 3):
        target.write_text("old\n")
        child = subprocess.Popen(
            [*TRADECALC, "project", BASE, "-f", "json", "-o", str(target)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(float(rng.uniform(0.0, 1.2)))  # start-up takes about 0.5 to 1 s
        child.send_signal(sig)
        child.wait(timeout=60)
        content = target.read_text()
        assert content in ("old\n", expected), run
        leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name != "out.json")
        if sig != signal.SIGKILL:  # SIGKILL cannot be caught: see safeio's docstring
            assert leftovers == [], (run, sig)
        for name in leftovers:
            (tmp_path / name).unlink()


def test_closed_pipe_ends_quietly_with_141():
    child = subprocess.Popen(
        [*TRADECALC, "project", BASE, "-f", "csv"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    child.stdout.close()  # the reader leaves before the first byte, like `| head -0`
    err = child.stderr.read()
    child.stderr.close()
    assert child.wait(timeout=60) == 141
    assert err == b""


# --- usage errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "stderr"),
    [
        (
            ["simulate", BASE, "--draws", "0"],
            "--draws: input should be greater than or equal to 1\n",
        ),
        (["project", BASE, "--colour"], "--colour: no such option\n"),
        (["project"], "SCENARIO: missing\n"),
        (["nothing"], "tradecalc: no such command 'nothing'.\n"),
    ],
)
def test_usage_errors_are_one_line(args, stderr):
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and result.stdout == "" and result.stderr == stderr


# --- overflow everywhere -----------------------------------------------------------------------

EXTREME = """\
name: Extreme
base_year: 2023
horizon: 2123
target: {value_usd_m: 100}
elasticities: {default: 50}
baseline: {flows: [{direction: pak_to_aze, sector: a, value_usd_m: 1e9, growth: 10, assumption: x}]}
pta: {start_year: 2024, lines: [{direction: pak_to_aze, sector: a, mfn_tariff: 10}], utilization: 1}
tta: {start_year: 2024, transit_days_before: 3650, transit_days_after: 0, method: ave, per_day: 1}
"""
OVERFLOW = "results are too large to compute (not finite): check extreme values, growth rates, tariffs or elasticities"


def test_overflow_is_refused_by_every_command(write):
    write(EXTREME)
    for args, first in (
        (["sweep", "s.yaml", "--grid", "pta.utilization=0:1:2"], "s.yaml: at pta.utilization=1: "),
        (["sensitivity", "s.yaml"], "s.yaml: "),
        (["solve", "s.yaml", "--param", "pta.utilization"], "--param pta.utilization=1: "),
        (["compare", "s.yaml"], "s.yaml: "),
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2 and result.stdout == "", args
        # the file's percentage warnings may come first; then the one refusal
        errors = [line for line in result.stderr.splitlines() if ": warning: " not in line]
        assert errors == [first + OVERFLOW], args


# --- memory budget -----------------------------------------------------------------------------


def big(deals: int, years: int) -> str:
    """A valid scenario with many deals over a long horizon (about 120 bytes a deal)."""
    head = TOY.replace("horizon: 2030", f"horizon: {2023 + years}").replace(
        "by_year: 2030", f"by_year: {2023 + years}"
    )
    rows = "".join(
        f"  - {{name: d{k}, direction: aze_to_pak, sector: chemicals, value_usd_m: 1, "
        f"start_year: 2025, probability: 0.5, assumption: a}}\n"
        for k in range(deals)
    )
    return head + "deals:\n" + rows


def test_large_scenarios_run_in_bounded_memory_or_are_refused(write):
    import tracemalloc

    from tradecalc.engine import budget
    from tradecalc.engine.montecarlo import CHUNK, simulate

    scenario = load_scenario(write(big(2700, 100)))
    from tradecalc.engine.evaluate import compile_scenario

    layout, _ = compile_scenario(scenario)
    # 2,702 items x 101 years x 24 bytes: about 6.5 MB a draw, so 40 draws per engine call
    assert budget.chunk_size(layout, CHUNK) == 256 * 2**20 // (2702 * 101 * 24) == 40
    tracemalloc.start()
    result = simulate(scenario, 400, 1)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert result.draws == 400 and peak < 400 * 2**20  # was 2,000 draws at once: 4.4 GB
    refused = runner.invoke(app, ["sensitivity", "s.yaml"])
    assert refused.exit_code == 2 and refused.stdout == ""
    assert refused.stderr.startswith("sensitivity: 5,403 runs of 2,702 flows, lines and deals")
    assert refused.stderr.endswith("reduce the deals, the flows or the horizon\n")
    refused = runner.invoke(app, ["simulate", "s.yaml", "--draws", "20000"])
    assert refused.stderr.startswith("--draws: 20,000 runs of 2,702")


def test_shipped_scenarios_keep_the_fixed_chunk():
    """The chunk size fixes the random stream: it must not change for ordinary scenarios."""
    from tradecalc.engine import budget
    from tradecalc.engine.evaluate import compile_scenario
    from tradecalc.engine.montecarlo import CHUNK

    for path in SCENARIOS:
        layout, _ = compile_scenario(load_scenario(path))
        assert budget.chunk_size(layout, CHUNK) == CHUNK


def test_sweep_in_chunks_gives_the_same_rows(monkeypatch):
    from tradecalc.analysis import sweep
    from tradecalc.scenario.pipeline import read_tree

    tree = read_tree(BASE)
    axes = [
        sweep.GridAxis.parse("pta.utilization=0:1:7"),
        sweep.GridAxis.parse("horizon=2034:2036:3"),
    ]
    whole = sweep.run_sweep(tree, axes)
    monkeypatch.setattr(sweep, "CHUNK", 4)
    assert sweep.run_sweep(tree, axes) == whole and len(whole) == 21


# --- output that is safe to open -------------------------------------------------------------


def test_names_are_escaped_in_tables_and_csv_cells_are_not_formulas(write):
    write(TOY.replace("name: Toy", 'name: "=HYPERLINK(\\"http://x\\")\\e[31m\\u202Eevil"'))
    csv = runner.invoke(app, ["project", "s.yaml", "-f", "csv"]).stdout
    rows = csv.splitlines()[1:]
    assert rows and all(
        r.startswith('"\'=HYPERLINK(""http://x"")\\x1b[31m\\u202eevil",') for r in rows
    )
    for fmt in ("table", "markdown"):
        out = runner.invoke(app, ["project", "s.yaml", "-f", fmt], env={"COLUMNS": "200"}).stdout
        assert "\x1b" not in out and "\u202e" not in out
        assert "\\x1b[31m\\u202eevil" in out
    assert (
        "\x1b"
        in json.loads(runner.invoke(app, ["project", "s.yaml", "-f", "json"]).stdout)["scenario"][
            "name"
        ]
    )  # JSON is data: the name exactly as written


def test_names_compare_after_nfc(write):
    composed, decomposed = "Caf\u00e9", "Cafe\u0301"
    deal = "{{name: {}, direction: pak_to_aze, sector: textiles, value_usd_m: 1, start_year: 2026, probability: 1, assumption: toy}}"
    write(TOY + f"deals: [{deal.format(composed)}]\n")
    result = runner.invoke(
        app, ["project", "s.yaml", "-f", "json", "--set", f"deals.{decomposed}.value_usd_m=5"]
    )
    assert result.exit_code == 0, result.stderr
    write(f"extends: s.yaml\ndeals: [{{name: {decomposed}, probability: 0.5}}]\n", "child.yaml")
    deals = load_scenario("child.yaml").deals
    assert [(d.name, d.probability) for d in deals] == [(composed, 0.5)]  # merged, not added


def test_a_dollar_in_a_name_is_not_mathtext(write, tmp_path):
    write(TOY.replace("name: Toy", 'name: "a $\\\\frac{ $ b"'))
    result = runner.invoke(app, ["project", "s.yaml", "--plot", "c.png", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "c.png").read_bytes().startswith(b"\x89PNG")


def test_compare_never_drops_a_scenario_golden_80():
    """All five shipped scenarios at 80 columns. Regenerate: TRADECALC_GOLDEN=update."""
    result = Comparison([project(p, path=os.path.relpath(p, ROOT)) for p in SCENARIOS])
    console = Console(file=io.StringIO(), width=80, color_system=None, force_terminal=False)
    for renderable in render.to_rich(compare_view.comparison_view(result, 80)):
        console.print(renderable)
    rendered = console.file.getvalue()
    golden = GOLDEN / "compare-80.txt"
    if os.environ.get("TRADECALC_GOLDEN") == "update":
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8")
    assert max(len(line) for line in rendered.splitlines()) <= 80
    for p in SCENARIOS:
        assert os.path.relpath(p, ROOT) in rendered
    assert "scenarios 1-3 of 5" in rendered  # the split is said in the titles


def test_compare_at_80_columns_through_the_command_line():
    result = runner.invoke(app, ["compare", *map(str, SCENARIOS)], env={"COLUMNS": "80"})
    assert result.exit_code == 0 and result.stderr == ""
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    shown = re.findall(r"scenarios? (\d+)(?:-(\d+))? of 5", result.stdout)
    covered = [n for a, b in shown for n in range(int(a), int(b or a) + 1)]
    assert covered == [1, 2, 3, 4, 5]


# --- library: a validated way to change a scenario -------------------------------------------


def test_scenario_replace_validates():
    s = load_scenario(BASE)
    with pytest.raises(ScenarioError) as error:
        s.replace(deal_value_scale=-1)
    assert str(error.value) == (
        "Scenario.replace: deal_value_scale: input should be greater than or equal to 0, got -1"
    )
    half = s.replace(deal_value_scale=0.5)
    assert half.deal_value_scale == 0.5 and half.deals == s.deals
    via_overrides = project(BASE, overrides=["deal_value_scale=0.5"])
    assert project(half).measure_at_by_year == via_overrides.measure_at_by_year
    with pytest.raises(ScenarioError):
        s.replace(target={"value_usd_m": 100, "by_year": 2020})  # deadline before base year


def test_output_files_and_stat_are_untouched_when_refused(tmp_path):
    target = tmp_path / "ro.json"
    target.write_text("old\n")
    target.chmod(0o400)
    result = runner.invoke(app, ["project", BASE, "-o", str(target)])
    assert result.exit_code == 2
    assert stat.S_IMODE(target.stat().st_mode) == 0o400 and target.read_text() == "old\n"
