"""Check ledgers without the whole pipeline: the schemes and ledger files are loaded and only the
ledger models are built (the same dbt SQL the nightly run uses), into a scratch warehouse.
`ecoscore ledger-check` uses it so a department can check its file before sending it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl

from pipelines.lib import dbt_launcher
from pipelines.lib.resources import shared_resources
from pipelines.lib.settings import Settings

# the per-file report and the items a quarantined row leaves pending review (待核)
LEDGER_MARTS = ["+fct_ledger_file_report", "+int_ledgers__pending_items"]


class LedgerCheckError(RuntimeError):
    """Loading or building the ledger models failed; the message says where."""


def load_raw(settings: Settings, year: int) -> None:
    """Materialise the scheme and ledger ingest assets into the settings' warehouse."""
    from pipelines.ledgers.assets import raw_ledgers
    from pipelines.scheme.assets import raw_schemes

    result = dg.materialize([raw_schemes, raw_ledgers], raise_on_error=False,
                            resources=shared_resources(settings, year=year))
    if not result.success:
        failures = [e.step_failure_data.error.message.strip()
                    for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
        raise LedgerCheckError("读取方案或台账失败: " + " | ".join(failures))


def build_models(settings: Settings, year: int) -> None:
    """dbt build of the ledger models and everything they read (scheme staging), with tests."""
    # cautious: only the tests of the selected models, not e.g. scoring tests that also read them
    run = dbt_launcher.invoke(
        ["build", "--indirect-selection", "cautious", "--select", *LEDGER_MARTS],
        warehouse=settings.warehouse_path, vars={"year": year}, check=False)
    if not run.success:
        raise LedgerCheckError("台账模型构建失败:\n" + dbt_launcher.describe_failure(run))


def scratch_for(settings: Settings) -> Settings:
    """A scratch data folder (data/scratch/ledger-check-<pid>/) reading the same raw inputs,
    with its own warehouse: the check never writes the live warehouse, so it needs no lock and
    runs beside a nightly run. The parse cache (restricted.duckdb) is copied when no run is
    writing it, so "new / changed / unchanged" still compares with the last run."""
    from pipelines.ledgers.ingest import restricted_path

    root = settings.data_dir / "scratch" / f"ledger-check-{os.getpid()}"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    (root / "raw").symlink_to(settings.raw_dir.resolve(), target_is_directory=True)
    scratch = Settings(data_dir=root)
    copy_cache(restricted_path(settings), restricted_path(scratch))
    return scratch


def copy_cache(source: Path, target: Path) -> None:
    if not source.exists():
        return
    try:
        con = duckdb.connect(str(source), read_only=True)
    except duckdb.Error:  # a run is writing it: start from an empty cache
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        con.execute(f"attach '{target}' as scratch_cache")
        con.execute(f"copy from database {con.execute('select current_database()').fetchone()[0]}"
                    " to scratch_cache")
    finally:
        con.close()


def check_ledgers(settings: Settings, year: int) -> dict[str, pl.DataFrame]:
    """Load and build in a scratch copy (scratch_for); returns the loaded events, the
    quarantine and the per-file report. The scratch folder is removed afterwards (it holds a
    copy of the restricted contacts)."""
    scratch = scratch_for(settings)
    try:
        load_raw(scratch, year)
        build_models(scratch, year)
        return read_results(scratch)
    finally:
        shutil.rmtree(scratch.data_dir, ignore_errors=True)


def read_results(settings: Settings) -> dict[str, pl.DataFrame]:
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return {
            "events": con.sql("select * from intermediate.int_ledgers__events "
                              "order by source_file, source_sheet, source_row").pl(),
            "quarantine": con.sql("select * from intermediate.int_ledgers__quarantine "
                                  "order by source_file, source_sheet, source_row, column_name").pl(),
            "files": con.sql("select * from marts.fct_ledger_file_report order by source_file").pl(),
            "unread": con.sql("select * from intermediate.int_ledgers__unread "
                              "order by source_file, source_sheet, source_row").pl(),
            "pending": con.sql("select * from intermediate.int_ledgers__pending_items "
                               "order by all").pl(),
        }
    finally:
        con.close()
