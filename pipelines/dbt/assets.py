"""Every dbt seed, model and test as Dagster assets and checks, grouped by domain folder so
the UI's groups match the folders (models/<layer>/<domain>/...)."""


import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import DagsterDbtTranslator, dbt_assets

from pipelines.dbt import reuse
from pipelines.dbt.project import dbt_project
from pipelines.lib import dbt_launcher
from pipelines.lib.partitions import monitoring_months, window_dates
from pipelines.lib.resources import RunParameters, WarehouseResource
from pipelines.lib.warehouse import connect

LAYERS = ("staging", "intermediate", "marts")

# Dagster runs the dbt assets in three steps (before, on and after the partitioned air path).
# dbt's default "eager" selection would run a test as soon as one of its models is built — a
# singular test over scoring marts in the step that builds only their staging inputs.
# "buildable" runs a test in the step where all its models are built or built before. (dagster-dbt
# still sets "empty" itself when a run excludes some checks.)
os.environ.setdefault("DBT_INDIRECT_SELECTION", "buildable")


class DomainTranslator(DagsterDbtTranslator):
    """models/<layer>/<domain>/x.sql → group <domain>; seeds → group standards."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        if dbt_resource_props.get("resource_type") == "seed":
            return "standards"
        if len(fqn) >= 3 and fqn[1] in LAYERS:
            return fqn[2]
        return super().get_group_name(dbt_resource_props)


# The heavy air path (station hourly → station daily → unit daily → daily AQI): partitioned by
# month and incremental; selected by the tag its models carry (dbt_project/models/.../air/).
AIR_HOURLY_PATH = "tag:air_hourly_path"


def dbt_vars(run: RunParameters) -> str:
    """The run's dbt vars, the same in its three dbt steps: dbt re-parses the whole project
    when the command line's vars differ from those of its last parse (in the warehouse's target
    folder), so what changes from step to step or night to night (the air path's days) is
    passed in the environment instead (air_window)."""
    return json.dumps({"year": run.assessment_year, "as_of": run.as_of})


def air_window(window: tuple[dt.date, dt.date]):
    """The days the air path rebuilds, as ECOSCORE_AIR_FROM / ECOSCORE_AIR_TO during the dbt
    call (macro air_window_where reads them)."""
    return dbt_launcher.environment(ECOSCORE_AIR_FROM=window[0].isoformat(),
                                    ECOSCORE_AIR_TO=window[1].isoformat())


def build(context: dg.AssetExecutionContext, run: RunParameters, warehouse: WarehouseResource,
          full_refresh: bool | None = None) -> list[Any]:
    """`dbt build` of this asset's selection on the run's warehouse, in its own target folder
    (in this process: pipelines/lib/dbt_launcher.py `stream`)."""
    return dbt_launcher.stream(build_args(run, full_refresh), context,
                               target_path=warehouse.settings.dbt_target,
                               warehouse=warehouse.settings.warehouse_path)


def relations_by_key() -> dict[dg.AssetKey, str]:
    """Each dbt model's asset key → its relation in the warehouse (schema.name)."""
    manifest = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
    translator = DomainTranslator()
    return {translator.get_asset_key(node): f"{node['schema']}.{node['alias']}"
            for node in manifest["nodes"].values() if node["resource_type"] in ("model", "seed")}


def with_row_counts(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                    events: list[Any]) -> Iterator[Any]:
    """The dbt events, materialisations with `dagster/row_count` (and, where rows record it,
    the standards that produced them) attached. Counted after dbt exits: DuckDB lets no reader
    in beside its writer, so dagster-dbt's fetch_row_counts (counting while dbt writes) fails."""
    relations = relations_by_key()
    keyed = {id(e): context.asset_key_for_output(e.output_name) for e in events
             if isinstance(e, dg.Output)}
    with connect(warehouse.settings, read_only=True) as con:
        for event in events:
            relation = relations.get(keyed.get(id(event)))
            yield event.with_metadata({**event.metadata, **relation_metadata(con, relation)}) \
                if relation else event


def relation_metadata(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, Any]:
    try:
        metadata: dict[str, Any] = {
            "dagster/row_count": con.execute(f"select count(*) from {relation}").fetchone()[0]}
        columns = {r[0] for r in con.execute(f"describe {relation}").fetchall()}
        for column, label in (("standard_code", "standards"), ("scheme_code", "schemes")):
            if column in columns:
                metadata[label] = con.execute(
                    f"select coalesce(string_agg(distinct {column}, ', ' order by {column}), '') "
                    f"from {relation}").fetchone()[0]
        return metadata
    except duckdb.Error:
        return {}


# dbt's unit tests check the SQL of a rule against fixed fixture rows: they do not read the data,
# so a run over new data cannot change their outcome. They run where the code changes — `make
# test` (tests/test_dbt_unit_tests.py) and CI — not in every pipeline run, as dbt advises
# ("only running unit tests in development or CI environments … exclude unit tests from your
# production builds", docs.getdbt.com, Unit tests). ~18 s of dbt's 75 s on the sample.
NOT_IN_RUNS = ["--exclude-resource-type", "unit_test"]


def build_args(run: RunParameters, full_refresh: bool | None = None) -> list[str]:
    args = ["build", *NOT_IN_RUNS, "--vars", dbt_vars(run)]
    rebuild = run.full_refresh if full_refresh is None else full_refresh
    return [*args, "--full-refresh"] if rebuild else args


FINGERPRINT_TABLE = "ops.air_hourly_path_fingerprint"


def air_path_fingerprint() -> str:
    """A hash of the SQL the incremental air path is built from (its models and every macro
    they call). Rows an incremental table keeps from earlier runs were made by the SQL of those
    runs: when the SQL changes, the whole path is rebuilt, so an upgrade never mixes the two
    (nor stops on a table whose columns the new SQL no longer has)."""
    manifest = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
    nodes = sorted((n for n in manifest["nodes"].values()
                    if n["resource_type"] == "model" and "air_hourly_path" in n.get("tags", [])),
                   key=lambda n: n["unique_id"])
    macros = sorted({m for n in nodes for m in n["depends_on"]["macros"]})
    digest = hashlib.sha256()
    for node in nodes:
        digest.update(f"{node['unique_id']}:{node['checksum']['checksum']}\n".encode())
    for macro in macros:
        digest.update(f"{macro}:{manifest['macros'][macro]['macro_sql']}\n".encode())
    return digest.hexdigest()


def stored_fingerprint(warehouse: WarehouseResource) -> str | None:
    with connect(warehouse.settings, read_only=True) as con:
        try:
            row = con.execute(f"select fingerprint from {FINGERPRINT_TABLE}").fetchone()
        except duckdb.CatalogException:
            return None
    return row[0] if row else None


def store_fingerprint(warehouse: WarehouseResource, fingerprint: str) -> None:
    with connect(warehouse.settings) as con:
        con.execute("create schema if not exists ops")
        con.execute(f"create or replace table {FINGERPRINT_TABLE} as "
                    "select ? as fingerprint, current_timestamp as built_at", [fingerprint])


# Station-months whose PM2.5/PM10 looks sent in the wrong unit (stg_air__station_month_units) as
# the incremental air tables were last built with them. A month's judgement reads the station's
# other months, so a run can change the judgement of a month outside its window.
UNIT_SUSPECTS = ("select station_code, month_start, column_name "
                 "from staging.stg_air__station_month_units where is_suspect")
UNIT_SUSPECTS_APPLIED = "ops.air_unit_suspects_applied"

Judgement = tuple[str, dt.date, str]


def unit_suspects(warehouse: WarehouseResource, relation: str) -> set[Judgement] | None:
    """The suspect station-month pollutants in `relation` (None when it does not exist)."""
    query = UNIT_SUSPECTS if relation == "current" else f"select * from {relation}"
    with connect(warehouse.settings, read_only=True) as con:
        try:
            return {tuple(r) for r in con.execute(query).fetchall()}
        except duckdb.CatalogException:
            return None


def store_unit_suspects(warehouse: WarehouseResource) -> None:
    with connect(warehouse.settings) as con:
        con.execute("create schema if not exists ops")
        con.execute(f"create or replace table {UNIT_SUSPECTS_APPLIED} as {UNIT_SUSPECTS}")


def months_to_rejudge(current: set[Judgement], applied: set[Judgement],
                      window: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date] | None:
    """The days to rebuild because a month outside the run's window was judged differently from
    when its rows were built (a wrong-unit suspicion raised or lifted by another month's data):
    from the first such month's first day to the last one's last day; None when there is none."""
    changed = {month for _, month, _ in current ^ applied}
    outside = sorted(m for m in changed
                     if m < window[0] or month_end(m) > window[1])
    if not outside:
        return None
    return outside[0], month_end(outside[-1])


def month_end(first_day: dt.date) -> dt.date:
    next_month = (first_day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return next_month - dt.timedelta(days=1)


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, name="ecoscore_dbt_air_hourly",
            dagster_dbt_translator=DomainTranslator(), select=AIR_HOURLY_PATH,
            partitions_def=monitoring_months, backfill_policy=dg.BackfillPolicy.single_run())
def air_hourly_models(context: dg.AssetExecutionContext, run: RunParameters,
                      warehouse: WarehouseResource):
    """The months of the run (one or a range, in one dbt invocation): their days are deleted
    and rebuilt in every incremental model, then the tests run."""
    window = window_dates(*context.partition_time_window)
    context.log.info(f"重算 rebuilding days {window[0]} … {window[1]} "
                     f"(partitions {context.partition_key_range.start} … "
                     f"{context.partition_key_range.end})")
    fingerprint = air_path_fingerprint()
    stored = stored_fingerprint(warehouse)
    rebuild = run.full_refresh or stored != fingerprint
    if rebuild and not run.full_refresh:
        context.log.info("空气小时模型的 SQL 与上次构建不同（或首次构建）：整条路径全量重算 "
                         "(the air path's SQL changed since the last build, or none yet: full refresh)")
    with air_window(window):
        events = build(context, run, warehouse, full_refresh=rebuild)
    store_fingerprint(warehouse, fingerprint)
    if not rebuild:
        rejudged = months_to_rejudge(unit_suspects(warehouse, "current") or set(),
                                     unit_suspects(warehouse, UNIT_SUSPECTS_APPLIED) or set(), window)
        if rejudged:
            context.log.info(f"单位误报判断有变的月份重算 rebuilding {rejudged[0]} … {rejudged[1]}: "
                             "a wrong-unit judgement changed outside the run's months")
            with air_window(rejudged):
                events = build(context, run, warehouse, full_refresh=False)
    store_unit_suspects(warehouse)
    yield from with_row_counts(context, warehouse, events)


# The rest of the project in two multi-assets, cut where the air path sits: the models that do
# not read it (seeds, staging, most of intermediate) before, its descendants after. Dagster
# needs an acyclic graph of steps; with one multi-asset on each side of the air path it split
# that asset itself by depth, and put the seeds (roots of the graph) in a step of their own:
# four dbt invocations. Cut here by hand, a run has three, and no step depends on itself.
AFTER_AIR_PATH = f"{AIR_HOURLY_PATH}+"


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, name="ecoscore_dbt_models",
            dagster_dbt_translator=DomainTranslator(), exclude=AFTER_AIR_PATH)
def ecoscore_dbt_models(context: dg.AssetExecutionContext, run: RunParameters,
                        warehouse: WarehouseResource):
    """Seeds and every model that does not read the hourly air path, with their tests; not
    built again when its inputs are unchanged since its last build (pipelines/dbt/reuse.py)."""
    yield from reuse.build_unless_unchanged(
        context, run, warehouse, dbt_vars(run),
        lambda: with_row_counts(context, warehouse, build(context, run, warehouse)))


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project,
            name="ecoscore_dbt_after_air", dagster_dbt_translator=DomainTranslator(),
            select=AFTER_AIR_PATH, exclude=AIR_HOURLY_PATH)
def ecoscore_dbt_after_air(context: dg.AssetExecutionContext, run: RunParameters,
                           warehouse: WarehouseResource):
    """The models downstream of the hourly air path (air marts, scoring; marts per assessment
    year via the `year` var), with their tests."""
    events = build(context, run, warehouse)
    yield from with_row_counts(context, warehouse, events)


def mart_asset_keys() -> list[dg.AssetKey]:
    """Keys of every model under models/marts: what publishing exports."""
    manifest = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
    translator = DomainTranslator()
    return sorted(
        (translator.get_asset_key(node) for node in manifest["nodes"].values()
         if node["resource_type"] == "model" and node["fqn"][1] == "marts"),
        key=lambda k: k.to_user_string(),
    )


defs = dg.Definitions(assets=[ecoscore_dbt_models, air_hourly_models, ecoscore_dbt_after_air])
