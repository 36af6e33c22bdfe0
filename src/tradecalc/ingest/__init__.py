"""Bringing data in: UN Comtrade (the network adapter and saved responses), the cache, and the
data files `tradecalc fetch` writes. Below the engine: it builds scenario-shaped data and knows
nothing of projections."""
