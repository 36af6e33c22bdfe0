"""Analyses on top of the engine: projection, compare, sweep, solve, sensitivity, backtest;
each command's result type, and the library's face that returns them (``library.py``)."""
