"""Dagster assets of the publish domain: export → dashboard → office files → switch live, in one run."""


import dagster as dg
import polars as pl

from pipelines.dbt.assets import mart_asset_keys
from pipelines.lib.interrupts import raise_if_stopped
from pipelines.lib.resources import RunParameters, WarehouseResource
from pipelines.publish import release
from pipelines.publish.dashboard.asof import build_dashboard_for_run
from pipelines.publish.dashboard.data import data_as_of, read_mart
from pipelines.publish.office import OFFICE_DIR, build_office_files

GROUP = "publish"


def _staged(warehouse: WarehouseResource, run_id: str):
    staged = release.staging_dir(warehouse.settings, run_id)
    if not staged.exists():
        raise FileNotFoundError(
            f"{staged}: 本次运行没有待发布的数据。请在同一次运行中物化 publish 组的全部资产"
            "（release_candidate → dashboard → office_files → published_release）。"
        )
    return staged


@dg.asset(group_name=GROUP, deps=mart_asset_keys(), kinds={"parquet"},
          description="Every mart exported to Parquet, with the quarantine lists and a read-only "
                      "copy of the warehouse, in this run's staging release folder.")
def release_candidate(context: dg.AssetExecutionContext,
                      warehouse: WarehouseResource) -> dg.MaterializeResult:
    raise_if_stopped("release_candidate")
    counts = release.export_marts(warehouse.settings, context.run.run_id)
    return dg.MaterializeResult(metadata={f"rows_{k}": v for k, v in counts.items()})


@dg.asset(group_name=GROUP, deps=[release_candidate], kinds={"plotly", "html"},
          description="The leadership dashboard: one offline HTML file in Chinese, a PNG per panel "
                      "and one PDF (PNG/PDF only where a Chromium is installed).")
def dashboard(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
              run: RunParameters) -> dg.MaterializeResult:
    staged = _staged(warehouse, context.run.run_id)
    result = build_dashboard_for_run(warehouse.settings, staged, run.year, run.as_of)
    if result.static.message:
        context.log.warning(result.static.message)
    return dg.MaterializeResult(metadata={
        "bytes": result.html.stat().st_size, "seconds": result.seconds, "as_of": str(result.as_of),
        "pngs": len(result.static.pngs), "pdf": str(result.static.pdf or result.static.message)})


@dg.asset(group_name=GROUP, deps=[dashboard], kinds={"excel", "word"},
          description="The results in the office's own formats, from the staged marts: per scheme "
                      "考核结果_<scheme>_<year>.xlsx and the draft 考核通报_<scheme>_<year>.docx "
                      "(with the dashboard's ranking chart), in the release's office/ folder.")
def office_files(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                 run: RunParameters) -> dg.MaterializeResult:
    staged = _staged(warehouse, context.run.run_id)
    daily = read_mart(staged, "fct_air_unit_daily")
    if daily is not None:
        daily = daily.filter(pl.col("obs_year") == run.year)
    # the run's parameters are what release.json will record (a finalisation flag, when runs
    # carry one, makes the files say 定稿; otherwise 初步)
    made = build_office_files(staged, run.year, data_as_of(daily, run.year, run.as_of), staged / OFFICE_DIR,
                              record=run.model_dump())
    for files in made:
        if files.chart is None:
            context.log.warning(f"{files.report.name}: 驾驶舱排名图未导出（无 Chromium），通报中注明缺图。")
    return dg.MaterializeResult(metadata={
        "files": [p.name for f in made for p in (f.workbook, f.report)],
        "schemes": [f.scheme_code for f in made]})


@dg.asset(group_name=GROUP, deps=[dashboard, office_files],
          description="Switches data/marts/current to this run's release in one step.")
def published_release(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                      run: RunParameters) -> dg.MaterializeResult:
    _staged(warehouse, context.run.run_id)
    raise_if_stopped("published_release")  # the last moment a stop can still be honoured
    final = release.switch_live(warehouse.settings, context.run.run_id,
                                {"year": run.year, "as_of": run.as_of})
    return dg.MaterializeResult(metadata={"release": str(final)})


defs = dg.Definitions(assets=[release_candidate, dashboard, office_files, published_release])
