"""A fresh clone is self-contained: no tracked file points outside it, no README link is dead."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from tests.conftest import ROOT

# Built from pieces so that this file does not match its own patterns.
_UP = r"\.\./" + "shared"
OUTSIDE = re.compile(
    "|".join(
        [
            _UP + r"\b",  # the sibling folder of the checkout the project was written in
            r"\b" + "shared" + r"/(?:docs|data)\b",
            # an absolute path on a machine: not part of a URL or of a longer path
            r"(?<![\w.:/~-])/(?:" + "work" + "|" + "root" + "|" + "home" + r")/",
        ]
    )
)
MARKDOWN_LINK = re.compile(r"(?<!!)\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|#|//)", re.IGNORECASE)


def tracked_files() -> list[Path]:
    """Every file git tracks (what a clone gets), plus new files not yet added but not ignored."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    return [ROOT / name for name in listing.split("\0") if name and (ROOT / name).is_file()]


def outside_mentions(text: str) -> list[tuple[int, str]]:
    """(line number, matched text) of every mention of a path outside the repository."""
    return [
        (text.count("\n", 0, match.start()) + 1, match.group(0)) for match in OUTSIDE.finditer(text)
    ]


def dead_links(markdown: str, folder: Path) -> list[str]:
    """Relative link targets in ``markdown`` that do not exist inside the repository."""
    dead = []
    for target in MARKDOWN_LINK.findall(markdown):
        if EXTERNAL.match(target):
            continue
        path = target.split("#", 1)[0].split("?", 1)[0]
        resolved = (folder / path).resolve()
        if not resolved.is_relative_to(ROOT.resolve()) or not resolved.exists():
            dead.append(target)
    return dead


def test_the_patterns_catch_what_they_should():
    bad = [
        "see [the spec](" + _UP.replace("\\", "") + "/" + "docs/methods.md)",
        "from " + "shared" + "/" + "data/pak-aze-reference.yaml",
        "# Every figure comes from /" + "work" + "/" + "x/data.yaml",
        "cd /" + "root" + "/project",
        "'/" + "home" + "/user/file'",
    ]
    good = [
        "https://example.org/home/page and https://www.app.com.pk/root/x",
        "src/tradecalc/data/pak-aze-reference.yaml",
        "docs/methods.md, data shared by both sides",
    ]
    assert [bool(outside_mentions(t)) for t in bad] == [True] * len(bad)
    assert [bool(outside_mentions(t)) for t in good] == [False] * len(good)


def test_dead_link_detection(tmp_path):
    markdown = (
        "[ok](README.md) [anchor](#use) [web](https://example.org) [mail](mailto:a@b.c) "
        "[gone](docs/nowhere.md) [out](../elsewhere/file.md) ![img](pic.png)"
    )
    assert dead_links(markdown, ROOT) == ["docs/nowhere.md", "../elsewhere/file.md"]


def test_no_tracked_file_mentions_a_path_outside_the_repository():
    problems = []
    for path in tracked_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary files hold no paths a reader follows
        problems += [
            f"{path.relative_to(ROOT)}:{line}: {found}" for line, found in outside_mentions(text)
        ]
    assert problems == []


@pytest.mark.parametrize(
    "name",
    ["README.md", "docs/methods.md", "docs/scenario-format.md", "src/tradecalc/data/README.md"],
)
def test_markdown_has_no_dead_relative_links(name):
    path = ROOT / name
    assert dead_links(path.read_text(encoding="utf-8"), path.parent) == []


def test_readme_points_to_the_shipped_docs_and_data():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in (
        "docs/methods.md",
        "docs/scenario-format.md",
        "src/tradecalc/data/pak-aze-reference.yaml",
    ):
        assert f"]({target})" in readme, target


# Tests are filed by feature (issue 24): a name says what is tested, not the round of work,
# the review or the fix that wrote it.
ROUND_NAME = re.compile(r"round\d|_v\d|fix_|review|hardening|robustness|regression", re.IGNORECASE)


def test_no_test_file_or_folder_is_named_after_a_round_of_work():
    tests = ROOT / "tests"
    names = {
        part
        for path in [*tracked_files(), *tests.rglob("*")]
        if path.is_relative_to(tests) and "__pycache__" not in path.parts
        for part in path.relative_to(tests).parts
    }
    assert sorted(n for n in names if ROUND_NAME.search(n)) == []


def test_the_round_name_rule_catches_what_it_is_for():
    caught = ["test_hardening_round3.py", "test_format_v2.py", "test_fix_odds.py", "review"]
    assert all(ROUND_NAME.search(name) for name in caught)
    assert not any(ROUND_NAME.search(n) for n in ["test_scenario_format.py", "test_odds.py"])
