"""The command line: the typer app, its commands and what they share."""
