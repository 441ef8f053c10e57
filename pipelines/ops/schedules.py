"""The job and its nightly schedule."""

from __future__ import annotations

import datetime as dt

import dagster as dg

from pipelines.lib.partitions import month_key, range_tags

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
    today = now.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    return month_key(today - dt.timedelta(days=1)), month_key(today)


@dg.schedule(name="nightly", job=ecoscore_job, cron_schedule="0 2 * * *",
             execution_timezone="Asia/Shanghai",
             description="Every night at 02:00 Beijing time: the current month's (on the 1st also "
                         "the last month's) new files in, scores and dashboard out.")
def nightly(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    first, last = nightly_months(context.scheduled_execution_time)
    return dg.RunRequest(tags={**range_tags(first, last), "ecoscore/trigger": "nightly"})


defs = dg.Definitions(jobs=[ecoscore_job], schedules=[nightly])
