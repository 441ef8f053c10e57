"""Air quality: station feed ingest, the AQI calculator (HJ 633 / HJ 663 / GB 3095)."""
