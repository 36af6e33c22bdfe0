"""`tradecalc init`: a commented starter scenario for any pair of economies.

Every number the tool cannot know is written as 0 with an explicit placeholder assumption, never
a made-up figure, so the file validates and runs at once and says what is left to fill in.
"""

from __future__ import annotations

import re

from tradecalc.core.errors import Problem, ScenarioError
from tradecalc.scenario.terms import CODE_PATTERN, direction_name, iso_name

PLACEHOLDER = "PLACEHOLDER: not yet filled in"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


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
  value_usd_m: {target_usd_m:g}
  by_year: {by_year}
  counts: [goods, energy]       # customs-comparable; add services, brokered, ... only on purpose
  assumption: "{placeholder}: who announced this target, when, and what it counts"

baseline:
  reporter: {a}                   # whose customs statistics the flows follow
  flows:
    - direction: {ab}
      sector: all
      category: goods
      value_usd_m: 0.0          # {base_year} value, US$ million
      growth: 0.0               # trend growth a year as a fraction (0.05 = 5 %)
      assumption: "{placeholder}: {name_a} -> {name_b} trade in {base_year} and its growth"
    - direction: {ba}
      sector: all
      category: goods
      value_usd_m: 0.0
      growth: 0.0
      assumption: "{placeholder}: {name_b} -> {name_a} trade in {base_year} and its growth"

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
    two distinct upper-case codes, a code that is not ISO 3166 alpha-3 and has no name, or years
    out of order.
    """
    names = dict(names or {})
    codes = [c.strip().upper() for c in codes]
    base_year = by_year - 7 if base_year is None else base_year
    problems = _option_problems(codes, names, target_usd_m, by_year, base_year)
    if problems:
        raise ScenarioError(problems)
    a, b = codes
    name_a, name_b = (names.get(c) or iso_name(c) or c for c in codes)
    return STARTER.format(
        title=_quote(f"{name_a}-{name_b}: starter"),
        a=a,
        b=b,
        name_a=name_a,
        name_b=name_b,
        quoted_a=_quote(name_a),
        quoted_b=_quote(name_b),
        ab=direction_name(a, b),
        ba=direction_name(b, a),
        base_year=base_year,
        lever_year=base_year + 1,
        by_year=by_year,
        horizon=by_year + 5,
        target_usd_m=target_usd_m,
        placeholder=PLACEHOLDER,
    )


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
    return problems


DATA_HEADER = """\
# Starter scenario written by `tradecalc init --from-file/--fetch`: the record and the base-year
# flows come from the data file it extends (every value cites its source there); the target's
# provenance and the policy levers are left to fill in. Format: docs/scenario-format.md.
"""


def data_starter(
    data, data_file: str, target_usd_m: float, by_year: int, names=None, base_year=None
) -> str:
    """A starter scenario that `extends:` the data file ``data_file`` (a DataFile ``data``).

    The base year is the latest year of the first economy's record (else the second's, which
    then becomes the baseline reporter), or ``base_year`` where that reporter's record has
    it. Its flows: one per direction and sector from the
    product rows of that reporter and year (sectors by the shipped HS table with
    ``products.sectors``), and the rest of the recorded total as sector ``other``, so the flows
    add up to the record; without product rows, one flow per direction (sector ``all``).
    """
    import yaml

    codes = [e.code for e in data.economies]
    reporter, entry = _latest_entry(data, codes, base_year)
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
    names = dict(names or {})
    label = "-".join(names.get(c) or iso_name(c) or c for c in codes)
    doc = {
        "extends": data_file,
        "name": f"{label}: from data",
        "description": "Which question does this scenario answer? (write it here)",
        "economies": [{"code": c, "name": names.get(c) or iso_name(c) or c} for c in codes],
        "base_year": entry.year,
        "horizon": by_year + 5,
        "target": {
            "value_usd_m": float(target_usd_m),
            "by_year": by_year,
            "counts": ["goods", "energy"],
            "assumption": f"{PLACEHOLDER}: who announced this target, when, and what it counts",
        },
        "baseline": {"reporter": reporter, "flows": _data_flows(data, reporter, entry, codes)},
    }
    body = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
    ab, ba = direction_name(*codes), direction_name(codes[1], codes[0])
    return DATA_HEADER + body + DATA_LEVERS.format(ab=ab, ba=ba, lever_year=entry.year + 1)


DATA_LEVERS = """
# Levers (uncomment and fill in; each needs a source or an assumption; docs/scenario-format.md).
# A lever's direction and sector must be those of a flow above.
# pta: {{start_year: {lever_year}, lines: [{{direction: {ab}, sector: other, coverage: 0.1,
#        mfn_tariff: 0.15, preferential_tariff: 0.0, assumption: "..."}}]}}
# tta: {{start_year: {lever_year}, transit_days_before: 21, transit_days_after: 14,
#        route_share: 0.5, assumption: "..."}}
# deals:
#   - {{name: "A deal", direction: {ba}, sector: other, category: goods, value_usd_m: 0.0,
#      start_year: {lever_year}, ramp_years: 3, probability: 0.5, assumption: "..."}}
"""


def _latest_entry(data, codes, base_year=None):
    for code in codes:
        entries = [h for h in data.history if h.reporter == code and h.period == "calendar"]
        if entries and base_year is None:
            return code, max(entries, key=lambda h: h.year)
        if entries:
            found = [h for h in entries if h.year == base_year]
            if found:
                return code, found[0]
            years = ", ".join(str(h.year) for h in sorted(entries, key=lambda h: h.year))
            message = f"{code}'s record has no {base_year} (it has {years})"
            raise ScenarioError([Problem("--base-year", None, "", message)])
    return codes[0], None


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
