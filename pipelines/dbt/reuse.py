"""Nodes whose inputs did not change are not built again (issue 21): the nightly run's models that
do not read the hourly air path — seeds, staging and most of intermediate, with their tests —
read the schemes, ledgers, water and station tables, which most nights are what they were the
night before. The run's one dbt invocation then leaves them out (pipelines/dbt/assets.py).

The group's inputs are everything its models and tests can read: the dbt project's files
(models, macros, seeds, tests), the run's dbt vars, the versions of dbt, dbt-duckdb and DuckDB,
and every dbt source its nodes read — each relation's columns, row count and a sum of row hashes.
After a build in which every node of the group succeeded, the group records their fingerprint,
with the run and the outcome of every test (`ops.dbt_step_inputs`); the record is deleted before
a build, so a failed or interrupted build never leaves one. A later run with the same
fingerprint, the whole group selected and every table of the group in place reuses the tables,
as a build system reuses a cached result: each asset is reported with `ecoscore/cached` and the
run that built it (the steps that read it go on); its tests are not run again, so no result is
reported for them: each test's latest evaluation stays the one of the run that built its model
(two events a cached test: ~200 of a steady night's ~1,000 on Dagster's SQLite event log). Anything
else — a changed row, a new scheme, an edited model, another year or as-of date,
`--full-refresh`, a UI subset — builds as before.

This holds because the group's models read nothing else: no clock, no environment variable, no
table outside dbt's sources; tests/test_dbt_reuse.py fails when a node of the group starts to."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import dagster as dg
import duckdb

from pipelines.lib import dbt_launcher
from pipelines.lib.files import add_files

RECORD_TABLE = "ops.dbt_step_inputs"
# the reusable group's name in the record (the models that do not read the air path)
GROUP = "before_air_path"
PACKAGES = ("dbt-core", "dbt-duckdb", "duckdb")


@dataclass(frozen=True)
class Reused:
    """The group's recorded build: its inputs' fingerprint, the run, when, and its outcome
    (row count per asset, each test's result)."""

    fingerprint: str
    run_id: str
    built_at: dt.datetime
    outcome: dict[str, Any]


def in_group(manifest: Mapping[str, Any], uid: str, after: set[str]) -> bool:
    """True for a node of the reusable group: a model or seed that does not read the air path,
    or a test whose models and seeds are all such (a test on sources alone reads only its
    sources, which the fingerprint covers)."""
    if uid in after:
        return False
    parents = manifest["parent_map"].get(uid, [])
    return all(p.startswith("source.") or p not in after for p in parents)


def group_nodes(manifest: Mapping[str, Any], after: set[str]) -> list[str]:
    """Every model, seed and test of the project that belongs to the reusable group."""
    return sorted(uid for uid, node in manifest["nodes"].items()
                  if node["resource_type"] in ("model", "seed", "test")
                  and in_group(manifest, uid, after))


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
    """The group's inputs as one sha256 (None when a source is missing: dbt then says which)."""
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


def recorded(con: duckdb.DuckDBPyConnection, group: str) -> Reused | None:
    try:
        row = con.execute(f"select fingerprint, run_id, built_at, outcome from {RECORD_TABLE} "
                          "where step = ?", [group]).fetchone()
    except duckdb.CatalogException:
        return None
    if row is None:
        return None
    return Reused(fingerprint=row[0], run_id=row[1], built_at=row[2], outcome=json.loads(row[3]))


def forget(con: duckdb.DuckDBPyConnection, group: str) -> None:
    """Drop the group's record before it builds: a failed build leaves none."""
    con.execute("create schema if not exists ops")
    con.execute(f"create table if not exists {RECORD_TABLE} (step varchar, fingerprint "
                "varchar, run_id varchar, built_at timestamp, outcome varchar)")
    con.execute(f"delete from {RECORD_TABLE} where step = ?", [group])


def remember(con: duckdb.DuckDBPyConnection, group: str, print_: str, run_id: str,
             outcome: Mapping[str, Any]) -> None:
    """Record the fingerprint the group was built from, the run and each node's outcome
    (`{"assets": {asset key: rows}, "checks": [{asset_key, check_name, passed, severity}]}`)."""
    forget(con, group)
    con.execute(f"insert into {RECORD_TABLE} values (?, ?, ?, ?, ?)",
                [group, print_, run_id, dt.datetime.now(dt.UTC).replace(tzinfo=None),
                 json.dumps(outcome)])


def cached_events(record: Reused) -> Iterator[Any]:
    """The group's events from its recorded build: each asset with `ecoscore/cached`, the run
    that built it and its row count then (its tests did not run: no result)."""
    built = {"ecoscore/cached": True, "ecoscore/built_in_run": record.run_id,
             "ecoscore/built_at": str(record.built_at)}
    for key, rows in record.outcome["assets"].items():
        metadata = {**built, **({"dagster/row_count": rows} if rows is not None else {})}
        yield dg.MaterializeResult(asset_key=dg.AssetKey.from_user_string(key), metadata=metadata)
