"""Department ledgers (台账): templates, messy Excel and CSV ingest, quarantine."""
