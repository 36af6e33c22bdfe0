"""Analyses on top of the engine: projection, compare, sweep, solve, sensitivity, backtest."""
