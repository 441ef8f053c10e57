"""Issue 9: a night's run redoes only what new data touched, and gets a full rebuild's answer.

The air domain on a cut-down copy of the sample (January, then February arrives): the hourly
feed is partitioned by month, so February's run reads February's file only and the incremental
air path rebuilds February's days only (with a day on each side: issue 37, the one dbt
invocation's `air_window`), then the marts downstream; and every air table then equals a full
rebuild's from scratch."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.lib.partitions import range_tags
from pipelines.lib.settings import Settings
from tests.conftest import SAMPLE_RAW, make_data_dir

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

FEBRUARY = "station_hourly_2024-02.csv"
AIR_TABLES = ("intermediate.int_air__station_o3_8h", "intermediate.int_air__station_daily",
              "intermediate.int_air__unit_daily", "marts.fct_air_unit_daily",
              "marts.fct_air_unit_monthly", "marts.fct_air_unit_annual")


def two_month_sample(root: Path, with_february: bool) -> Settings:
    settings = make_data_dir(root)
    for path in (settings.raw_dir / "air").glob("*.csv"):
        if not path.name.endswith(("2024-01.csv", "2024-02.csv")):
            path.unlink()
    if not with_february:
        (settings.raw_dir / "air" / FEBRUARY).unlink()
    return settings


def run_air(settings: Settings, first: str, last: str, full_refresh: bool = False):
    """The air marts and everything upstream, for the month partitions first … last."""
    from pipelines.definitions import build_definitions

    defs = build_definitions(settings, year=2024, full_refresh=full_refresh)
    graph = defs.resolve_asset_graph()
    selection = dg.AssetSelection.groups("air").upstream().required_multi_asset_neighbors().resolve(graph)
    result = defs.resolve_job_def("ecoscore_all").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), asset_selection=list(selection),
        tags=range_tags(first, last), raise_on_error=False)
    assert result.success
    return result, graph


def materialised(result) -> dict[dg.AssetKey, set[str | None]]:
    found: dict[dg.AssetKey, set[str | None]] = {}
    for event in result.get_asset_materialization_events():
        found.setdefault(event.asset_key, set()).add(event.partition)
    return found


def table_rows(settings: Settings, table: str) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return con.execute(f"select * from {table} order by all").fetchall()


@pytest.fixture(scope="module")
def nightly_then_rebuild(tmp_path_factory: pytest.TempPathFactory):
    saved = dict(os.environ)
    nightly = two_month_sample(tmp_path_factory.mktemp("nightly") / "data", with_february=False)
    run_air(nightly, "2024-01", "2024-01")
    shutil.copy(SAMPLE_RAW / "air" / FEBRUARY, nightly.raw_dir / "air" / FEBRUARY)
    february, graph = run_air(nightly, "2024-02", "2024-02")
    rebuilt = two_month_sample(tmp_path_factory.mktemp("rebuild") / "data", with_february=True)
    run_air(rebuilt, "2024-01", "2024-02", full_refresh=True)
    yield nightly, february, graph, rebuilt
    os.environ.clear()
    os.environ.update(saved)


def test_the_new_month_run_materialises_only_the_new_months_partitions(nightly_then_rebuild):
    _, february, graph, _ = nightly_then_rebuild
    partitions = {key: parts for key, parts in materialised(february).items()
                  if graph.get(key).partitions_def is not None}
    assert dg.AssetKey(["raw", "air_station_hourly"]) in partitions
    assert all(parts == {"2024-02"} for parts in partitions.values()), partitions


def test_the_air_path_rebuilds_only_the_new_months_days(nightly_then_rebuild):
    """Every incremental air model of February's run rebuilt February's days (and one each
    side), not January's: the dbt var `air_window` from the run's month partitions."""
    _, february, _, _ = nightly_then_rebuild
    days = {e.asset_key.path[-1]: e.materialization.metadata["ecoscore/days_rebuilt"].value
            for e in february.get_asset_materialization_events()
            if "ecoscore/days_rebuilt" in e.materialization.metadata}
    assert {"stg_air__station_hourly_checked", "int_air__station_daily", "int_air__unit_daily",
            "fct_air_unit_daily"} <= set(days)
    assert set(days.values()) == {"2024-01-31 … 2024-03-01"}


def test_the_new_month_run_reads_only_the_new_months_file(nightly_then_rebuild):
    _, february, _, _ = nightly_then_rebuild
    raw = [e for e in february.get_asset_materialization_events()
           if e.asset_key == dg.AssetKey(["raw", "air_station_hourly"])]
    metadata = raw[0].materialization.metadata
    assert metadata["files_read"].value == 1
    assert metadata["files"].value == f"air/{FEBRUARY}"


def test_the_marts_downstream_of_the_new_month_are_rebuilt(nightly_then_rebuild):
    _, february, _, _ = nightly_then_rebuild
    done = materialised(february)
    for name in ("fct_air_unit_monthly", "fct_air_unit_annual"):
        assert done.get(dg.AssetKey(["marts", name])) == {None}, name


@pytest.mark.parametrize("table", AIR_TABLES)
def test_month_by_month_equals_a_full_rebuild(nightly_then_rebuild, table: str):
    nightly, _, _, rebuilt = nightly_then_rebuild
    rows = table_rows(nightly, table)
    assert rows and rows == table_rows(rebuilt, table)
