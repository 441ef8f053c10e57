"""Every dbt seed, model and test as Dagster assets and checks (grouped by domain folder, so the
UI's groups match models/<layer>/<domain>/), built by one `dbt build` a run (issue 37).

The step (`ecoscore_dbt`) selects what changed and streams what dbt reports:
- what it builds: every asset and check the run asks for, less the models that do not read the
  hourly air path when their inputs are unchanged since they were last built (reported cached,
  pipelines/dbt/reuse.py); the incremental air path rebuilds only the days of the run's month
  partitions (the dbt var `air_window`, macro air_window_where) — in full when its SQL changed
  since its last build, or on --full-refresh.
- what Dagster sees: each model and seed as a materialisation, each dbt test as an asset check
  (passed or failed, with dbt's message), the moment dbt reports the node finished
  (pipelines/lib/dbt_launcher.py `stream`) — so a build that fails half-way still shows every
  model built before the failure and the failing test with its message; then the step fails,
  naming the failed nodes, and nothing downstream (publishing) runs.

Only public APIs: dbt's programmatic runner, dagster-dbt's `@dbt_assets`/`DagsterDbtTranslator`
(the assets and checks, and the dbt unique id each spec carries), Dagster's results."""


import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import DagsterDbtTranslator, dbt_assets

from pipelines.dbt import reuse
from pipelines.dbt.project import dbt_project
from pipelines.lib import dbt_launcher
from pipelines.lib.partitions import run_months, window_dates
from pipelines.lib.resources import RunParameters, WarehouseResource, WarmUp
from pipelines.lib.warehouse import connect

LAYERS = ("staging", "intermediate", "marts")
STEP = "ecoscore_dbt"
# the metadata key dagster-dbt gives every asset and check spec of a dbt project: the dbt node
UNIQUE_ID = "dagster_dbt/unique_id"


class DomainTranslator(DagsterDbtTranslator):
    """models/<layer>/<domain>/x.sql → group <domain>; seeds → group standards."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        if dbt_resource_props.get("resource_type") == "seed":
            return "standards"
        if len(fqn) >= 3 and fqn[1] in LAYERS:
            return fqn[2]
        return super().get_group_name(dbt_resource_props)


# The heavy air path (station hourly → station daily → unit daily → daily AQI): incremental by
# day; the models carry this tag (dbt_project/models/.../air/).
AIR_HOURLY_PATH = "air_hourly_path"


@cache
def _manifest(path: str, mtime: int) -> dict[str, Any]:
    return json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))


def load_manifest() -> dict[str, Any]:
    """The project's manifest (what the assets were defined from), read once per version."""
    return _manifest(str(dbt_project.manifest_path), dbt_project.manifest_path.stat().st_mtime_ns)


def dbt_vars(run: RunParameters) -> dict[str, Any]:
    """The vars every dbt invocation of the run shares (the project is parsed with them once;
    the air path's window is added at compile time)."""
    return {"year": run.assessment_year, "as_of": run.as_of}


def relation(node: Mapping[str, Any]) -> str:
    return f"{node['schema']}.{node['alias']}"


RECORDED_COLUMNS = (("standard_code", "standards"), ("scheme_code", "schemes"))


def recorded_columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Relation (schema.name) → which of standard_code / scheme_code its rows record (one query
    for the whole warehouse, before dbt runs: a model's columns rarely change)."""
    names = [column for column, _ in RECORDED_COLUMNS]
    found: dict[str, list[str]] = {}
    for schema, table, column in con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            f"where column_name in ({', '.join('?' for _ in names)}) order by all", names).fetchall():
        found.setdefault(f"{schema}.{table}", []).append(column)
    return found


def relation_metadata(con: duckdb.DuckDBPyConnection, relation_name: str,
                      columns: list[str]) -> dict[str, Any]:
    """`dagster/row_count` and, where the rows record them (`columns`), the standards or schemes
    they came from: one query, on the run's own connection while dbt writes (one process, one
    database)."""
    labels = dict(RECORDED_COLUMNS)
    listed = "".join(f", coalesce(string_agg(distinct {c}, ', ' order by {c}), '')" for c in columns)
    try:
        row = con.execute(f"select count(*){listed} from {relation_name}").fetchone()
    except duckdb.Error:
        return {}
    return {"dagster/row_count": row[0], **{labels[c]: v for c, v in zip(columns, row[1:], strict=True)}}


# dbt's unit tests check the SQL of a rule against fixed fixture rows: they do not read the data,
# so a run over new data cannot change their outcome. They run where the code changes — `make
# test` (tests/test_dbt_unit_tests.py) and CI — not in every pipeline run, as dbt advises
# ("only running unit tests in development or CI environments … exclude unit tests from your
# production builds", docs.getdbt.com, Unit tests). ~18 s of dbt's 75 s on the sample.
NOT_IN_RUNS = ["--exclude-resource-type", "unit_test"]


def build_args(selection: Iterable[str], full_refresh: bool) -> list[str]:
    """`dbt build` of exactly these nodes (names), their tests listed among them: dbt adds no
    test of its own accord (`--indirect-selection empty`), so what runs is what Dagster asked
    for. No JSON artifacts: nothing reads them."""
    args = ["build", *NOT_IN_RUNS, "--indirect-selection", "empty", "--no-write-json",
            "--select", *selection]
    return [*args, "--full-refresh"] if full_refresh else args


# ---------- the air path's window and SQL fingerprint

FINGERPRINT_TABLE = "ops.air_hourly_path_fingerprint"


def air_path_fingerprint(manifest: Mapping[str, Any]) -> str:
    """A hash of the SQL the incremental air path is built from (its models and every macro
    they call). Rows an incremental table keeps from earlier runs were made by the SQL of those
    runs: when the SQL changes, the whole path is rebuilt, so an upgrade never mixes the two
    (nor stops on a table whose columns the new SQL no longer has)."""
    nodes = sorted((n for n in manifest["nodes"].values()
                    if n["resource_type"] == "model" and AIR_HOURLY_PATH in n.get("tags", [])),
                   key=lambda n: n["unique_id"])
    macros = sorted({m for n in nodes for m in n["depends_on"]["macros"]})
    digest = hashlib.sha256()
    for node in nodes:
        digest.update(f"{node['unique_id']}:{node['checksum']['checksum']}\n".encode())
    for macro in macros:
        digest.update(f"{macro}:{manifest['macros'][macro]['macro_sql']}\n".encode())
    return digest.hexdigest()


def stored_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    try:
        row = con.execute(f"select fingerprint from {FINGERPRINT_TABLE}").fetchone()
    except duckdb.CatalogException:
        return None
    return row[0] if row else None


def store_fingerprint(con: duckdb.DuckDBPyConnection, fingerprint: str) -> None:
    con.execute("create schema if not exists ops")
    con.execute(f"create or replace table {FINGERPRINT_TABLE} as "
                "select ? as fingerprint, current_timestamp as built_at", [fingerprint])


def air_window(tags: Mapping[str, str]) -> tuple[dt.date, dt.date] | None:
    """The days the air path rebuilds: the run's month partitions plus a day on each side
    (pipelines/lib/partitions.py window_dates); None when the run covers no month."""
    months = run_months(tags)
    if months is None:
        return None
    first, last = (dt.datetime.strptime(m, "%Y-%m") for m in months)
    end = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return window_dates(first, end)


def window_var(window: tuple[dt.date, dt.date] | None) -> list[str] | str:
    """The `air_window` var: [first, last] ISO dates, or 'none'."""
    return [window[0].isoformat(), window[1].isoformat()] if window else "none"


# Station-months whose PM2.5/PM10 looks sent in the wrong unit (stg_air__station_month_units) as
# the incremental air tables were last built with them. A month's judgement reads the station's
# other months, so a run can change the judgement of a month outside its window.
UNIT_SUSPECTS = ("select station_code, month_start, column_name "
                 "from staging.stg_air__station_month_units where is_suspect")
UNIT_SUSPECTS_APPLIED = "ops.air_unit_suspects_applied"

Judgement = tuple[str, dt.date, str]


def unit_suspects(con: duckdb.DuckDBPyConnection, relation_name: str) -> set[Judgement] | None:
    """The suspect station-month pollutants in `relation_name` (None when it does not exist)."""
    query = UNIT_SUSPECTS if relation_name == "current" else f"select * from {relation_name}"
    try:
        return {tuple(r) for r in con.execute(query).fetchall()}
    except duckdb.CatalogException:
        return None


def store_unit_suspects(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists ops")
    con.execute(f"create or replace table {UNIT_SUSPECTS_APPLIED} as {UNIT_SUSPECTS}")


def months_to_rejudge(current: set[Judgement], applied: set[Judgement],
                      window: tuple[dt.date, dt.date] | None) -> tuple[dt.date, dt.date] | None:
    """The days to rebuild because a month outside the run's window was judged differently from
    when its rows were built (a wrong-unit suspicion raised or lifted by another month's data):
    from the first such month's first day to the last one's last day; None when there is none."""
    changed = {month for _, month, _ in current ^ applied}
    outside = sorted(m for m in changed
                     if window is None or m < window[0] or month_end(m) > window[1])
    if not outside:
        return None
    return outside[0], month_end(outside[-1])


def month_end(first_day: dt.date) -> dt.date:
    next_month = (first_day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return next_month - dt.timedelta(days=1)


# ---------- the step's plan: what is built, what is reused

@dataclass
class StepPlan:
    """What the run's one dbt invocation builds and what it reports from an earlier build."""

    build: list[str]  # unique ids of the nodes dbt builds (models, seeds, tests)
    reused: reuse.Reused | None  # the group reported from its recorded build
    full_refresh: bool  # the air path from scratch (its SQL changed, or --full-refresh)
    window: tuple[dt.date, dt.date] | None
    before_nodes: list[str] = field(default_factory=list)  # the reusable group's unique ids
    before_print: str | None = None  # its inputs' fingerprint (recorded after a good build)


def spec_ids(assets_def: dg.AssetsDefinition) -> tuple[dict[str, dg.AssetKey],
                                                        dict[str, dg.AssetCheckKey]]:
    """The dbt unique id of each asset and check of the dbt assets (dagster-dbt puts it in
    every spec's metadata)."""
    def uid(metadata: Mapping[str, Any]) -> str:
        value = metadata[UNIQUE_ID]
        return str(getattr(value, "value", value))

    assets = {uid(spec.metadata): spec.key for spec in assets_def.specs}
    checks = {uid(spec.metadata): spec.key for spec in assets_def.check_specs}
    return assets, checks


def air_path_and_after(manifest: Mapping[str, Any]) -> set[str]:
    """The unique ids of the air path's nodes and of every node downstream of it."""
    found = {uid for uid, n in manifest["nodes"].items() if AIR_HOURLY_PATH in n.get("tags", [])}
    todo = list(found)
    while todo:
        for child in manifest["child_map"].get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def selected_ids(context: dg.AssetExecutionContext) -> tuple[list[str], bool]:
    """The unique ids of the assets and checks the run asks this step for, and whether that is
    all of them (no UI subset)."""
    assets, checks = spec_ids(context.assets_def)
    keys, check_keys = set(context.selected_asset_keys), set(context.selected_asset_check_keys)
    chosen = [u for u, k in assets.items() if k in keys] + \
        [u for u, k in checks.items() if k in check_keys]
    return sorted(chosen), len(chosen) == len(assets) + len(checks)


def plan_step(context: dg.AssetExecutionContext, run: RunParameters,
              warehouse: WarehouseResource, manifest: Mapping[str, Any],
              reusable: bool = True) -> StepPlan:
    chosen, whole = selected_ids(context)
    after = air_path_and_after(manifest)
    window = air_window(context.run.tags)
    before_nodes = [u for u in chosen if u not in after and reuse.in_group(manifest, u, after)] \
        if reusable else []
    with connect(warehouse.settings) as con:
        stored = stored_fingerprint(con)
        before_print = reuse.fingerprint(con, reuse.step_sources(manifest, before_nodes),
                                         json.dumps(dbt_vars(run), sort_keys=True))
        record = reuse.recorded(con, reuse.GROUP)
        in_place = reuse.tables_in_place(con, [relation(manifest["nodes"][u]) for u in before_nodes
                                               if manifest["nodes"][u]["resource_type"] != "test"])
    full_refresh = run.full_refresh or stored != air_path_fingerprint(manifest)
    reused = None
    if (whole and before_nodes and not run.full_refresh and before_print is not None and record is not None
            and record.fingerprint == before_print and in_place):
        reused = record
    build = [u for u in chosen if not (reused and u in before_nodes)]
    return StepPlan(build=build, reused=reused, full_refresh=full_refresh, window=window,
                    before_nodes=before_nodes if whole else [], before_print=before_print)


# ---------- dbt's results as Dagster events

@dataclass
class Reporter:
    """Turns each finished dbt node into its Dagster event (once per asset and check)."""

    manifest: Mapping[str, Any]
    assets: dict[str, dg.AssetKey]
    checks: dict[str, dg.AssetCheckKey]
    con: duckdb.DuckDBPyConnection
    air_days: str = ""  # the days the air path's models rebuilt ("all": every day)
    columns: dict[str, list[str]] = field(default_factory=dict)  # recorded_columns()
    reported: set[str] = field(default_factory=set)
    outcome: dict[str, Any] = field(default_factory=lambda: {"assets": {}, "checks": []})

    def events(self, result: dbt_launcher.NodeResult) -> Iterator[Any]:
        uid = result.unique_id
        if uid in self.reported:
            return
        node = self.manifest["nodes"].get(uid, {})
        common = {"dbt/unique_id": uid, "dbt/status": result.status,
                  "dbt/seconds": round(result.seconds, 3)}
        if uid in self.assets and result.status == "success":
            self.reported.add(uid)
            name = relation(node)
            metadata = {**relation_metadata(self.con, name, self.columns.get(name, [])), **common}
            if AIR_HOURLY_PATH in node.get("tags", []) and self.air_days:
                metadata["ecoscore/days_rebuilt"] = self.air_days
            self.outcome["assets"][self.assets[uid].to_user_string()] = \
                metadata.get("dagster/row_count")
            yield dg.MaterializeResult(asset_key=self.assets[uid], metadata=metadata)
        elif uid in self.checks and result.status in ("pass", "warn", "fail", "error"):
            self.reported.add(uid)
            key = self.checks[uid]
            warn_only = result.status == "warn"
            check = dg.AssetCheckResult(
                asset_key=key.asset_key, check_name=key.name, passed=result.status == "pass",
                severity=dg.AssetCheckSeverity.WARN if warn_only else dg.AssetCheckSeverity.ERROR,
                description=result.message if result.status != "pass" else None,
                metadata={**common, **({"dbt/failures": result.failures}
                                       if result.failures is not None else {})})
            self.outcome["checks"].append({
                "asset_key": key.asset_key.to_user_string(), "check_name": key.name,
                "passed": check.passed, "severity": check.severity.value})
            yield check


def build_step(context: dg.AssetExecutionContext, run: RunParameters,
               warehouse: WarehouseResource, reusable: bool = True) -> Iterator[Any]:
    """The step's events (see the module's docstring); `reusable`: whether the models that do
    not read the air path may be reported from their last build (the run's step, not the
    month-end history's)."""
    manifest = load_manifest()
    plan = plan_step(context, run, warehouse, manifest, reusable)
    settings = warehouse.settings
    if plan.reused is not None:
        context.log.info(f"输入未变，沿用运行 {plan.reused.run_id[:8]} 构建的表 "
                         f"inputs unchanged since run {plan.reused.run_id} "
                         f"({plan.reused.built_at:%Y-%m-%d %H:%M} UTC): "
                         f"{len(plan.reused.outcome['assets'])} tables reused, their "
                         f"{len(plan.reused.outcome['checks'])} tests not run again (their "
                         "latest results stand)")
        yield from reuse.cached_events(plan.reused)
    if plan.full_refresh and not run.full_refresh:
        context.log.info("空气小时模型的 SQL 与上次构建不同（或首次构建）：整条路径全量重算 "
                         "(the air path's SQL changed since the last build, or none yet: full refresh)")
    elif plan.window:
        context.log.info(f"空气小时路径重算 rebuilding the air path's days {plan.window[0]} … "
                         f"{plan.window[1]}")
    if not plan.build:
        return
    if plan.before_nodes and plan.reused is None:  # built now: no record until it succeeds
        with connect(settings) as con:
            reuse.forget(con, reuse.GROUP)
    base_vars = dbt_vars(run)
    names = [manifest["nodes"][u]["name"] for u in plan.build]
    assets, checks = spec_ids(context.assets_def)
    window = "all" if plan.full_refresh else window_var(plan.window)
    command = build_args(names, plan.full_refresh)
    context.log.info(f"dbt build: {len(names)} nodes (in-process, dbt's programmatic runner)")
    failures: list[dbt_launcher.NodeResult] = []
    with connect(settings) as con:  # one database with dbt's (same process): counts as dbt writes
        days = "all" if window == "all" else "none" if window == "none" else " … ".join(window)
        reporter = Reporter(manifest, assets, checks, con, air_days=days,
                            columns=recorded_columns(con))
        invocation = dbt_launcher.stream(command, warehouse=settings.warehouse_path,
                                         target_path=settings.dbt_target,
                                         vars={**base_vars, "air_window": window},
                                         parse_vars=base_vars)
        for result in invocation:
            failures += [result] if result.failed else []
            yield from reporter.events(result)
        outcome = invocation.run
        failures += rejudge(context, con, manifest, plan, invocation, base_vars, settings)
        if not failures and outcome.success:
            done = set(plan.build)
            if plan.before_nodes and plan.before_print and set(plan.before_nodes) <= done:
                reuse.remember(con, reuse.GROUP, plan.before_print, context.run_id,
                               group_outcome(reporter.outcome, plan.before_nodes, assets, checks))
    if failures or not outcome.success:
        raise dg.Failure(description="dbt 构建失败 (dbt build failed):\n" + dbt_launcher.describe_failure(
            dbt_launcher.DbtRun(args=outcome.args, success=False, results=failures,
                                error=outcome.error)),
            metadata={"failed_nodes": ", ".join(r.name for r in failures)[:2000]})


def group_outcome(outcome: Mapping[str, Any], nodes: list[str], assets: dict[str, dg.AssetKey],
                  checks: dict[str, dg.AssetCheckKey]) -> dict[str, Any]:
    """The part of the reported outcome that belongs to the reusable group's nodes."""
    keys = {assets[u].to_user_string() for u in nodes if u in assets}
    check_keys = {(checks[u].asset_key.to_user_string(), checks[u].name) for u in nodes if u in checks}
    return {"assets": {k: v for k, v in outcome["assets"].items() if k in keys},
            "checks": [c for c in outcome["checks"] if (c["asset_key"], c["check_name"]) in check_keys]}


def rejudge(context: dg.AssetExecutionContext, con: duckdb.DuckDBPyConnection,
            manifest: Mapping[str, Any], plan: StepPlan, invocation: dbt_launcher.DbtStream,
            base_vars: dict[str, Any], settings) -> list[dbt_launcher.NodeResult]:
    """After the air path was built: record its SQL fingerprint and the wrong-unit judgements
    its tables were built with; when a judgement changed for a month outside the run's window,
    rebuild those months (and what reads them) in a second invocation. Returns its failures."""
    air = {u for u, n in manifest["nodes"].items() if AIR_HOURLY_PATH in n.get("tags", [])}
    built = {r.unique_id for r in invocation.run.results if r.status == "success"}
    if not air & set(plan.build) or not air <= built:
        return []
    store_fingerprint(con, air_path_fingerprint(manifest))
    changed = None if plan.full_refresh else months_to_rejudge(
        unit_suspects(con, "current") or set(), unit_suspects(con, UNIT_SUSPECTS_APPLIED) or set(),
        plan.window)
    store_unit_suspects(con)
    if changed is None:
        return []
    context.log.info(f"单位误报判断有变的月份重算 rebuilding {changed[0]} … {changed[1]}: "
                     "a wrong-unit judgement changed outside the run's months")
    again = dbt_launcher.stream(
        build_args([manifest["nodes"][u]["name"] for u in plan.build
                    if u in air_path_and_after(manifest)], False),
        warehouse=settings.warehouse_path, target_path=settings.dbt_target,
        vars={**base_vars, "air_window": window_var(changed)}, parse_vars=base_vars)
    return [r for r in again if r.failed]


# The month-end history mart (fct_unit_score_monthly, tag month_end_history) reads the month-end
# snapshots the publish asset `ops/unit_score_month_ends` records after the scoring marts and
# every quality check (pipelines/publish/history.py): it cannot be built in the run's one dbt
# step, which comes before them, so it is a step of its own, built after the snapshots.
MONTH_END_HISTORY = "tag:month_end_history"
MONTH_END_STEP = "month_end_history"


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, name=STEP,
            dagster_dbt_translator=DomainTranslator(), exclude=MONTH_END_HISTORY)
def ecoscore_dbt(context: dg.AssetExecutionContext, run: RunParameters,
                 warehouse: WarehouseResource, warm_up: WarmUp):
    """Seeds, models and tests of the whole project (but the month-end history's) in one `dbt
    build` (module docstring); a run with this step warms dbt and Great Expectations up while it
    ingests (`warm_up`)."""
    yield from build_step(context, run, warehouse)


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, name=MONTH_END_STEP,
            dagster_dbt_translator=DomainTranslator(), select=MONTH_END_HISTORY)
def month_end_history(context: dg.AssetExecutionContext, run: RunParameters,
                      warehouse: WarehouseResource):
    """fct_unit_score_monthly over the month-end snapshots, with its tests, after the snapshots
    are recorded (pipelines/publish/history.py): a `dbt build` of its few nodes, never reused."""
    yield from build_step(context, run, warehouse, reusable=False)


def mart_asset_keys() -> list[dg.AssetKey]:
    """Keys of every model under models/marts: what publishing exports."""
    manifest = load_manifest()
    translator = DomainTranslator()
    return sorted(
        (translator.get_asset_key(node) for node in manifest["nodes"].values()
         if node["resource_type"] == "model" and node["fqn"][1] == "marts"),
        key=lambda k: k.to_user_string(),
    )


defs = dg.Definitions(assets=[ecoscore_dbt, month_end_history])
