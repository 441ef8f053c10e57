"""dbt's unit tests (the rules' fixture cases beside the models: `unit_tests:` in the models'
.yml files, each naming the seed item or standard clause it checks). Pipeline runs leave them out
(pipelines/dbt/assets.py NOT_IN_RUNS: they do not read the data); they run here, on a copy of
the shared sample run's warehouse — dbt reads the column types of each tested model's inputs
from the warehouse — so `make test` and CI run every one of them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from pipelines.dbt.project import dbt_project
from pipelines.lib import dbt_launcher
from pipelines.lib.settings import Settings


def test_every_dbt_unit_test_passes(sample_run: Settings, tmp_path: Path):
    warehouse = tmp_path / "unit.duckdb"
    shutil.copy2(sample_run.warehouse_path, warehouse)  # every model (the release: marts only)
    run = dbt_launcher.invoke(["test", "--select", "test_type:unit"], warehouse=warehouse,
                              target_path=tmp_path / "target", vars={"year": 2024, "as_of": ""},
                              check=False)
    assert run.success, dbt_launcher.describe_failure(run)
    manifest = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
    unit_tests = {test["name"] for test in manifest["unit_tests"].values()}
    ran = {result.name for result in run.results if result.status == "pass"}
    assert len(unit_tests) >= 70
    assert ran == unit_tests, f"not run or not passed: {sorted(unit_tests - ran)}"
