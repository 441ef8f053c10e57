"""Kills (issue 31, item 8): a publish killed with SIGKILL leaves nothing a later run or a reader
trips over. The kill lands in a real subprocess while it writes its staging release (after the
Parquet files and the published database, before the personal-data scan); readers still see
the last release through `current`, and the next publish removes the half-written folder before
it writes its own. Beside it, what the published database holds (issue 31 item 7)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from pipelines.lib.settings import PROJECT_ROOT, Settings
from pipelines.publish import release

WRITER = """
import sys, time
from pathlib import Path
from pipelines.lib.settings import Settings
from pipelines.publish import release
settings = Settings(data_dir=Path(sys.argv[1]))
write_database = release.published_database
def write_then_hang(release_dir, *args):  # the kill lands while the release is being written
    result = write_database(release_dir, *args)
    print("writing", flush=True)
    time.sleep(60)
    return result
release.published_database = write_then_hang
release.export_marts(settings, "killed-run")
"""


def small_warehouse(settings: Settings) -> None:
    settings.warehouse_path.parent.mkdir(parents=True)
    with duckdb.connect(str(settings.warehouse_path)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.fct_unit_scores as select 'u' as unit_code, 2024 as scheme_year, "
                    "'s' as scheme_code, '单位' as unit_name, 90.0 as total_score, '优秀' as grade, "
                    "1 as score_rank")


def test_a_publish_killed_mid_write_is_cleaned_by_the_next_one(tmp_path: Path):
    settings = Settings(data_dir=tmp_path / "data")
    small_warehouse(settings)
    release.export_marts(settings, "good-run")
    release.switch_live(settings, "good-run", {"year": 2024})
    live = settings.current_release.resolve()
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(settings.data_dir)], cwd=PROJECT_ROOT,
                             stdout=subprocess.PIPE, text=True, env={**os.environ})
    assert child.stdout.readline().strip() == "writing"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert (settings.releases_dir / "killed-run.staging").is_dir()  # the kill left it
    assert settings.current_release.resolve() == live  # readers still see the last release
    with duckdb.connect(str(live / "ecoscore.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_unit_scores").fetchone() == (1,)
    (settings.marts_dir / ".current.tmp").symlink_to("releases/killed-run.staging")
    started = time.time()
    release.export_marts(settings, "next-run")
    assert not (settings.releases_dir / "killed-run.staging").exists()
    assert not (settings.marts_dir / ".current.tmp").is_symlink()
    assert (settings.releases_dir / "next-run.staging" / "fct_unit_scores.parquet").exists()
    assert time.time() - started < 60


def test_the_published_database_holds_exactly_the_release_files(tmp_path: Path,
                                                                 monkeypatch):
    """Issue 31 item 7, issue 35 item 3: ecoscore.duckdb holds one table marts.<stem> per Parquet
    file of the release — every mart (the quarantine lists, the reference marts dim_* and what
    scoring read are marts too) — and no raw, staging or intermediate relation; it reads the same
    from another folder with the writer's warehouse gone (tables, not views over paths)."""
    settings = Settings(data_dir=tmp_path / "data")
    small_warehouse(settings)
    with duckdb.connect(str(settings.warehouse_path)) as con:
        for schema in ("raw", "staging", "intermediate", "standards"):
            con.execute(f"create schema {schema}")
        con.execute("create table raw.ledger_rows as select '经办人李某' as description")
        con.execute("create table staging.stg_scheme__grades as select 's' as scheme_code, "
                    "'优秀' as grade, 90 as min_score")
        con.execute("create table intermediate.int_ledgers__quarantine as select 'f.csv' as source_file")
        con.execute("create table marts.dim_scheme_grades as select 's' as scheme_code, "
                    "'优秀' as grade, 90 as min_score")
        con.execute("create table marts.quarantine_ledgers as select 'f.csv' as source_file")
        con.execute("create table marts.fct_scoring_measures as select 1 as x")
    release.export_marts(settings, "run1")
    final = release.switch_live(settings, "run1", {"year": 2024})
    stems = {p.stem for p in final.glob("*.parquet")}
    assert stems == {"fct_unit_scores", "quarantine_ledgers", "dim_scheme_grades",
                     "fct_scoring_measures"}
    settings.warehouse_path.unlink()
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    with duckdb.connect(str(settings.current_release / "ecoscore.duckdb"), read_only=True) as con:
        tables = set(con.execute("select schema_name || '.' || table_name from duckdb_tables()"
                                 ).fetchall())
        assert tables == {(f"marts.{s}",) for s in stems}
        assert con.execute("select grade from marts.dim_scheme_grades").fetchone() == ("优秀",)


def test_personal_data_in_a_published_relation_stops_the_publish(tmp_path: Path):
    """The personal-data gate scans everything published: a name in a reference mart too."""
    import pytest

    settings = Settings(data_dir=tmp_path / "data")
    small_warehouse(settings)
    with duckdb.connect(str(settings.warehouse_path)) as con:
        con.execute("create table marts.dim_schemes as select 's' as scheme_code, "
                    "'负责人王小明' as scheme_name")
    with pytest.raises(release.PersonalDataError, match="dim_schemes.parquet 列 scheme_name"):
        release.export_marts(settings, "run1")
