"""Dagster assets of the scoring domain: peer tables, self scores and published measures → raw
tables, loaded by one step (pipelines/lib/raw_tables.py; the scheme files are the scheme
domain's, pipelines/scheme/assets.py). The scores themselves are dbt models (models/*/scoring)."""

import dagster as dg

from pipelines.lib.raw_tables import RawTable, raw_tables_asset
from pipelines.scoring.inputs import read_peers, read_published_measures, read_self_scores

GROUP = "scoring"
CSV = frozenset({"csv", "duckdb"})

TABLES = [
    RawTable("scoring_peers", "Published peer tables (data/raw/peers/*.csv): value, rank (ties as "
                              "published) and last year's value of each county on each indicator.",
             read_peers, kinds=CSV),
    RawTable("scoring_self_scores", "Units' self scores (自评分) from "
                                    "data/raw/schemes/self_scores/*.csv.", read_self_scores, kinds=CSV),
    RawTable("scoring_published_measures", "Published measure values (data/raw/measures/*.csv): a "
                                           "unit's value of a measure the domains cannot compute "
                                           "for it; a domain value wins.",
             read_published_measures, kinds=CSV),
]

raw_scoring_inputs = raw_tables_asset("raw_scoring_inputs", GROUP, TABLES)

defs = dg.Definitions(assets=[raw_scoring_inputs])
