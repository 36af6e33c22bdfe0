"""The engine: a scenario compiled to arrays with a draw axis, evaluated; the Monte Carlo."""
