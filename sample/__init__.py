"""Deterministic generators of the bundled sample data (the 钦州市 2024 sample year)."""
