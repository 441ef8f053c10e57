"""Dagster assets of the scoring domain: scheme files → raw scheme tables."""


import dagster as dg

from pipelines.lib.resources import RunParameters, WarehouseResource
from pipelines.scoring.scheme import SchemeError, load_schemes, scheme_tables

GROUP = "scoring"
TABLES = ("schemes", "units", "items", "targets", "grades")


@dg.multi_asset(
    specs=[dg.AssetSpec(["raw", f"scheme_{t}"], group_name=GROUP, kinds={"yaml", "duckdb"},
                        description=f"Scheme {t} from data/raw/schemes/*.yaml (validated).")
           for t in TABLES],
    name="raw_schemes",
)
def raw_schemes(context: dg.AssetExecutionContext, run: RunParameters,
                warehouse: WarehouseResource):
    raw_dir = warehouse.settings.raw_dir
    schemes = load_schemes(raw_dir / "schemes", year=run.year)
    if not schemes:
        raise SchemeError(f"{raw_dir / 'schemes'}: 没有 {run.year} 年的考核方案文件")
    context.log.info("schemes: " + ", ".join(f"{s.code} ({s.path.name})" for s in schemes))
    for name, frame in scheme_tables(schemes, raw_dir).items():
        rows = warehouse.replace("raw", f"scheme_{name}", frame)
        yield dg.MaterializeResult(asset_key=["raw", f"scheme_{name}"],
                                   metadata={"rows": rows,
                                             "schemes": ", ".join(s.code for s in schemes)})


defs = dg.Definitions(assets=[raw_schemes])
