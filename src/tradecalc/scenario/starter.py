"""`tradecalc init`: a commented starter scenario for any pair of economies.

Every number the tool cannot know is written as 0 with an explicit placeholder assumption, never
a made-up figure, so the file validates and runs at once and says what is left to fill in.

The template keeps its comments, so it is text; but every value that comes from the user (names,
numbers) is written by PyYAML's serialiser, never pasted, and the finished text is read back
through the same reader and models as any scenario before anyone sees it: a starter that would
not validate is refused as ``OPTION: message`` instead of written.
"""

from __future__ import annotations

import math
import re

from tradecalc.core.errors import Problem, ScenarioError
from tradecalc.core.sanitize import has_unsafe, yaml_text
from tradecalc.scenario.terms import CODE_PATTERN, direction_name, iso_name

PLACEHOLDER = "PLACEHOLDER: not yet filled in"
BASE_YEARS_BEFORE = 7
"""The starter's base year without data or ``--base-year``: this many years before ``--by``."""
FAR_YEARS = 10
"""A base year more than this many years before the deadline is warned about (docs/fetch.md,
"The base year"): the longest announced horizon in the outside view's reference class is 7
years (AZE-TUR, 2016 for 2023), and published records trail the present by two or three."""
LAST_YEAR = 2200
"""The last year a scenario may name (terms.Year): the starter's horizon stops there."""


def _scalar(value: str | float) -> str:
    """One YAML scalar as PyYAML writes it: strings double-quoted and escaped, on one line;
    numbers as any YAML reader reads them back (``1.0e+300``, ``.inf``)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))  # 2000, not 2000.0
    style = '"' if isinstance(value, str) else None
    text = yaml_text(value, default_style=style, allow_unicode=True, width=math.inf)
    return text.removesuffix("...\n").strip()


STARTER = """\
# Starter scenario written by `tradecalc init`. Fill in every PLACEHOLDER: each number below that
# tradecalc cannot know is 0 and says so. Give each figure a `source:` (an id in `sources:`) or an
# `assumption:` in words. Format: docs/scenario-format.md; the model: docs/methods.md.
# For hover help in an editor: `tradecalc schema > scenario.schema.json`, then add a first line
# `# yaml-language-server: $schema=scenario.schema.json`.
schema_version: 1
name: {title}
description: "Which question does this scenario answer? (write it here)"
economies:
  - {{code: {a}, name: {quoted_a}}}
  - {{code: {b}, name: {quoted_b}}}
base_year: {base_year}
horizon: {horizon}

target:
  value_usd_m: {target_usd_m}
  by_year: {by_year}
  counts: [goods, energy]       # customs-comparable; add services, brokered, ... only on purpose
  assumption: {target_assumption}

baseline:
  reporter: {a}                   # whose customs statistics the flows follow
  flows:
    - direction: {ab}
      sector: all
      category: goods
      value_usd_m: 0.0          # {base_year} value, US$ million
      growth: 0.0               # trend growth a year as a fraction (0.05 = 5 %)
      assumption: {ab_assumption}
    - direction: {ba}
      sector: all
      category: goods
      value_usd_m: 0.0
      growth: 0.0
      assumption: {ba_assumption}

# The record: observed totals shown beside the projection (and used by `backtest` and
# `shock_sd: from_history`). One entry per year, reporter and period, each with a source:
# history:
#   - {{year: {base_year}, reporter: {a}, period: calendar, total_usd_m: 0.0, source: my_source}}

# Levers (uncomment and fill in; see docs/scenario-format.md):
# pta: {{start_year: {lever_year}, lines: [{{direction: {ab}, sector: all, coverage: 0.1,
#        mfn_tariff: 0.15, preferential_tariff: 0.0, assumption: "..."}}]}}
# tta: {{start_year: {lever_year}, transit_days_before: 21, transit_days_after: 14,
#        route_share: 0.5, assumption: "..."}}
# deals:
#   - {{name: "A deal", direction: {ab}, sector: all, category: goods, value_usd_m: 0.0,
#      start_year: {lever_year}, ramp_years: 3, probability: 0.5, assumption: "..."}}

sources: []
#   - {{id: my_source, title: "Publisher: title", url: "https://...", date: "YYYY-MM-DD"}}
"""
"""The starter file, for ``str.format``: every name in braces is filled in by starter_yaml."""


def starter_yaml(
    codes: list[str],
    target_usd_m: float,
    by_year: int,
    base_year: int | None = None,
    names: dict[str, str] | None = None,
) -> str:
    """The text of a starter scenario for ``codes`` (two economy codes).

    Raises :class:`ScenarioError` (one ``OPTION: message`` problem each) for codes that are not
    two distinct upper-case codes, a code that is not ISO 3166 alpha-3 and has no name, a name
    holding a control character, years out of order, and anything else the scenario's own
    models and rules refuse in the written file (a year past 2200, a target of ``inf``, ...).
    """
    names = dict(names or {})
    codes = [c.strip().upper() for c in codes]
    base_given = base_year is not None
    base_year = by_year - BASE_YEARS_BEFORE if base_year is None else base_year
    problems = _option_problems(codes, names, target_usd_m, by_year, base_year)
    if problems:
        raise ScenarioError(problems)
    a, b = codes
    name_a, name_b = (names.get(c) or iso_name(c) or c for c in codes)
    text = STARTER.format(
        title=_scalar(f"{name_a}-{name_b}: starter"),
        a=a,
        b=b,
        quoted_a=_scalar(name_a),
        quoted_b=_scalar(name_b),
        ab=direction_name(a, b),
        ba=direction_name(b, a),
        base_year=base_year,
        lever_year=base_year + 1,
        by_year=by_year,
        horizon=min(by_year + 5, max(LAST_YEAR, by_year)),
        target_usd_m=_scalar(float(target_usd_m)),
        target_assumption=_scalar(
            f"{PLACEHOLDER}: who announced this target, when, and what it counts"
        ),
        ab_assumption=_scalar(
            f"{PLACEHOLDER}: {name_a} -> {name_b} trade in {base_year} and its growth"
        ),
        ba_assumption=_scalar(
            f"{PLACEHOLDER}: {name_b} -> {name_a} trade in {base_year} and its growth"
        ),
    )
    _check_written(text, "--base-year" if base_given else "--by")
    return text


def far_base_year(base_year: int | None, by_year: int, way_out: str) -> str | None:
    """The warning for a base year more than :data:`FAR_YEARS` before the deadline, or None.

    ``base_year`` None is the default (``--by`` minus 7); ``way_out`` says what to do instead.

    >>> far_base_year(2010, 2030, "give a later --base-year")[:58]
    'warning: the base year 2010 is 20 years before the deadlin'
    >>> far_base_year(None, 2030, "") is None
    True
    """
    years = by_year - (by_year - BASE_YEARS_BEFORE if base_year is None else base_year)
    if years <= FAR_YEARS:
        return None
    return (
        f"warning: the base year {by_year - years} is {years} years before the deadline "
        f"{by_year} (more than {FAR_YEARS}): one assumed trend carries the flows over all of "
        f"them; {way_out}"
    )


_OPTION_OF_FIELD = {
    "target.value_usd_m": "--target",
    "target.by_year": "--by",
    "horizon": "--by",
    "base_year": "--base-year",
}
"""Which option sets each field of the starter that the user chooses."""
_FIELD_OF_OPTION = {
    "--target": "target.value_usd_m",
    "--by": "target.by_year",
    "--base-year": "base_year",
}


def _check_written(text: str, base_option: str = "--by", parent: tuple | None = None) -> None:
    """Read ``text`` back as any scenario is read: each refusal becomes one ``OPTION: message``.

    A field the options set is named by its option (``base_year`` by ``base_option``: the
    option that chose it); one line per option, its own field's message first. ``parent`` is
    the ``(name, text)`` of the data file the starter `extends:`, not yet written.
    """
    from tradecalc.scenario.pipeline import merge, validate_tree
    from tradecalc.scenario.yamlread import parse_mapping, strip_nulls

    try:
        tree = parse_mapping(text, "init")
        if parent is not None:
            tree.pop("extends", None)
            tree = merge(parse_mapping(parent[1], parent[0]), tree)
        validate_tree(strip_nulls(tree), "init")
    except ScenarioError as error:
        found: dict[str, tuple[bool, str]] = {}
        for problem in error.problems:
            option = _OPTION_OF_FIELD.get(problem.path, "init")
            option = base_option if option == "--base-year" else option
            own = _FIELD_OF_OPTION.get(option) == problem.path
            message = f"{problem.path}: {problem.message}" if option == "init" else problem.message
            if option not in found or (own and not found[option][0]):
                found[option] = (own, message)
        raise ScenarioError([Problem(o, None, "", m) for o, (_, m) in found.items()]) from None


def _name_problems(names: dict[str, str]) -> list[Problem]:
    """A name written into the file may hold no control, line-separator or bidi character."""
    return [
        Problem("--name", None, "", f"the name of {code} holds a control character")
        for code, name in names.items()
        if has_unsafe(name)
    ]


def _option_problems(
    codes: list[str], names: dict[str, str], target_usd_m: float, by_year: int, base_year: int
) -> list[Problem]:
    """What is wrong with the options of `tradecalc init`, each named by its option."""
    problems = []
    if len(codes) != 2 or codes[0] == codes[1]:
        problems.append(Problem("--economies", None, "", "give two different economy codes"))
    for code in codes:
        if not re.match(CODE_PATTERN, code):
            problems.append(Problem("--economies", None, "", f"{code!r} is not a code like PAK"))
        elif code not in names and iso_name(code) is None:
            problems.append(
                Problem(
                    "--economies",
                    None,
                    "",
                    f"{code!r} is not an ISO 3166 alpha-3 code: give --name {code}=NAME",
                )
            )
    if not base_year < by_year:
        problems.append(Problem("--base-year", None, "", f"must be before --by {by_year}"))
    if not target_usd_m > 0:
        problems.append(Problem("--target", None, "", "must be above 0 (US$ million)"))
    return problems + _name_problems(names)


DATA_HEADER = """\
# Starter scenario written by `tradecalc init --from-file/--fetch`: the record and the base-year
# flows come from the data file it extends (every value cites its source there); the target's
# provenance and the policy levers are left to fill in. Format: docs/scenario-format.md.
"""


def data_starter(
    data,
    data_file: str,
    target_usd_m: float,
    by_year: int,
    names=None,
    base_year=None,
    data_text: str | None = None,
) -> str:
    """A starter scenario that `extends:` the data file ``data_file`` (a DataFile ``data``).

    The baseline reporter is chosen by :func:`baseline_choice` (the side with more years it
    reported itself; a comment above `baseline:` says which and why); the base year is the
    latest year of its record, or ``base_year``. Its flows: one per direction and sector from the
    product rows of that reporter and year (sectors by the shipped HS table with
    ``products.sectors``), and the rest of the recorded total as sector ``other``, so the flows
    add up to the record; without product rows, one flow per direction (sector ``all``).
    With ``data_text`` (the data file's YAML) the starter is read back merged with it, and
    what the scenario's models and rules refuse is one ``OPTION: message`` each.
    """

    codes = [e.code for e in data.economies]
    reporter, entry, reason = baseline_choice(data, base_year)
    names = dict(names or {})
    _check_data_options(entry, data_file, by_year, target_usd_m, names)
    label = "-".join(names.get(c) or iso_name(c) or c for c in codes)
    doc = {
        "extends": data_file,
        "name": f"{label}: from data",
        "description": "Which question does this scenario answer? (write it here)",
        "economies": [{"code": c, "name": names.get(c) or iso_name(c) or c} for c in codes],
        "base_year": entry.year,
        "horizon": min(by_year + 5, max(LAST_YEAR, by_year)),
        "target": {
            "value_usd_m": float(target_usd_m),
            "by_year": by_year,
            "counts": ["goods", "energy"],
            "assumption": f"{PLACEHOLDER}: who announced this target, when, and what it counts",
        },
        "baseline": {"reporter": reporter, "flows": _data_flows(data, reporter, entry, codes)},
    }
    body = yaml_text(doc, sort_keys=False, allow_unicode=True, width=100)
    choice = f"baseline:\n  reporter: {reporter}\n"  # a checked code: the comment is ours
    body = body.replace(choice, f"# baseline.reporter: {reason} (docs/fetch.md).\n{choice}", 1)
    ab, ba = direction_name(*codes), direction_name(codes[1], codes[0])
    flows = doc["baseline"]["flows"]
    text = (
        DATA_HEADER
        + body
        + DATA_LEVERS.format(
            ab=ab,
            ba=ba,
            lever_year=entry.year + 1,
            ab_sector=_lever_sector(flows, ab),
            ba_sector=_lever_sector(flows, ba),
        )
    )
    if data_text is not None:  # read back with the data file it extends, as `validate` will
        _check_written(
            text, "--base-year" if base_year is not None else "init", (data_file, data_text)
        )
    return text


def _check_data_options(entry, data_file: str, by_year: int, target_usd_m, names) -> None:
    if entry is None or not entry.by_direction:
        raise ScenarioError(
            [Problem(data_file, None, "history", "no year with both flows to start from")]
        )
    if not entry.year < by_year:
        raise ScenarioError(
            [Problem("--by", None, "", f"must be after the base year {entry.year}")]
        )
    if not target_usd_m > 0:
        raise ScenarioError([Problem("--target", None, "", "must be above 0 (US$ million)")])
    if problems := _name_problems(names):
        raise ScenarioError(problems)


DATA_LEVERS = """
# Levers (uncomment and fill in; each needs a source or an assumption; docs/scenario-format.md).
# A lever's direction and sector must be those of a flow above.
# pta: {{start_year: {lever_year}, lines: [{{direction: {ab}, sector: {ab_sector}, coverage: 0.1,
#        mfn_tariff: 0.15, preferential_tariff: 0.0, assumption: "..."}}]}}
# tta: {{start_year: {lever_year}, transit_days_before: 21, transit_days_after: 14,
#        route_share: 0.5, assumption: "..."}}
# deals:
#   - {{name: "A deal", direction: {ba}, sector: {ba_sector}, category: goods, value_usd_m: 0.0,
#      start_year: {lever_year}, ramp_years: 3, probability: 0.5, assumption: "..."}}
"""
"""The data starter's lever examples: each names a direction and a sector of a written flow, so
that uncommented as written they validate and run (tests/test_starter.py does so)."""


def _lever_sector(flows: list[dict], direction: str) -> str:
    """The sector a lever example of ``direction`` names: ``other`` where the direction has such
    a flow, else its first flow's (``all`` for a starter without product rows)."""
    sectors = [f["sector"] for f in flows if f["direction"] == direction]
    return "other" if "other" in sectors else (sectors or ["all"])[0]


def baseline_choice(data, base_year: int | None = None):
    """The reporter whose statistics a data starter's baseline follows, its base-year entry,
    and why, in words: (reporter, entry or None, reason).

    The rule: the side with more calendar years it reported itself (Comtrade's
    ``isReported`` true: figures from its own customs, not UNSD's aggregates or estimates),
    then more years at all; a tie goes to the first economy. With ``base_year`` only a side
    whose record has that year can be chosen. Never the order of ``--economies`` alone.
    """
    codes = [e.code for e in data.economies]
    record = {
        code: [h for h in data.history if h.reporter == code and h.period == "calendar"]
        for code in codes
    }
    own = {code: sum(h.is_reported is True for h in entries) for code, entries in record.items()}
    score = {code: (own[code], len(record[code])) for code in codes}
    sides = [c for c in codes if record[c]]
    if base_year is not None:
        having = [c for c in sides if any(h.year == base_year for h in record[c])]
        if not having and sides:
            code = max(sides, key=lambda c: score[c])  # max keeps the first of equals
            years = ", ".join(str(h.year) for h in sorted(record[code], key=lambda h: h.year))
            message = f"{code}'s record has no {base_year} (it has {years})"
            raise ScenarioError([Problem("--base-year", None, "", message)])
        sides = having
    if not sides:
        return codes[0], None, ""
    code = max(sides, key=lambda c: score[c])
    entries = record[code]
    entry = (
        max(entries, key=lambda h: h.year)
        if base_year is None
        else next(h for h in entries if h.year == base_year)
    )
    return code, entry, _choice_reason(code, codes, score, sides, base_year)


def _choice_reason(code: str, codes: list[str], score: dict, sides: list[str], base_year) -> str:
    other = codes[1] if code == codes[0] else codes[0]
    mine, theirs = score[code], score[other]
    if other not in sides:
        why = (
            f"the only side whose record has {base_year}"
            if base_year is not None and theirs[1]
            else "the only side with a record"
        )
    elif mine == theirs:
        why = (
            f"both sides reported {mine[0]} years themselves and have {mine[1]} years: a tie "
            "goes to the first economy"
        )
    elif mine[0] != theirs[0]:
        why = (
            f"it reported more years itself (Comtrade's isReported: {mine[0]} against "
            f"{other}'s {theirs[0]})"
        )
    else:
        why = f"it reported as many years itself and has more years ({mine[1]} against {theirs[1]})"
    return f"{code}'s statistics: {why}; {other}'s figures are the mirror"


def _data_flows(data, reporter: str, entry, codes: list[str]) -> list[dict]:
    """Flows of the base year by sector; the rest of each direction's total as `other`."""
    from tradecalc.scenario.hs import sector_of

    other = codes[1] if reporter == codes[0] else codes[0]
    products = data.products
    overrides = products.sectors if products is not None else None
    rows = [
        r
        for r in (products.rows if products is not None else [])
        if r.reporter == reporter and r.partner == other and r.year == entry.year
    ]
    flows = []
    for direction in (direction_name(*codes), direction_name(codes[1], codes[0])):
        flow = "M" if direction == direction_name(other, reporter) else "X"
        by_sector: dict[str, list] = {}
        for r in rows:
            if r.flow == flow:
                by_sector.setdefault(sector_of(r.product, overrides), []).append(r)
        total = entry.by_direction.get(direction) or 0.0
        flows += _sector_flows(direction, by_sector, total, entry.source, bool(rows))
    return flows


def _sector_flows(direction, by_sector, total: float, source, has_products: bool) -> list[dict]:
    growth = "growth 0: no trend assumed; give one with a source or an assumption"
    if not has_products:
        return [
            {
                "direction": direction,
                "sector": "all",
                "value_usd_m": total,
                "growth": 0.0,
                "source": source,
                "assumption": growth,
            }
        ]
    flows = []
    for sector, rows in sorted(by_sector.items()):
        value = sum(r.value_usd_m for r in rows)
        flows.append(
            {
                "direction": direction,
                "sector": sector,
                "value_usd_m": value,
                "growth": 0.0,
                "source": rows[0].source,
                "assumption": growth,
            }
        )
    rest = total - sum(f["value_usd_m"] for f in flows)
    if rest > 1e-9:
        known = next((f for f in flows if f["sector"] == "other"), None)
        if known is None:
            flows.append(
                {
                    "direction": direction,
                    "sector": "other",
                    "value_usd_m": rest,
                    "growth": 0.0,
                    "source": source,
                    "assumption": f"the recorded total less the sectors above; {growth}",
                }
            )
        else:
            known["value_usd_m"] += rest
            known["assumption"] = f"chapters of sector other plus the rest of the total; {growth}"
    return flows
