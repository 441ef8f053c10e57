"""The scheme: assessment schemes as data (YAML) — loading and validation (loader.py, against
scheme_schema.yaml and the registries, registry.py), `ecoscore scheme check` (check.py) and
`ecoscore scheme draft` (draft/). Every domain may read it; it reads no domain."""
