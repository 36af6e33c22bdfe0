"""The JSON Schema of scenario files, built from the pydantic models, for editors and validators.

A file that `extends:` another may be partial (it states only what it changes), so the schema
checks such a file against a copy of the models in which nothing is required. Every field
carries its description (with units) from the models, so editors show it on hover.
"""

from __future__ import annotations

import copy
from typing import Any

from tradecalc.scenario.models import Scenario

EXTENDS = {
    "type": "string",
    "description": "Path of a scenario this one builds on, relative to this file; this file "
    "then states only what it changes (mappings merge, named list items merge by key).",
}


def _nullable(schema: Any) -> Any:
    """Let every property also be null: `key: null` restores the default or removes the key."""
    if isinstance(schema, dict):
        out = {k: _nullable(v) for k, v in schema.items()}
        if "properties" in schema and isinstance(schema["properties"], dict):
            out["properties"] = {
                name: {"anyOf": [_nullable(sub), {"type": "null"}]}
                if not _allows_null(sub)
                else _nullable(sub)
                for name, sub in schema["properties"].items()
            }
        return out
    if isinstance(schema, list):
        return [_nullable(item) for item in schema]
    return schema


def _allows_null(schema: dict) -> bool:
    return schema.get("type") == "null" or any(
        option.get("type") == "null" for option in schema.get("anyOf", [])
    )


def _partial(schema: Any) -> Any:
    """A copy with no `required` lists and `$ref`s pointing to the partial definitions."""
    if isinstance(schema, dict):
        out = {}
        for key, value in schema.items():
            if key == "required":
                continue
            if key == "$ref" and isinstance(value, str):
                out[key] = value.replace("#/$defs/", "#/$defs/Partial")
            else:
                out[key] = _partial(value)
        return out
    if isinstance(schema, list):
        return [_partial(item) for item in schema]
    return schema


def json_schema() -> dict:
    """JSON Schema (draft 2020-12) of scenario files; partial when the file has `extends:`."""
    full = Scenario.model_json_schema()
    defs = full.pop("$defs", {})
    full["properties"]["extends"] = EXTENDS
    full = _nullable(full)
    defs = {name: _nullable(d) for name, d in defs.items()}
    partial_defs = {f"Partial{name}": _partial(d) for name, d in defs.items()}
    partial = _partial(copy.deepcopy(full))
    partial["required"] = ["extends"]
    partial["title"] = "Scenario that extends another (partial)"
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "tradecalc scenario, version 2",
        "description": full.get("description", ""),
        "type": "object",
        "if": {"required": ["extends"]},
        "then": {"$ref": "#/$defs/PartialScenario"},
        "else": {"$ref": "#/$defs/Scenario"},
        "$defs": {**defs, "Scenario": full, **partial_defs, "PartialScenario": partial},
    }
