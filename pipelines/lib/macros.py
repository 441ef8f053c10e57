"""The one loader of dbt macros as plain jinja2 callables. The standards' macros (IAQI, GB 3838,
feed parsing) are written without dbt-only calls on purpose, so the calculators (`ecoscore aqi`,
`ecoscore water-class`) and the quality frames render the very SQL the models run."""

from __future__ import annotations

from functools import cache

import jinja2

from pipelines.lib.settings import DBT_PROJECT_DIR

MACROS_DIR = DBT_PROJECT_DIR / "macros"


@cache
def dbt_macros(relative: str) -> jinja2.runtime.TemplateModule:
    """dbt_project/macros/<relative> — a folder (every .sql in it, in name order) or one file."""
    path = MACROS_DIR / relative
    files = sorted(path.glob("*.sql")) if path.is_dir() else [path]
    if not files or not all(f.is_file() for f in files):
        raise FileNotFoundError(f"{path}: no dbt macro file")
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    return env.from_string("\n".join(f.read_text(encoding="utf-8") for f in files)).module
