"""The lowest layer: error types, safe text for terminals and files, safe atomic writes."""
