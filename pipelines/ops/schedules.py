"""The job and its nightly schedule."""

from __future__ import annotations

import datetime as dt

import dagster as dg

from pipelines.lib.calendar import beijing_date, finalised_years, open_years
from pipelines.lib.partitions import month_key, range_tags
from pipelines.lib.resources import run_config_for
from pipelines.lib.settings import Settings, get_settings
from pipelines.scheme.shards import DEFAULT_SHARD, SHARD_TAG, Shard, ShardRegistryError, load_registry

# everything but the province rollup, which reads every shard's releases (pipelines/province)
PIPELINE_ASSETS = dg.AssetSelection.all() - dg.AssetSelection.groups("province")
JOB_DESCRIPTION = ("Ingest → dbt build (staging → intermediate → marts, with tests) → publish. "
                   "The hourly air path runs for the run's month partitions (one month or a "
                   "range, in one run); everything else is rebuilt whole, except the dbt step "
                   "before the air path when its inputs are unchanged (reported cached). In one "
                   "process: DuckDB allows one writer per file.")

ecoscore_job = dg.define_asset_job(
    "ecoscore_all",
    selection=PIPELINE_ASSETS,
    description=JOB_DESCRIPTION + " The single-government layout under data/.",
    executor_def=dg.in_process_executor,
    tags={SHARD_TAG: DEFAULT_SHARD},
)


def shard_job(shard: Shard) -> dg.UnresolvedAssetJobDefinition:
    """The same assets on one shard's warehouse and releases (resource config), tagged with
    its key: dagster.yaml lets one run per tag value run at a time, shards side by side."""
    settings = shard.settings
    warehouse = {"data_dir": str(settings.data_dir), "warehouse_path": str(settings.warehouse_path),
                 "marts_dir": str(settings.marts_dir), "shard": shard.key}
    return dg.define_asset_job(
        f"ecoscore_{shard.key}",
        selection=PIPELINE_ASSETS,
        description=f"{JOB_DESCRIPTION} Shard {shard.key} ({shard.name}): "
                    f"{', '.join(shard.schemes)}.",
        executor_def=dg.in_process_executor,
        config={"resources": {"warehouse": {"config": warehouse}}},
        tags={SHARD_TAG: shard.key},
    )


def registry_shards() -> list[Shard]:
    """The registry's shards, none when there is no registry (a single-government install).
    An invalid registry is an error of the shard jobs only, never of the default job."""
    try:
        return list(load_registry().shards)
    except ShardRegistryError:
        return []


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
                      extra_tags: dict[str, str] | None = None,
                      settings: Settings | None = None) -> list[dg.RunRequest]:
    """One run per open assessment year at `now` (finalised years left alone), each with its
    own year (run config), months and run key."""
    years = open_years(now, finalised=finalised_years(settings or get_settings()))
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


def shard_schedule(shard: Shard, job: dg.UnresolvedAssetJobDefinition) -> dg.ScheduleDefinition:
    """The nightly schedule of one shard: its own runs, years and run keys."""

    @dg.schedule(name=f"nightly_{shard.key}", job=job, cron_schedule="0 2 * * *",
                 execution_timezone="Asia/Shanghai",
                 description=f"The nightly runs of shard {shard.key} ({shard.name}).")
    def _nightly(context: dg.ScheduleEvaluationContext) -> list[dg.RunRequest] | dg.SkipReason:
        now = context.scheduled_execution_time
        requests = year_run_requests(now, "nightly",
                                     f"nightly-{shard.key}-{beijing_date(now).isoformat()}",
                                     settings=shard.settings)
        return requests or dg.SkipReason("所有考核年度均已定稿 (every open year is finalised)")

    return _nightly


SHARDS = registry_shards()  # read once: the jobs, schedules and ledger sensors of the same shards
SHARD_JOBS = {shard.key: shard_job(shard) for shard in SHARDS}
SHARD_SCHEDULES = [shard_schedule(shard, SHARD_JOBS[shard.key]) for shard in SHARDS]

defs = dg.Definitions(jobs=[ecoscore_job, *SHARD_JOBS.values()],
                      schedules=[nightly, *SHARD_SCHEDULES])
