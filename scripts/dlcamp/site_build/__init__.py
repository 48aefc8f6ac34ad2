"""Runs inside `mkdocs build` and `mkdocs serve`: MkDocs hooks, one per concern (mkdocs.yml
lists them), and printed_tables.py, which two of them share."""
