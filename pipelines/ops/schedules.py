"""The job and its nightly schedule."""

import dagster as dg

ecoscore_job = dg.define_asset_job(
    "ecoscore_all",
    selection=dg.AssetSelection.all(),
    description="Ingest → dbt build (staging → intermediate → marts, with tests) → publish. "
                "In one process: DuckDB allows one writer per file.",
    executor_def=dg.in_process_executor,
)

nightly = dg.ScheduleDefinition(
    name="nightly",
    job=ecoscore_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    description="Every night at 02:00 Beijing time: new files in, scores and dashboard out.",
)

defs = dg.Definitions(jobs=[ecoscore_job], schedules=[nightly])
