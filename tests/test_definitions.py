"""The Dagster code location loads and shows every dbt model as an asset."""

from __future__ import annotations

import json

from pipelines.dbt.project import dbt_project


def test_every_dbt_model_and_seed_is_an_asset():
    from pipelines.definitions import defs

    keys = {k.path[-1] for k in defs.resolve_asset_graph().get_all_asset_keys()}
    manifest = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
    dbt_nodes = {n["name"] for n in manifest["nodes"].values()
                 if n["resource_type"] in ("model", "seed")}
    assert dbt_nodes and dbt_nodes <= keys


def test_lineage_runs_from_raw_files_to_the_published_release():
    import dagster as dg

    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    upstream = graph.get(dg.AssetKey("published_release")).parent_keys
    seen, frontier = set(), set(upstream)
    while frontier:
        key = frontier.pop()
        seen.add(key)
        frontier |= set(graph.get(key).parent_keys) - seen
    assert dg.AssetKey(["raw", "air_station_hourly"]) in seen
    assert dg.AssetKey(["raw", "scheme_items"]) in seen


def test_the_nightly_schedule_runs_at_two_in_beijing():
    from pipelines.definitions import defs

    schedule = defs.resolve_schedule_def("nightly")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "Asia/Shanghai"
