"""Dagster assets of the scoring domain: peer tables, self scores and published measures → raw
tables (the scheme files are the scheme domain's, pipelines/scheme/assets.py). The scores
themselves are dbt models (models/*/scoring)."""

import dagster as dg

from pipelines.lib.resources import WarehouseResource
from pipelines.scoring.inputs import read_peers, read_published_measures, read_self_scores

GROUP = "scoring"


@dg.asset(key=["raw", "scoring_peers"], group_name=GROUP, kinds={"csv", "duckdb"},
          description="Published peer tables (data/raw/peers/*.csv): value, rank (ties as "
                      "published) and last year's value of each county on each indicator.")
def raw_scoring_peers(warehouse: WarehouseResource) -> dg.MaterializeResult:
    rows = warehouse.replace("raw", "scoring_peers", read_peers(warehouse.settings.raw_dir))
    return dg.MaterializeResult(metadata={"rows": rows})


@dg.asset(key=["raw", "scoring_self_scores"], group_name=GROUP, kinds={"csv", "duckdb"},
          description="Units' self scores (自评分) from data/raw/schemes/self_scores/*.csv.")
def raw_scoring_self_scores(warehouse: WarehouseResource) -> dg.MaterializeResult:
    rows = warehouse.replace("raw", "scoring_self_scores",
                             read_self_scores(warehouse.settings.raw_dir))
    return dg.MaterializeResult(metadata={"rows": rows})


@dg.asset(key=["raw", "scoring_published_measures"], group_name=GROUP, kinds={"csv", "duckdb"},
          description="Published measure values (data/raw/measures/*.csv): a unit's value of a "
                      "measure the domains cannot compute for it; a domain value wins.")
def raw_scoring_published_measures(warehouse: WarehouseResource) -> dg.MaterializeResult:
    rows = warehouse.replace("raw", "scoring_published_measures",
                             read_published_measures(warehouse.settings.raw_dir))
    return dg.MaterializeResult(metadata={"rows": rows})


defs = dg.Definitions(assets=[raw_scoring_peers, raw_scoring_self_scores,
                              raw_scoring_published_measures])
