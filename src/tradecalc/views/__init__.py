"""Views of results: tables, JSON/CSV, terminal and matplotlib charts, workbooks, the brief."""
