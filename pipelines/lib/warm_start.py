"""Imported once by the run launcher's fork server (pipelines/lib/run_launcher.py), after the
libraries: parses the dbt project once into a scratch folder (through `dbt_launcher`, the one
place that starts dbt), so that dbt's first-use work — generating its (de)serialisers and JSON
schemas, ~1 s — is done before any run is forked, not in each run's first dbt step. Nothing it
writes is kept; a failure only means runs start less warm.

It then forgets the project's modules it imported (the launcher, settings): the fork server
holds, besides third-party code, only this module and the packages `pipelines` and
`pipelines.lib` (docstrings, no code); every run imports the project's modules afresh, so an
edit counts at the next run."""

from __future__ import annotations

import contextlib
import sys
import tempfile
from pathlib import Path

KEPT = {"pipelines", "pipelines.lib", __name__}  # still importing (this one) or code-free


def parse_dbt_project() -> None:
    from pipelines.lib import dbt_launcher

    with tempfile.TemporaryDirectory(prefix="ecoscore-warm-") as scratch:
        dbt_launcher.parse(warehouse=Path(scratch) / "scratch.duckdb",  # never opened by a parse
                           target_path=Path(scratch) / "target")


def forget_project_modules() -> None:
    """Drop the project's modules imported here, from sys.modules and from their package (an
    attribute left there would be what `from pipelines.lib import x` finds)."""
    for name in [n for n in sys.modules if n.split(".")[0] == "pipelines" and n not in KEPT]:
        del sys.modules[name]
        package, _, attribute = name.rpartition(".")
        with contextlib.suppress(KeyError, AttributeError):
            delattr(sys.modules[package], attribute)


try:
    parse_dbt_project()
except Exception:  # a warm-up: runs parse for themselves anyway
    pass
finally:
    forget_project_modules()
