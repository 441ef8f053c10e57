"""Data quality: Great Expectations suites as Dagster asset checks, the report, the gate."""
