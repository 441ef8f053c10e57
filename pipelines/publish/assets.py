"""Dagster assets of the publish domain: export → dashboard → office files → switch live, in one run."""


import dagster as dg

from pipelines.analysis.dictionary import write_release_dictionary
from pipelines.dbt.assets import mart_asset_keys
from pipelines.dbt.project import dbt_project
from pipelines.lib.interrupts import raise_if_stopped
from pipelines.lib.resources import RunParameters, WarehouseResource
from pipelines.publish import history, release
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


@dg.multi_asset(
    specs=[dg.AssetSpec(["raw", history.PUBLISHED_YEARS], group_name=GROUP, kinds={"parquet", "duckdb"},
                        description="Every other assessment year's published unit scores (its live "
                                    "release; 定稿 once finalised, else 初步), for fct_unit_score_history."),
           dg.AssetSpec(["raw", history.RELEASE_RUN], group_name=GROUP, kinds={"duckdb"},
                        description="This run's assessment year, release (run id) and status.")],
    name="published_year_scores")
def published_year_scores(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                          run: RunParameters):
    published, this_run = history.published_year_scores(warehouse.settings, run.assessment_year,
                                                        context.run.run_id)
    written = warehouse.replace_many("raw", {history.PUBLISHED_YEARS: published,
                                             history.RELEASE_RUN: this_run})
    for table, rows in written.items():
        yield dg.MaterializeResult(asset_key=["raw", table], metadata={"rows": rows})


MONTHLY_MART = dg.AssetKey(["marts", "fct_unit_score_monthly"])


@dg.asset(key=["ops", "unit_score_month_ends"], group_name=GROUP, kinds={"dbt", "duckdb"},
          deps=[*(k for k in mart_asset_keys() if k != MONTHLY_MART), *checked_model_keys()],
          description="Each unit's scores as of every month end of the year so far: a month end "
                      "is recorded once, by the run that first finds it past (re-scored as of that "
                      "date on a copy of the warehouse; 31 December of a closed year from the "
                      "run's own scores), after every quality check passed. Which month ends: the run's "
                      "month_ends, else ECOSCORE_MONTH_ENDS: all (default) / latest / off.")
def unit_score_month_ends(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                          run: RunParameters) -> dg.MaterializeResult:
    raise_if_stopped("unit_score_month_ends")
    mode = history.month_end_mode(run.month_ends)
    done = history.record_month_ends(warehouse.settings, run.assessment_year, context.run.run_id,
                                     as_of=run.as_of, mode=mode)
    if done.pending:
        context.log.info(f"月末得分尚缺 {len(done.pending)} 个月（{history.MODE_ENV}="
                         f"{mode}）：{', '.join(map(str, done.pending))}；"
                         "以后的运行或 ecoscore history 补算 (later runs or `ecoscore history` add them)")
    return dg.MaterializeResult(metadata={
        "recorded": [str(d) for d in done.recorded], "rescored": len(done.rescored),
        "pending": [str(d) for d in done.pending], "seconds": round(done.seconds, 1)})


@dg.asset(group_name=GROUP, deps=[*mart_asset_keys(), *checked_model_keys()], kinds={"parquet"},
          description="Every mart exported to Parquet (the units' scores over the years and month "
                      "by month included), with the quarantine lists, a read-only copy of the "
                      "warehouse and the data dictionary (dictionary/: Markdown and HTML), in this "
                      "run's staging release folder.")
def release_candidate(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                      run: RunParameters) -> dg.MaterializeResult:
    raise_if_stopped("release_candidate")
    counts = release.export_marts(warehouse.settings, context.run.run_id)
    staged = release.staging_dir(warehouse.settings, context.run.run_id)
    # the data dictionary of exactly what is published, in the release (issue 35)
    md, page = write_release_dictionary(dbt_project.manifest_path, staged)
    return dg.MaterializeResult(metadata={**{f"rows_{k}": v for k, v in counts.items()},
                                          "dictionary": str(page.relative_to(staged))})


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


defs = dg.Definitions(assets=[published_year_scores, unit_score_month_ends, release_candidate, dashboard,
                              office_files, published_release],
                      resources={"browser": BrowserResource()})
