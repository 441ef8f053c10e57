"""A dashboard as of a date (`ecoscore dashboard --year YEAR --as-of YYYY-MM-DD`), as the
meeting after that date would see it, without touching the live release.

The whole pipeline runs as of the date in a scratch data folder under `data/scratch/` (raw inputs
linked, own warehouse, own releases). The previous meeting's scores (as of the end of the month
before) are re-scored on a copy of that run's warehouse by `pipelines/lib/as_of.py`
`scores_as_of`, the one home of as-of scoring (the notebooks' ranking by month end calls it
too): the same inputs and the same scheme, so "change since last month" means what the rules
say, not what an older run happened to publish. The result goes to
`data/marts/dashboards/<year>-asof-<date>/` (index.html, PNGs, PDF, the Excel and Word files in
office/, and the scores it showed); the scratch folder is removed."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from pipelines.lib.as_of import scores_as_of
from pipelines.lib.console import stage
from pipelines.lib.settings import Settings
from pipelines.publish.dashboard.data import month_end_before, read_mart
from pipelines.publish.dashboard.page import DashboardResult, build_dashboard
from pipelines.publish.dashboard.static import Browser

SCORES_FILE = "fct_unit_scores.parquet"


class AsOfRunError(RuntimeError):
    """The pipeline run as of a date failed; nothing was written to data/marts/dashboards/."""


@dataclass
class AsOfDashboard:
    result: DashboardResult
    out_dir: Path
    previous_as_of: date | None
    pipeline_seconds: float


def dashboards_dir(settings: Settings) -> Path:
    return settings.marts_dir / "dashboards"


def asof_dir(settings: Settings, year: int, as_of: date) -> Path:
    return dashboards_dir(settings) / f"{year}-asof-{as_of.isoformat()}"


def title_for(year: int, as_of: str) -> str:
    return f"生态环境保护目标责任考核 {year} 年度" + (f"（截至 {as_of}）" if as_of else "")


def previous_label(previous_as_of: date) -> str:
    return f"上月末（{previous_as_of.month} 月 {previous_as_of.day} 日，按同一数据与方案重新计分）"


def published_previous_scores(settings: Settings, release_dir: Path, year: int,
                              as_of: date) -> tuple[pl.DataFrame, date] | None:
    """For the nightly dashboard: each unit's scores as of the end of the previous month — the
    release's own month-end history (fct_unit_score_monthly), else an as-of dashboard made for
    that date (`ecoscore dashboard --as-of`) — when there are any."""
    previous = month_end_before(as_of)
    if previous.year != year:
        return None
    monthly = read_mart(release_dir, "fct_unit_score_monthly")
    if monthly is not None:
        rows = monthly.filter(pl.col("month_end") == previous)
        if rows.height:
            return rows, previous
    path = asof_dir(settings, year, previous) / SCORES_FILE
    return (pl.read_parquet(path), previous) if path.exists() else None


def scratch_settings(settings: Settings, name: str) -> Settings:
    """A scratch data folder under data/scratch/<name>: raw inputs linked, nothing else shared."""
    root = settings.data_dir / "scratch" / name
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    (root / "raw").symlink_to(settings.raw_dir.resolve(), target_is_directory=True)
    return Settings(data_dir=root)


def release_as_of(settings: Settings, year: int, as_of: date, name: str) -> tuple[Path, Settings]:
    """Run the whole pipeline as of a date in a scratch folder; returns its published release
    (a whole release: every mart, quality report, office files; scores alone as of another date
    are `scores_as_of` over its warehouse copy)."""
    from pipelines.run import run_pipeline

    scratch = scratch_settings(settings, name)
    result = run_pipeline(scratch, year, as_of.isoformat(), ephemeral=True)
    if not result.success:
        raise AsOfRunError(f"截至 {as_of} 的计算失败（临时目录 {scratch.data_dir} 保留以便排查）。")
    return scratch.current_release.resolve(), scratch


def build_as_of(settings: Settings, year: int, as_of: date, static: bool = True) -> AsOfDashboard:
    """The as-of dashboard with the change since the previous month end."""
    started = time.perf_counter()
    previous_as_of = month_end_before(as_of) if as_of.month > 1 else None
    release, scratch = release_as_of(settings, year, as_of, f"asof-{as_of}")
    previous = None
    if previous_as_of is not None:  # re-scored on the scratch run's own writer warehouse
        previous = scores_as_of(scratch, year, [previous_as_of])["units"].drop("as_of_date")
    pipeline_seconds = time.perf_counter() - started
    out = asof_dir(settings, year, as_of)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for kept in ("quality", "office"):  # the scratch release goes; its report and office files stay
        if (release / kept).is_dir():
            shutil.copytree(release / kept, out / kept)
    with stage("dashboard", note=f"截至 as of {as_of}"):
        result = build_dashboard(release, title_for(year, as_of.isoformat()), year=year,
                                 as_of=as_of.isoformat(), out_dir=out, previous=previous,
                                 previous_label=previous_label(previous_as_of) if previous_as_of else "",
                                 static=static, quality_report=out / "quality" / "index.html",
                                 office_dir=out / "office",
                                 figure_cache=settings.figure_cache)
    shutil.copy2(release / SCORES_FILE, out / SCORES_FILE)
    shutil.rmtree(settings.data_dir / "scratch" / f"asof-{as_of}", ignore_errors=True)
    return AsOfDashboard(result=result, out_dir=out, previous_as_of=previous_as_of,
                         pipeline_seconds=round(pipeline_seconds, 1))


def build_dashboard_for_run(settings: Settings, release_dir: Path, year: int, as_of: str,
                            status: str = "", browser: Browser | None = None) -> DashboardResult:
    """The dashboard of a pipeline run, in its staging release; the change column compares
    with the previous month end (the release's fct_unit_score_monthly, else an as-of dashboard
    made for that date), when there is one."""
    from pipelines.publish.dashboard.data import data_as_of

    found = published_previous_scores(settings, release_dir, year, data_as_of(release_dir, year, as_of))
    return build_dashboard(release_dir, title_for(year, as_of), year=year, as_of=as_of,
                           previous=found[0] if found else None,
                           previous_label=previous_label(found[1]) if found else "",
                           status=status, figure_cache=settings.figure_cache, browser=browser)
