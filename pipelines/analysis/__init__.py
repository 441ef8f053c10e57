"""For analysts: the data dictionary and dbt docs (`ecoscore docs`), what-if scenarios."""
