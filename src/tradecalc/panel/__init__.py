"""Panels: many pairs over many years, as Parquet queried in-process with DuckDB.

A panel is a table of directed flows (``exporter, importer, year, value_usd_m``, optionally
``product`` and covariates) with its source's metadata (:mod:`.catalog`). The shipped AGTPA panel
lives in the package's data; the panels a user imports live in a store under the user data
directory (:mod:`.store`). :mod:`.query` turns a panel into SQL and a pair's series.
"""
