"""Imported once by the run launcher's fork server (pipelines/lib/run_launcher.py), after the
libraries: parses the dbt project once into a scratch folder, so that dbt's first-use work —
generating its (de)serialisers and JSON schemas, ~1 s — is done before any run is forked, not in
each run's first dbt step. Nothing it writes is kept; a failure only means runs start less warm.

It imports nothing else of this project: the fork server holds, besides third-party code, only
this module and the packages `pipelines` and `pipelines.lib` (docstrings, no code); every run
imports the project's modules fresh, so an edit counts at the next run."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"


def parse_dbt_project() -> None:
    from dbt.cli.main import dbtRunner

    saved = os.environ.get("ECOSCORE_WAREHOUSE")
    with tempfile.TemporaryDirectory(prefix="ecoscore-warm-") as scratch:
        os.environ["ECOSCORE_WAREHOUSE"] = str(Path(scratch) / "scratch.duckdb")  # never opened
        try:
            dbtRunner().invoke(["parse", "--no-write-json", "--quiet", "--log-level", "none",
                                "--project-dir", str(DBT_PROJECT), "--profiles-dir",
                                str(DBT_PROJECT), "--target-path", str(Path(scratch) / "target"),
                                "--log-path", scratch])
        finally:
            if saved is None:
                os.environ.pop("ECOSCORE_WAREHOUSE", None)
            else:
                os.environ["ECOSCORE_WAREHOUSE"] = saved


try:
    parse_dbt_project()
except Exception:  # a warm-up: runs parse for themselves anyway
    pass
