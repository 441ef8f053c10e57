"""Publishing: marts exported to Parquet, a read-only warehouse copy and the dashboard, in a
new release folder switched live in one step."""
