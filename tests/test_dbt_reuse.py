"""Issue 21 (the nightly run): the dbt models that do not read the air path (with their tests)
are not built again when their inputs did not change — and are built whenever any of them did
(pipelines/dbt/reuse.py); the run's one dbt invocation leaves them out. Reused nodes say so: their
assets carry `ecoscore/cached` and the run that built them; their tests are not run again (each
test's latest result stays the one of the building run)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.dbt import reuse
from pipelines.dbt.assets import air_path_and_after, ecoscore_dbt, spec_ids
from pipelines.dbt.project import dbt_project
from pipelines.lib.settings import Settings

# what would make a model's result depend on something besides its sources, vars and seeds
OUTSIDE_INPUTS = re.compile(r"current_date|current_timestamp|now\(\)|today\(\)|get_current_time|"
                            r"env_var|run_started_at|invocation_id|read_csv|read_parquet|"
                            r"read_json|\braw\.|restricted", re.IGNORECASE)


COMMENTS = re.compile(r"\{#.*?#\}|--[^\n]*", re.DOTALL)


def code(text: str) -> str:
    """SQL and Jinja without comments (they may name restricted.duckdb to say it is not read)."""
    return COMMENTS.sub("", text)


def manifest() -> dict:
    import json

    return json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))


def macros_of(found: dict, ids: list[str], seen: set[str]) -> set[str]:
    for macro in ids:
        if macro not in seen and macro in found["macros"]:
            seen.add(macro)
            macros_of(found, found["macros"][macro]["depends_on"]["macros"], seen)
    return seen


def test_the_reused_step_reads_nothing_but_sources_vars_and_seeds():
    """The fingerprint covers the project's files, the vars and the sources' rows: a model or
    test of the step that read the clock, an environment variable or a file or table outside
    dbt's sources would be reused when it should not be."""
    found = manifest()
    nodes = reuse.group_nodes(found, air_path_and_after(found))
    assert len(nodes) > 100
    offenders = []
    for uid in nodes:
        node = found["nodes"][uid]
        if OUTSIDE_INPUTS.search(code(node.get("raw_code", ""))):
            offenders.append(uid)
        for macro in macros_of(found, node["depends_on"]["macros"], set()):
            if macro.startswith("macro.ecoscore.") and \
                    OUTSIDE_INPUTS.search(code(found["macros"][macro]["macro_sql"])):
                offenders.append(f"{uid} → {macro}")
    assert offenders == []
    sources = reuse.step_sources(found, nodes)
    assert "raw.ledger_rows" in sources and "raw.scheme_items" in sources
    assert "raw.air_station_hourly" not in sources  # the air feed belongs to the next steps


def test_a_relation_digest_sees_every_value_and_every_repeat_but_not_the_order():
    con = duckdb.connect()
    con.execute("create table t as select * from (values (1, 'a'), (2, 'b')) v(n, s)")
    first = reuse.relation_digest(con, "t")
    con.execute("create or replace table t as select * from (values (2, 'b'), (1, 'a')) v(n, s)")
    assert reuse.relation_digest(con, "t") == first
    con.execute("create or replace table t as select * from (values (1, 'a'), (2, 'c')) v(n, s)")
    assert reuse.relation_digest(con, "t") != first
    con.execute("create or replace table t as select * from (values (1, 'a'), (2, 'b'), (2, 'b')) "
                "v(n, s)")
    assert reuse.relation_digest(con, "t") != first
    con.execute("create or replace table t as select * from (values (1, 'a'), (2, 'b')) v(n, x)")
    assert reuse.relation_digest(con, "t") != first  # a renamed column
    assert reuse.relation_digest(con, "missing") is None


def group_keys() -> tuple[set[dg.AssetKey], set[dg.AssetCheckKey]]:
    """The asset and check keys of the reusable group."""
    found = manifest()
    nodes = set(reuse.group_nodes(found, air_path_and_after(found)))
    assets, checks = spec_ids(ecoscore_dbt)
    return {k for u, k in assets.items() if u in nodes}, {k for u, k in checks.items() if u in nodes}


def step_events(result: dg.ExecuteInProcessResult) -> tuple[list, list]:
    keys, check_keys = group_keys()
    materialised = [e.materialization for e in result.get_asset_materialization_events()
                    if e.materialization.asset_key in keys]
    checks = [e.event_specific_data for e in result.all_events  # the group's dbt tests
              if e.event_type_value == "ASSET_CHECK_EVALUATION" and e.step_key == "ecoscore_dbt"
              and dg.AssetCheckKey(e.event_specific_data.asset_key,
                                   e.event_specific_data.check_name) in check_keys]
    return materialised, checks


@pytest.mark.e2e
@pytest.mark.slow  # three whole pipeline runs of its own
def test_an_unchanged_step_is_reused_and_a_changed_input_builds_it_again(sample_run: Settings,
                                                                         tmp_path: Path):
    """Two nights after the sample run with nothing new but air: the second reports the group's
    assets cached (its tests not run again) and publishes the same scores; one changed water
    value → built, tests and all."""
    import dagster as dg
    import polars as pl

    from pipelines.run import run_pipeline

    settings = Settings(data_dir=tmp_path / "data")
    shutil.copytree(sample_run.data_dir, settings.data_dir, symlinks=True)
    # the first night after the sample run builds: the ledger files' change flags (raw.ledger_files,
    # shown in fct_ledger_file_report) go from 新增 new to 未变 unchanged
    first = run_pipeline(settings, 2024, months=("2024-12", "2024-12"),
                         instance=dg.DagsterInstance.ephemeral())
    assert first.success
    materialised, _ = step_events(first)
    assert materialised and not any("ecoscore/cached" in m.metadata for m in materialised)
    before = pl.read_parquet(settings.current_release / "fct_unit_scores.parquet").sort(pl.all())

    night = run_pipeline(settings, 2024, months=("2024-12", "2024-12"),
                         instance=dg.DagsterInstance.ephemeral())
    assert night.success
    materialised, checks = step_events(night)
    assert len(materialised) == len(group_keys()[0])
    assert all(m.metadata["ecoscore/cached"].value is True for m in materialised)
    assert checks == []  # not run again: each test's latest result stays the building run's
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        kept = reuse.recorded(con, reuse.GROUP)  # a reusing night keeps the record: the next too
    assert kept is not None and kept.run_id == first.run_id
    after = pl.read_parquet(settings.current_release / "fct_unit_scores.parquet").sort(pl.all())
    assert after.equals(before)

    monthly = settings.raw_dir / "water" / "section_monthly_2024.csv"
    text = monthly.read_text(encoding="utf-8")
    assert "钦江高速公路桥,2024-01,7.18,5.96,4.9,17,3.6,0.655," in text
    monthly.write_text(text.replace("钦江高速公路桥,2024-01,7.18,5.96,4.9,17,3.6,0.655,",
                                    "钦江高速公路桥,2024-01,7.18,5.96,4.9,17,3.6,1.655,"),
                       encoding="utf-8")
    changed = run_pipeline(settings, 2024, months=("2024-12", "2024-12"),
                           instance=dg.DagsterInstance.ephemeral())
    assert changed.success
    materialised, checks = step_events(changed)
    assert materialised and not any("ecoscore/cached" in m.metadata for m in materialised)
    assert checks  # built: its tests ran
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)  # staging: the writer's
    try:
        assert con.execute("select count(*) from staging.stg_water__section_monthly_checked "
                           "where indicator = 'nh3n' and raw_value = '1.655'").fetchone()[0] == 1
        # NH3-N 1.655 mg/L is class IV (GB 3838-2002 表1: 1.0 < x ≤ 1.5 is III, ≤ 2.0 IV)
        assert con.execute("select class from marts.fct_water_section_monthly where section_name "
                           "= '钦江高速公路桥' and obs_year = 2024 and obs_month = 1"
                           ).fetchone()[0] >= 4
    finally:
        con.close()
