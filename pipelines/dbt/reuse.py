"""A dbt step whose inputs did not change is not built again (issue 21): the nightly run's first
dbt step (seeds, staging and every model that does not read the hourly air path) reads the
schemes, ledgers, water and station tables, which most nights are what they were the night
before.

The step's inputs are everything its models and tests can read: the dbt project's files (models,
macros, seeds, tests), the run's dbt vars, the versions of dbt, dbt-duckdb and DuckDB, and every
dbt source its nodes read — each relation's columns, row count and a sum of row hashes. After a
successful build the step records their fingerprint, with the run and the outcome of every test
(`ops.dbt_step_inputs`); the record is deleted before a build, so a failed or interrupted build
never leaves one. A later run with the same fingerprint, the whole step selected and every table
of the step in place reuses the tables, as a build system reuses a cached result: each asset is
reported with `ecoscore/cached` and the run that built it, each test with the outcome it had in
that run, marked cached (Bazel's "(cached) PASSED"). Anything else — a changed row, a new scheme,
an edited model, another year or as-of date, `--full-refresh`, a UI subset — builds as before.

This holds because the step's models read nothing else: no clock, no environment variable (the
air path's window is the only one, and it is not in this step), no table outside dbt's sources;
tests/test_dbt_reuse.py fails when a node of the step starts to."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import dagster as dg
import duckdb

from pipelines.lib import dbt_launcher
from pipelines.lib.files import add_files
from pipelines.lib.resources import RunParameters, WarehouseResource
from pipelines.lib.warehouse import connect

RECORD_TABLE = "ops.dbt_step_inputs"
PACKAGES = ("dbt-core", "dbt-duckdb", "duckdb")


def step_nodes(manifest: Mapping[str, Any], assets_def: dg.AssetsDefinition) -> list[str]:
    """The unique ids of the step's models and seeds (its assets) and of the tests that may run
    with them (more than run is harmless: their sources only widen the fingerprint)."""
    from dagster_dbt.asset_utils import get_manifest_and_translator_from_dbt_assets

    _, translator, _ = get_manifest_and_translator_from_dbt_assets([assets_def])
    keys = set(assets_def.keys)
    built = {uid for uid, node in manifest["nodes"].items()
             if node["resource_type"] in ("model", "seed")
             and translator.get_asset_key(node) in keys}
    tests = {uid for uid, node in manifest["nodes"].items() if node["resource_type"] == "test"
             and is_step_test(node["depends_on"].get("nodes", []), built)}
    return sorted(built | tests)


def is_step_test(depends_on: list[str], built: set[str]) -> bool:
    """A test on a model of the step, or on sources only (dbt selects those with every step:
    their sources count as the step's inputs too)."""
    return bool(set(depends_on) & built) or \
        bool(depends_on) and all(d.startswith("source.") for d in depends_on)


def step_sources(manifest: Mapping[str, Any], nodes: list[str]) -> list[str]:
    """The relations (schema.name) of the dbt sources the nodes read."""
    ids = {d for uid in nodes for d in manifest["nodes"][uid]["depends_on"].get("nodes", [])
           if d.startswith("source.")}
    return sorted(f"{manifest['sources'][s]['schema']}.{manifest['sources'][s]['identifier']}"
                  for s in ids)


def project_digest() -> str:
    """sha256 over the dbt project's files (what dbt parses: dbt_launcher.WATCHED)."""
    digest = hashlib.sha256()
    add_files(digest, dbt_launcher.source_files(), dbt_launcher.DBT_PROJECT_DIR)
    return digest.hexdigest()


def relation_digest(con: duckdb.DuckDBPyConnection, relation: str) -> str | None:
    """Columns, row count and the sum of row hashes of a relation (order does not matter, a
    repeated row counts twice); None when it does not exist."""
    try:
        columns = con.execute(f"describe {relation}").fetchall()
        rows, total = con.execute(f"select count(*), coalesce(sum(hash(whole_row)::hugeint), 0) "
                                  f"from {relation} as whole_row").fetchone()
    except duckdb.CatalogException:
        return None
    return json.dumps([[list(c[:2]) for c in columns], rows, str(total)])


def fingerprint(con: duckdb.DuckDBPyConnection, sources: list[str], vars_json: str) -> str | None:
    """The step's inputs as one sha256 (None when a source is missing: dbt then says which)."""
    digest = hashlib.sha256(json.dumps({
        "project": project_digest(), "vars": vars_json,
        "packages": {p: importlib.metadata.version(p) for p in PACKAGES}}).encode())
    for relation in sources:
        state = relation_digest(con, relation)
        if state is None:
            return None
        digest.update(f"{relation}\0{state}\n".encode())
    return digest.hexdigest()


def tables_in_place(con: duckdb.DuckDBPyConnection, relations: list[str]) -> bool:
    present = {f"{s}.{t}" for s, t in con.execute(
        "select table_schema, table_name from information_schema.tables").fetchall()}
    return set(relations) <= present


def recorded(con: duckdb.DuckDBPyConnection, step: str) -> dict[str, Any] | None:
    try:
        row = con.execute(f"select fingerprint, run_id, built_at, outcome from {RECORD_TABLE} "
                          "where step = ?", [step]).fetchone()
    except duckdb.CatalogException:
        return None
    if row is None:
        return None
    return {"fingerprint": row[0], "run_id": row[1], "built_at": row[2],
            "outcome": json.loads(row[3])}


def forget(warehouse: WarehouseResource, step: str) -> None:
    """Drop the step's record before it builds: a failed build leaves none."""
    with connect(warehouse.settings) as con:
        con.execute("create schema if not exists ops")
        con.execute(f"create table if not exists {RECORD_TABLE} (step varchar, fingerprint "
                    "varchar, run_id varchar, built_at timestamp, outcome varchar)")
        con.execute(f"delete from {RECORD_TABLE} where step = ?", [step])


def remember(warehouse: WarehouseResource, step: str, print_: str, run_id: str,
             events: list[Any]) -> None:
    """Record the fingerprint the step was built from, the run and each event's outcome."""
    outcome = {"assets": {}, "checks": []}
    for event in events:
        if isinstance(event, dg.Output):
            rows = event.metadata.get("dagster/row_count")
            outcome["assets"][event.output_name] = getattr(rows, "value", rows)
        elif isinstance(event, dg.AssetCheckResult):
            outcome["checks"].append({
                "asset_key": event.asset_key.to_user_string(), "check_name": event.check_name,
                "passed": event.passed, "severity": event.severity.value})
    with connect(warehouse.settings) as con:
        con.execute(f"delete from {RECORD_TABLE} where step = ?", [step])
        con.execute(f"insert into {RECORD_TABLE} values (?, ?, ?, ?, ?)",
                    [step, print_, run_id, dt.datetime.now(dt.UTC).replace(tzinfo=None),
                     json.dumps(outcome)])


def whole_step(context: dg.AssetExecutionContext) -> bool:
    """True when the run asks for every asset and check of the step (no UI subset)."""
    assets_def = context.assets_def
    return set(context.selected_asset_keys) == set(assets_def.keys) and \
        set(context.selected_asset_check_keys) == set(assets_def.check_keys)


def cached_events(context: dg.AssetExecutionContext, record: Mapping[str, Any]) -> Iterator[Any]:
    """The step's events from its recorded build: each asset with `ecoscore/cached`, the run
    that built it and its row count then; each test with the outcome it had, marked cached."""
    built = {"ecoscore/cached": True, "ecoscore/built_in_run": record["run_id"],
             "ecoscore/built_at": str(record["built_at"])}
    for name, rows in record["outcome"]["assets"].items():
        metadata = {**built, **({"dagster/row_count": rows} if rows is not None else {})}
        yield dg.Output(None, output_name=name, metadata=metadata)
    for check in record["outcome"]["checks"]:
        yield dg.AssetCheckResult(
            asset_key=dg.AssetKey.from_user_string(check["asset_key"]),
            check_name=check["check_name"], passed=check["passed"],
            severity=dg.AssetCheckSeverity(check["severity"]),
            description=f"(cached) 输入未变，沿用运行 {record['run_id'][:8]} 的结果 "
                        f"inputs unchanged since run {record['run_id'][:8]}, not run again",
            metadata=built)


def build_unless_unchanged(context: dg.AssetExecutionContext, run: RunParameters,
                           warehouse: WarehouseResource, vars_json: str,
                           build: Callable[[], Iterable[Any]]) -> Iterator[Any]:
    """The step's events: from its recorded build when its inputs (with the run's dbt vars,
    `vars_json`) are unchanged (see the module's docstring), else from `build()`, recorded
    afterwards."""
    from dagster_dbt.asset_utils import get_manifest_and_translator_from_dbt_assets

    step = context.assets_def.node_def.name
    manifest, _, _ = get_manifest_and_translator_from_dbt_assets([context.assets_def])
    nodes = step_nodes(manifest, context.assets_def)
    own = [f"{manifest['nodes'][uid]['schema']}.{manifest['nodes'][uid]['alias']}" for uid in nodes
           if manifest["nodes"][uid]["resource_type"] in ("model", "seed")]
    with connect(warehouse.settings, read_only=True) as con:
        print_ = fingerprint(con, step_sources(manifest, nodes), vars_json)
        record = recorded(con, step)
        in_place = tables_in_place(con, own)
    if (print_ is not None and record is not None and record["fingerprint"] == print_
            and in_place and whole_step(context) and not run.full_refresh):
        context.log.info(f"输入未变，沿用运行 {record['run_id'][:8]} 构建的表 "
                         f"inputs unchanged since run {record['run_id']} "
                         f"({record['built_at']:%Y-%m-%d %H:%M} UTC): {len(own)} tables and "
                         f"{len(record['outcome']['checks'])} test results reused, dbt not started")
        yield from cached_events(context, record)
        return
    forget(warehouse, step)
    events = list(build())
    if print_ is not None and whole_step(context):
        remember(warehouse, step, print_, context.run_id, events)
    yield from events
