"""Province scale: shards' runs side by side and the province rollup over their releases."""
