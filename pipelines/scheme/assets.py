"""Dagster assets of the scheme domain: scheme files (data/raw/schemes/*.yaml), validated
against the schema and the registries, → raw scheme tables that air, water, ledgers and scoring
read (dbt models/staging/scheme)."""

import dagster as dg
import polars as pl

from pipelines.lib.resources import RunParameters, WarehouseResource
from pipelines.scheme.loader import TABLES, SchemeError, load_schemes, scheme_tables

GROUP = "scheme"


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
    written = warehouse.replace_many("raw", {f"scheme_{name}": frame for name, frame
                                             in scheme_tables(schemes, raw_dir).items()})
    for table, rows in written.items():
        yield dg.MaterializeResult(asset_key=["raw", table],
                                   metadata={"rows": rows,
                                             "schemes": ", ".join(s.code for s in schemes)})


defs = dg.Definitions(assets=[raw_schemes])
