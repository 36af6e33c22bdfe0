"""Scenario input: YAML with line numbers, `extends:`, `--set`, the models, rules and schema."""
