"""Scoring: schemes as data (YAML), loaded into the warehouse; scores are SQL marts in dbt."""
