"""The province rollup as a Dagster asset and job (tag ecoscore/shard: province, one at a time).
It reads every shard's live release; it writes no shard's warehouse, so it holds no shard's
lock and runs beside shard runs."""

import dagster as dg

from pipelines.lib.resources import RunParameters
from pipelines.province.rollup import province_lock, roll_up
from pipelines.scheme.shards import SHARD_TAG, load_registry

GROUP = "province"


@dg.asset(key=["province", "rollup"], group_name=GROUP, kinds={"parquet", "duckdb", "plotly"},
          description="Province marts (province_shard_status, province_city_ranking, "
                      "province_unit_ranking) and the province page, from every shard's "
                      "published fct_unit_scores.parquet read in place (data/shards.yaml).")
def province_rollup(context: dg.AssetExecutionContext, run: RunParameters) -> dg.MaterializeResult:
    registry = load_registry()
    with province_lock(registry):
        release, counts = roll_up(registry, run.assessment_year, context.run_id)
    return dg.MaterializeResult(metadata={"release": str(release), **counts})


province_job = dg.define_asset_job(
    "province_rollup", selection=dg.AssetSelection.groups(GROUP),
    description="The province view over every shard's live release of the run's year.",
    executor_def=dg.in_process_executor, tags={SHARD_TAG: "province"})

defs = dg.Definitions(assets=[province_rollup], jobs=[province_job])
