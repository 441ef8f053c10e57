"""Dagster assets of the scoring domain: scheme files → raw scheme tables; peer tables and
self scores → raw tables. The scores themselves are dbt models (models/*/scoring)."""

import dagster as dg
import polars as pl

from pipelines.lib.resources import RunParameters, WarehouseResource
from pipelines.scoring.inputs import read_peers, read_published_measures, read_self_scores
from pipelines.scoring.scheme import TABLES, SchemeError, load_schemes, scheme_tables

GROUP = "scoring"


@dg.multi_asset(
    specs=[dg.AssetSpec(["raw", f"scheme_{t}"], group_name=GROUP, kinds={"yaml", "duckdb"},
                        description=f"Scheme {t} from data/raw/schemes/*.yaml (validated).")
           for t in TABLES]
    + [dg.AssetSpec(["raw", "scheme_catalog"], group_name=GROUP, kinds={"yaml", "duckdb"},
                    description="Code and year of every scheme file (all years): a ledger row "
                                "of another year's scheme belongs to that year's run.")],
    name="raw_schemes",
)
def raw_schemes(context: dg.AssetExecutionContext, run: RunParameters,
                warehouse: WarehouseResource):
    # Only the schemes of the run's year: the data of other years is not in data/raw, so a
    # scheme is scored by a run of its own year (`ecoscore run --year 2023`).
    raw_dir = warehouse.settings.raw_dir
    every = load_schemes(raw_dir / "schemes")
    catalog = pl.DataFrame({"scheme_code": [s.code for s in every],
                            "scheme_year": [s.year for s in every]},
                           schema={"scheme_code": pl.String, "scheme_year": pl.Int64})
    yield dg.MaterializeResult(asset_key=["raw", "scheme_catalog"],
                               metadata={"rows": warehouse.replace("raw", "scheme_catalog", catalog)})
    schemes = [s for s in every if s.year == run.assessment_year]
    if not schemes:
        raise SchemeError(f"{raw_dir / 'schemes'}: 没有 {run.assessment_year} 年的考核方案文件")
    context.log.info("schemes: " + ", ".join(f"{s.code} ({s.path.name})" for s in schemes))
    for name, frame in scheme_tables(schemes, raw_dir).items():
        rows = warehouse.replace("raw", f"scheme_{name}", frame)
        yield dg.MaterializeResult(asset_key=["raw", f"scheme_{name}"],
                                   metadata={"rows": rows,
                                             "schemes": ", ".join(s.code for s in schemes)})


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


defs = dg.Definitions(assets=[raw_schemes, raw_scoring_peers, raw_scoring_self_scores,
                              raw_scoring_published_measures])
