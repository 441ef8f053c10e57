"""Dagster assets of the publish domain: export → dashboard → office files → switch live, in one run."""


import dagster as dg

from pipelines.dbt.assets import mart_asset_keys
from pipelines.lib.interrupts import raise_if_stopped
from pipelines.lib.resources import RunParameters, WarehouseResource
from pipelines.publish import release
from pipelines.publish.dashboard.asof import build_dashboard_for_run
from pipelines.publish.dashboard.data import data_as_of
from pipelines.publish.dashboard.static import BrowserResource
from pipelines.publish.finalize import guard_publish, record_reopen, status_zh
from pipelines.publish.office import OFFICE_DIR, build_office_files
from pipelines.quality.suites import load_suites

GROUP = "publish"


def checked_model_keys() -> list[dg.AssetKey]:
    """The dbt models the quality suites read after dbt (expectations/*.yaml `asset`, raw
    tables aside: their gates run before dbt). The export waits for those checks, so the
    release's quality report is whole and a blocking finding holds publishing back."""
    keys = {dg.AssetKey(s.asset) for s in load_suites() if s.asset[0] != "raw"}
    return sorted(keys - set(mart_asset_keys()), key=lambda k: k.to_user_string())


def _staged(warehouse: WarehouseResource, run_id: str):
    staged = release.staging_dir(warehouse.settings, run_id)
    if not staged.exists():
        raise FileNotFoundError(
            f"{staged}: 本次运行没有待发布的数据。请在同一次运行中物化 publish 组的全部资产"
            "（release_candidate → dashboard → office_files → published_release）。"
        )
    return staged


@dg.asset(group_name=GROUP, deps=[*mart_asset_keys(), *checked_model_keys()], kinds={"parquet"},
          description="Every mart exported to Parquet, with the quarantine lists, a read-only "
                      "copy of the warehouse and the units' scores over the years "
                      "(fct_unit_score_history, from every year's live release), in this run's "
                      "staging release folder.")
def release_candidate(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                      run: RunParameters) -> dg.MaterializeResult:
    raise_if_stopped("release_candidate")
    counts = release.export_marts(warehouse.settings, context.run.run_id, run.assessment_year)
    return dg.MaterializeResult(metadata={f"rows_{k}": v for k, v in counts.items()})


@dg.asset(group_name=GROUP, deps=[release_candidate], kinds={"plotly", "html"},
          description="The leadership dashboard: one offline HTML file in Chinese, a PNG per panel "
                      "and one PDF (PNG/PDF only where a Chromium is installed).")
def dashboard(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
              run: RunParameters, browser: BrowserResource) -> dg.MaterializeResult:
    staged = _staged(warehouse, context.run.run_id)
    status = status_zh(warehouse.settings, run.assessment_year,
                       run.reopen_reason if run.reopen else "")
    result = build_dashboard_for_run(warehouse.settings, staged, run.assessment_year, run.as_of,
                                     status=status, browser=browser.browser)
    if result.static.message:
        context.log.warning(result.static.message)
    return dg.MaterializeResult(metadata={
        "bytes": result.html.stat().st_size, "seconds": result.seconds, "as_of": str(result.as_of),
        "pngs": len(result.static.pngs), "figures_drawn": result.static.drawn,
        "pdf": str(result.static.pdf or result.static.message)})


@dg.asset(group_name=GROUP, deps=[dashboard], kinds={"excel", "word"},
          description="The results in the office's own formats, from the staged marts: per scheme "
                      "考核结果_<scheme>_<year>.xlsx and the draft 考核通报_<scheme>_<year>.docx "
                      "(with the dashboard's ranking chart), in the release's office/ folder.")
def office_files(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                 run: RunParameters) -> dg.MaterializeResult:
    staged = _staged(warehouse, context.run.run_id)
    year = run.assessment_year
    # the run's parameters are what release.json will record (a finalisation flag, when runs
    # carry one, makes the files say 定稿; otherwise 初步)
    made = build_office_files(staged, year, data_as_of(staged, year, run.as_of), staged / OFFICE_DIR,
                              record=run.model_dump())
    for files in made:
        if files.chart is None:
            context.log.warning(f"{files.report.name}: 驾驶舱排名图未导出（无 Chromium），通报中注明缺图。")
    return dg.MaterializeResult(metadata={
        "files": [p.name for f in made for p in (f.workbook, f.report)],
        "schemes": [f.scheme_code for f in made]})


@dg.asset(group_name=GROUP, deps=[dashboard, office_files],
          description="Switches the year's live release (data/marts/<year>/current, and "
                      "data/marts/current to the newest year's) to this run's release in one "
                      "step; refuses a finalised (定稿) year unless the run reopens it.")
def published_release(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                      run: RunParameters) -> dg.MaterializeResult:
    _staged(warehouse, context.run.run_id)
    settings, year = warehouse.settings, run.assessment_year
    guard_publish(settings, year, run.reopen, run.reopen_reason)
    raise_if_stopped("published_release")  # the last moment a stop can still be honoured
    record = {"year": year, "as_of": run.as_of,
              "reopened": run.reopen_reason if run.reopen else ""}
    final = release.switch_live(settings, context.run.run_id, record)
    if run.reopen:
        record_reopen(settings, year, run.reopen_reason, context.run.run_id)
    return dg.MaterializeResult(metadata={"release": str(final), "year": year})


defs = dg.Definitions(assets=[release_candidate, dashboard, office_files, published_release],
                      resources={"browser": BrowserResource()})
