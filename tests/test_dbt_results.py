"""Issue 37 item 1: Dagster sees every dbt result as it comes — also when the build fails. A dbt
test that fails (here a data fault: a scheme row sent twice, so the error-severity test
`unique_stg_scheme__schemes_scheme_code` finds it) is a failed asset check carrying dbt's
message; the models dbt built before it are materialised; the models after it are not; the step
fails naming the test."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.lib.settings import Settings

FAILING_TEST = "unique_stg_scheme__schemes_scheme_code"
SCHEMES = dg.AssetKey(["staging", "stg_scheme__schemes"])
AFTER_IT = dg.AssetKey(["intermediate", "int_water__section_scopes"])  # reads stg_scheme__schemes


@pytest.fixture(scope="module")
def failed_build(sample_run: Settings, tmp_path_factory: pytest.TempPathFactory):
    """The dbt step alone, on a copy of the sample run's warehouse with one scheme row sent
    twice: the seeds, the schemes' staging model with its tests and a model reading it."""
    from pipelines.definitions import build_definitions

    settings = Settings(data_dir=tmp_path_factory.mktemp("failing_dbt_test") / "data")
    shutil.copytree(sample_run.data_dir, settings.data_dir, symlinks=True)
    with duckdb.connect(str(settings.warehouse_path)) as con:
        con.execute("insert into raw.scheme_schemes select * from raw.scheme_schemes limit 1")
    defs = build_definitions(settings, year=2024)
    graph = defs.resolve_asset_graph()
    seeds = [k for k in graph.get_all_asset_keys() if k.path[0] == "standards"]
    result = defs.resolve_job_def("ecoscore_all").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False,
        asset_selection=[*seeds, SCHEMES, AFTER_IT])
    return result, seeds


def test_the_failing_dbt_test_is_a_failed_check_with_dbts_message(failed_build):
    result, _ = failed_build
    assert not result.success
    checks = {e.asset_check_evaluation_data.check_name: e.asset_check_evaluation_data
              for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"}
    failed = checks[FAILING_TEST]
    assert failed.asset_key == SCHEMES and not failed.passed
    assert failed.severity == dg.AssetCheckSeverity.ERROR
    # dbt's own message for a test that found rows
    assert "Got 1 result, configured to fail if != 0" in (failed.description or "")
    assert failed.metadata["dbt/failures"].value == 1
    assert checks["not_null_stg_scheme__schemes_scheme_code"].passed  # the others ran and passed


def test_the_models_built_before_it_are_materialised_and_those_after_it_not(failed_build):
    result, seeds = failed_build
    materialised = {e.asset_key for e in result.get_asset_materialization_events()}
    assert set(seeds) | {SCHEMES} <= materialised  # built before the test failed
    assert AFTER_IT not in materialised  # dbt skipped it: its input failed a test
    rows = {e.asset_key: e.materialization.metadata["dagster/row_count"].value
            for e in result.get_asset_materialization_events()}
    assert rows[dg.AssetKey(["standards", "std_pollutants"])] > 0


def test_the_step_fails_naming_the_failed_test(failed_build):
    result, _ = failed_build
    [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert failure.step_key == "ecoscore_dbt"
    message = failure.step_failure_data.error.message
    assert FAILING_TEST in message and "Got 1 result" in message
    # every result was recorded before the step failed (as each node finished, not after)
    order = [e.event_type_value for e in result.all_events if e.step_key == "ecoscore_dbt"]
    assert order.index("STEP_FAILURE") > max(
        i for i, kind in enumerate(order) if kind in ("ASSET_MATERIALIZATION",
                                                       "ASSET_CHECK_EVALUATION"))


@pytest.mark.e2e  # runs dbt
def test_a_result_is_handed_over_before_dbt_has_finished(tmp_path: Path):
    """dbt's results arrive while it still builds: the first seed's result comes while dbt
    still loads the others (pipelines/lib/dbt_launcher.py DbtStream)."""
    from pipelines.lib import dbt_launcher
    from pipelines.lib.settings import PROJECT_ROOT

    seeds = len(list((PROJECT_ROOT / "dbt_project" / "seeds").rglob("*.csv")))

    stream = dbt_launcher.stream(["seed"], warehouse=tmp_path / "w.duckdb",
                                 target_path=tmp_path / "target", vars={"year": 2024}, echo=False)
    seen = []
    for result in stream:
        seen.append((result.resource_type, result.status, stream.run is None))
    assert seeds >= 16 and len(seen) == seeds and all(kind == "seed" and status == "success"
                                   for kind, status, _ in seen)
    assert seen[0][2]  # handed over before the invocation had an outcome
    assert stream.run is not None and stream.run.success and len(stream.run.results) == seeds


def test_the_unit_totals_are_checked_once_by_dbt_and_a_wrong_total_fails(sample_run: Settings,
                                                                         tmp_path: Path):
    """Issue 37 item 4, one home for "total = base + every movement" (SPEC §4: 年度目标考核得分 =
    各单项目标分值 − 扣分 + 加分): dbt's `assert_unit_totals_add_up` (an asset check on
    fct_unit_scores); no quality suite computes it again. A total 1.5 points off fails it,
    naming the unit."""
    from pipelines.lib import dbt_launcher

    warehouse = tmp_path / "ecoscore.duckdb"
    shutil.copy2(sample_run.warehouse_path, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        unit = con.execute("select unit_code from marts.fct_unit_scores order by all limit 1").fetchone()[0]
        con.execute("update marts.fct_unit_scores set total_score = total_score - 1.5 "
                    "where unit_code = ?", [unit])
    run = dbt_launcher.invoke(["test", "--select", "assert_unit_totals_add_up"], warehouse=warehouse,
                              target_path=tmp_path / "target", vars={"year": 2024}, check=False)
    [failed] = run.failures()
    assert failed.name == "assert_unit_totals_add_up" and failed.failures == 1
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute("select unit_code from (" + compiled(tmp_path) + ")").fetchall()
    assert rows == [(unit,)]


def compiled(target: Path) -> str:
    """The compiled SQL of the singular test (dbt writes it under the target folder)."""
    [path] = (target / "target" / "compiled").rglob("assert_unit_totals_add_up.sql")
    return path.read_text(encoding="utf-8")
