"""The job and its nightly schedule."""

from __future__ import annotations

import datetime as dt

import dagster as dg

from pipelines.lib.calendar import beijing_date, finalised_years, open_years
from pipelines.lib.partitions import month_key, range_tags
from pipelines.lib.resources import run_config_for
from pipelines.lib.settings import get_settings

ecoscore_job = dg.define_asset_job(
    "ecoscore_all",
    selection=dg.AssetSelection.all(),
    description="Ingest → dbt build (staging → intermediate → marts, with tests) → publish. "
                "The hourly air path runs for the run's month partitions (one month or a range, "
                "in one run); everything else is rebuilt whole. In one process: DuckDB allows "
                "one writer per file.",
    executor_def=dg.in_process_executor,
)


def nightly_months(now: dt.datetime) -> tuple[str, str]:
    """The months a night's run covers: yesterday's and today's (Beijing time). They are the
    same month except on the 1st, when the previous month's last hours (the 24:00 reading, late
    files) still arrive."""
    today = beijing_date(now)
    return month_key(today - dt.timedelta(days=1)), month_key(today)


def year_months(now: dt.datetime, year: int) -> tuple[str, str]:
    """The months of `year` a night's run re-reads: the nightly months within the year; for
    the closing year (scored in January), its December, whose data still arrives."""
    first, last = nightly_months(now)
    if year < beijing_date(now).year:
        return f"{year}-12", f"{year}-12"
    return max(first, f"{year}-01"), last


def year_run_requests(now: dt.datetime, trigger: str, key_prefix: str,
                      extra_tags: dict[str, str] | None = None) -> list[dg.RunRequest]:
    """One run per open assessment year at `now` (finalised years left alone), each with its
    own year (run config), months and run key."""
    years = open_years(now, finalised=finalised_years(get_settings()))
    return [dg.RunRequest(
        run_key=f"{key_prefix}-{year}",
        run_config=run_config_for(year),
        tags={**range_tags(*year_months(now, year)), "ecoscore/trigger": trigger,
              "ecoscore/year": str(year), **(extra_tags or {})})
        for year in years]


@dg.schedule(name="nightly", job=ecoscore_job, cron_schedule="0 2 * * *",
             execution_timezone="Asia/Shanghai",
             description="Every night at 02:00 Beijing time, one run per open assessment year "
                         "(in January until ECOSCORE_CLOSE_BY also the closing year, unless "
                         "finalised): new files in, scores and that year's dashboard out.")
def nightly(context: dg.ScheduleEvaluationContext) -> list[dg.RunRequest] | dg.SkipReason:
    now = context.scheduled_execution_time
    requests = year_run_requests(now, "nightly", f"nightly-{beijing_date(now).isoformat()}")
    return requests or dg.SkipReason("所有考核年度均已定稿 (every open year is finalised)")


defs = dg.Definitions(jobs=[ecoscore_job], schedules=[nightly])
