"""Run the whole pipeline in one in-process Dagster run: what `ecoscore run`, the as-of
dashboard (publish/dashboard/asof.py), the tests and the benchmarks call. An entry module like
cli.py and definitions.py: it may import the domains; no domain imports cli.py."""

from __future__ import annotations

import os
from pathlib import Path

from pipelines.lib.settings import PROJECT_ROOT, Settings


def dagster_instance():
    """The Dagster instance `ecoscore` records its runs in, read without writing the
    environment: DAGSTER_HOME's dagster.yaml when DAGSTER_HOME is set (the Makefile sets the
    project's: SQLite under ECOSCORE_DAGSTER_STORAGE; deploy/postgres: PostgreSQL), else
    Dagster's SQLite storage in ECOSCORE_DAGSTER_STORAGE (default .dagster_home/) — the same
    files, laid out as dagster.yaml's `storage: sqlite` lays them out, so the UI and the
    daemon see these runs."""
    import dagster as dg

    if os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.get()
    storage = Path(os.environ.get("ECOSCORE_DAGSTER_STORAGE", PROJECT_ROOT / ".dagster_home"))
    storage.mkdir(parents=True, exist_ok=True)
    return dg.DagsterInstance.local_temp(str(storage))


def year_months(settings: Settings, year: int) -> tuple[str, str]:
    """The month partitions `ecoscore run --year` covers in one run: every month with a feed file
    and every month of the year (earlier years feed year-on-year change), up to the current one."""
    from pipelines.lib.partitions import feed_files, feed_month, monitoring_months

    months = {feed_month(f) for f in feed_files(settings.raw_dir)} | {f"{year}-01", f"{year}-12"}
    last = monitoring_months.get_last_partition_key()
    return min(months), min(max(months), last)


def run_pipeline(settings: Settings, year: int, as_of: str = "", ephemeral: bool = False,
                 months: tuple[str, str] | None = None, full_refresh: bool = False,
                 instance=None, reopen_reason: str | None = None, month_ends: str = ""):
    """Materialise every asset in one in-process Dagster run; the hourly air path for the month
    partitions `months` (first, last; default: the year's, see year_months); `month_ends`: which
    month ends it scores (RunParameters.month_ends). Returns the result."""
    import dagster as dg

    from pipelines.dbt.project import prepare
    from pipelines.lib.partitions import range_tags

    prepare(settings.warehouse_path)  # the dbt manifest, when a dbt file changed (not at import)
    from pipelines.definitions import build_definitions

    defs = build_definitions(settings, year=year, as_of=as_of, full_refresh=full_refresh,
                             reopen=reopen_reason is not None, reopen_reason=reopen_reason or "",
                             month_ends=month_ends)
    job = defs.resolve_job_def("ecoscore_all")
    from pipelines.scheme.shards import DEFAULT_SHARD, SHARD_TAG

    tags = {**range_tags(*(months or year_months(settings, year))), "ecoscore/year": str(year),
            SHARD_TAG: settings.shard or DEFAULT_SHARD}
    title = f"{year} 年" + (f" 截至 {as_of}" if as_of else "") + (
        f" · 月份 months {months[0]} … {months[1]}" if months else "")
    # the warehouse's single-writer lock is taken by the run itself (WarehouseResource)
    if instance is not None or ephemeral:
        return execute_watched(defs, job, instance or dg.DagsterInstance.ephemeral(), tags, title)
    with dagster_instance() as instance:
        return execute_watched(defs, job, instance, tags, title)


def execute_watched(defs, job, instance, tags: dict[str, str], title: str):
    """Execute the job; inside a console session (pipelines/lib/console.py) its events and dbt's
    log lines drive the stage lines (display only: the run is the same either way)."""
    import uuid

    from pipelines.lib import console

    plan = console.plan_of(defs) if console.active() else {}
    model_total = console.dbt_model_total(defs, plan) if plan else None
    with console.watching(title, plan, model_total, dbt_test_total() if plan else None) as watcher:
        run_id = str(uuid.uuid4())
        if watcher is not None:
            instance.add_event_listener(run_id, watcher.on_entry)
        return job.execute_in_process(instance=instance, raise_on_error=False, tags=tags,
                                      run_id=run_id)


def dbt_test_total() -> int | None:
    """How many dbt data tests the project has (a full run's test count, for the bar; unit
    tests do not run in pipeline runs, pipelines/dbt/assets.py NOT_IN_RUNS)."""
    import json

    from pipelines.dbt.project import dbt_project

    try:
        manifest = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return sum(1 for n in manifest["nodes"].values() if n["resource_type"] == "test")


# ---------- `ecoscore run` when nothing changed (the warm cache of `make demo`, issue 19)

UP_TO_DATE_RECORD = "inputs.json"
# what a run's outcome depends on besides the data folder: the code and the locked packages
CODE_PATHS = ("pipelines", "dbt_project", "uv.lock", "pyproject.toml")
SKIPPED_PARTS = {"target", "logs", "dbt_packages", "__pycache__", ".user.yml"}


def _tree_files(root: Path) -> list[Path]:
    """Every file under root, symlinked folders followed (a shard's raw/ links to shared feeds),
    each folder walked once: a link back up the tree (a loop) or a second link to a folder already
    walked adds nothing (its files are the same files), and build output is not entered."""
    if root.is_file():
        return [root]
    walked: set[str] = set()
    found: list[Path] = []
    for folder, subfolders, names in os.walk(root, followlinks=True):
        real = os.path.realpath(folder)
        if real in walked or SKIPPED_PARTS & set(Path(folder).relative_to(root).parts):
            subfolders[:] = []
            continue
        walked.add(real)
        found += [Path(folder) / name for name in names if name not in SKIPPED_PARTS]
    return sorted(found)


def run_fingerprint(settings: Settings, year: int, as_of: str) -> str:
    """sha256 over everything a run's results depend on: the year, the as-of date, the date in
    Beijing (overdue duties and the open years follow the calendar), the ECOSCORE_* settings,
    every file of the data folder's raw/ (symlinks followed) and the code (pipelines/,
    dbt_project/ less its build output, the lock file)."""
    import datetime as dt
    import hashlib
    import json

    from pipelines.lib.calendar import beijing_date
    from pipelines.lib.files import add_files

    digest = hashlib.sha256(json.dumps({
        "year": year, "as_of": as_of, "date": beijing_date(dt.datetime.now(dt.UTC)).isoformat(),
        "env": sorted((k, v) for k, v in os.environ.items() if k.startswith("ECOSCORE_")),
    }).encode())
    for root in [settings.raw_dir, *(PROJECT_ROOT / p for p in CODE_PATHS)]:
        add_files(digest, _tree_files(root) if root.exists() else [], root.parent)
    return digest.hexdigest()


def _record_path(settings: Settings, year: int) -> Path:
    return settings.marts_dir / str(year) / UP_TO_DATE_RECORD


def up_to_date_release(settings: Settings, year: int, fingerprint: str) -> str | None:
    """The run id of `year`'s live release when an `ecoscore run` published it from exactly these
    inputs and code (the record written by remember_run); None when anything differs, or when a
    later run (the schedule, the UI) published since."""
    import json

    from pipelines.publish.release import live_release

    live, record = live_release(settings, year), _record_path(settings, year)
    if live is None or not record.exists() or not (live / "release.json").exists():
        return None
    try:
        remembered = json.loads(record.read_text(encoding="utf-8"))
        published = json.loads((live / "release.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if remembered.get("fingerprint") != fingerprint or \
            remembered.get("run_id") != published.get("run_id"):
        return None
    return str(published["run_id"])


def remember_run(settings: Settings, year: int, fingerprint: str, run_id: str) -> None:
    import json

    path = _record_path(settings, year)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"run_id": run_id, "fingerprint": fingerprint}), encoding="utf-8")
