"""One dbt launcher (issue 20 item 5): every place that starts dbt goes through
pipelines/lib/dbt_launcher.py, which reports each finished node for a presenter ("dbt models
i/N") and leaves the warehouse file free when dbt is done."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

from pipelines.lib import dbt_launcher
from pipelines.lib.settings import PROJECT_ROOT

# ways to start dbt: its runner, dagster-dbt's CLI resource call, the dbt executable
STARTS_DBT = re.compile(r"dbtRunner\(|\.cli\(|with_name\(\"dbt\"\)|/ \"dbt\"|\[\"dbt\"|'dbt',")
LAUNCHER = PROJECT_ROOT / "pipelines" / "lib" / "dbt_launcher.py"


def test_no_module_but_the_launcher_starts_dbt():
    """Issue 20 item 5: the four subprocess launchers and the Dagster assets' calls are gone."""
    offenders = []
    for folder in ("pipelines", "bench"):
        for path in sorted((PROJECT_ROOT / folder).rglob("*.py")):
            if path == LAUNCHER:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if STARTS_DBT.search(line):
                    offenders.append(f"{path.relative_to(PROJECT_ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_every_caller_uses_the_launcher():
    """The commands that build with dbt (ledger-check, whatif, as-of scoring, docs), the
    Dagster assets and the air benchmark all call it."""
    callers = ["pipelines/ledgers/check.py", "pipelines/analysis/whatif.py",
               "pipelines/lib/as_of.py", "pipelines/analysis/dictionary.py",
               "pipelines/dbt/assets.py", "bench/air_national.py"]
    for caller in callers:
        assert "dbt_launcher." in (PROJECT_ROOT / caller).read_text(encoding="utf-8"), caller


def _event(name: str, **data) -> SimpleNamespace:
    return SimpleNamespace(info=SimpleNamespace(name=name), data=SimpleNamespace(**data))


def test_progress_reports_each_finished_node_of_the_selection():
    seen: list[dbt_launcher.Progress] = []
    remove = dbt_launcher.add_listener(seen.append)
    try:
        counter = dbt_launcher._Counter()
        counter(_event("ConcurrencyLine", node_count=2, num_threads=1, target_name="dev"))
        for name in ("stg_a", "fct_b"):
            counter(_event("NodeFinished", node_info=SimpleNamespace(
                node_name=name, resource_type="model", node_status="success")))
        counter(_event("MainReportVersion"))
    finally:
        remove()
    assert [(p.index, p.total, p.name, p.status) for p in seen] == [
        (1, 2, "stg_a", "success"), (2, 2, "fct_b", "success")]


@pytest.mark.e2e  # runs dbt in this process
def test_invoke_runs_dbt_in_process_and_frees_the_warehouse(tmp_path: Path):
    """A seed built in this process; the same process then opens the file for writing (dbt-duckdb
    would otherwise keep it open) and the listener saw the one node."""
    warehouse = tmp_path / "w.duckdb"
    seen: list[dbt_launcher.Progress] = []
    remove = dbt_launcher.add_listener(seen.append)
    try:
        run = dbt_launcher.invoke(["seed", "--select", "std_pollutants"], warehouse=warehouse,
                                  target_path=tmp_path / "target", vars={"year": 2024},
                                  reuse_parse=False)
    finally:
        remove()
    assert run.success and [r.name for r in run.results] == ["std_pollutants"]
    assert [(p.index, p.total, p.name) for p in seen] == [(1, 1, "std_pollutants")]
    con = duckdb.connect(str(warehouse))
    try:
        schema = con.execute("select table_schema from information_schema.tables "
                             "where table_name = 'std_pollutants'").fetchone()[0]
        assert con.execute(f"select count(*) from {schema}.std_pollutants").fetchone()[0] > 0
    finally:
        con.close()
