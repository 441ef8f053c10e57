"""Issue 15 ("Faults never become points") in whole runs of the pipeline, one damaged input per
class: the run either publishes scores equal to the clean run's with nothing personal in any
published file, or exits non-zero naming the file and why and leaves the last release
byte-identical."""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.lib.settings import PROJECT_ROOT, Settings
from tests.conftest import environment_restored

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SECRETS = ["450702198506123016", "139 0000 5678", "139-0000-5679", "(0771)5551234", "韦小芳"]


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def copy_of(sample_run: Settings, tmp_path: Path) -> Settings:
    settings = Settings(data_dir=tmp_path / "data")
    shutil.copytree(sample_run.data_dir, settings.data_dir, symlinks=True)
    return settings


def scores(release: Path) -> pl.DataFrame:
    return pl.read_parquet(release / "fct_unit_item_scores.parquet").sort(pl.all())


def published_text(release: Path) -> str:
    """Every value of every table and view of the release's warehouse copy and Parquet files."""
    parts = []
    con = duckdb.connect(str(release / "ecoscore.duckdb"), read_only=True)
    try:
        for schema, table in con.execute("select table_schema, table_name "
                                         "from information_schema.tables").fetchall():
            parts.append(str(con.execute(f'select * from "{schema}"."{table}"').fetchall()))
    finally:
        con.close()
    for path in release.rglob("*.parquet"):
        parts.append(str(pl.read_parquet(path).rows()))
    return "\n".join(parts)


def save_as_xls(csv_path: Path, xls_path: Path) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("台账")
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        for r, row in enumerate(csv.reader(handle)):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
    book.save(str(xls_path))
    csv_path.unlink()


def add_personal_remarks(csv_path: Path) -> None:
    """The remarks (description) of the first rows get an ID number, phones and a signed name."""
    remarks = ["当事人身份证 450702198506123016", "联系 +86 139 0000 5678 或 139-0000-5679",
               "座机 (0771)5551234；经办人：韦小芳"]
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("description")
    for row, remark in zip(rows[1:], remarks, strict=False):
        row[column] = f"{row[column]}（{remark}）"
    with csv_path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def test_xls_ledgers_and_personal_remarks_score_as_the_clean_run_and_publish_nothing_personal(
        sample_run: Settings, tmp_path: Path):
    """Parts 3 and 4: a ledger saved as .xls is read (its deductions count), and an ID number,
    phones and a signed name in remarks reach no published table, Parquet or DuckDB."""
    from pipelines.cli import run_pipeline

    settings = Settings(data_dir=tmp_path / "data")
    shutil.copytree(sample_run.raw_dir, settings.raw_dir)
    ledgers = settings.raw_dir / "ledgers" / "sample"
    add_personal_remarks(ledgers / "qinzhou_2024_通报约谈.csv")
    save_as_xls(ledgers / "qinzhou_2024_火点.csv", ledgers / "qinzhou_2024_火点.xls")
    with environment_restored():
        os.environ["ECOSCORE_DATA_DIR"] = str(settings.data_dir)
        os.environ.pop("ECOSCORE_WAREHOUSE", None)
        assert run_pipeline(settings, 2024, ephemeral=True).success
    release = settings.current_release.resolve()
    assert scores(release).equals(scores(sample_run.current_release.resolve()))
    report = pl.read_parquet(release / "fct_ledger_file_report.parquet")
    xls = report.filter(pl.col("source_file") == "ledgers/sample/qinzhou_2024_火点.xls").row(0, named=True)
    assert xls["rows_loaded"] == xls["rows_read"] > 0 and xls["file_problems"] == 0
    text = published_text(release)
    for secret in SECRETS:
        assert secret not in text, secret
    assert "[证件号已隐去]" in text and "[姓名已隐去]" in text


def test_a_file_no_reader_takes_stops_the_run_naming_it_and_keeps_the_release(
        sample_run: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]):
    """Part 3: a ledger folder holding a PDF scan: exit 1, file and reason printed, last release
    byte-identical."""
    from pipelines.cli import main

    settings = copy_of(sample_run, tmp_path)
    monkeypatch.setenv("ECOSCORE_DATA_DIR", str(settings.data_dir))
    monkeypatch.delenv("ECOSCORE_WAREHOUSE", raising=False)
    live = settings.current_release.resolve()
    before = tree_digest(live)
    (settings.raw_dir / "ledgers" / "财政局" / "资金投入台账扫描件.pdf").write_bytes(b"%PDF-1.4\n%scan")
    assert main(["run", "--year", "2024"]) == 1
    err = capsys.readouterr().err
    assert "ledgers/财政局/资金投入台账扫描件.pdf" in err and "不是台账表格，未读取" in err
    assert settings.current_release.resolve() == live and tree_digest(live) == before


def published_tables(release: Path, cwd: Path) -> dict[str, tuple]:
    """{schema.table: (rows, a checksum of its text)} of the release's ecoscore.duckdb, opened
    from another folder."""
    here = Path.cwd()
    os.chdir(cwd)
    try:
        con = duckdb.connect(str(release / "ecoscore.duckdb"), read_only=True)
        found = {}
        for schema, table in con.execute("select schema_name, table_name from duckdb_tables()").fetchall():
            rows = con.execute(f'select * from "{schema}"."{table}" order by all').fetchall()
            found[f"{schema}.{table}"] = (len(rows), hashlib.sha256(str(rows).encode()).hexdigest())
        views = con.execute("select count(*) from duckdb_views() where not internal").fetchone()[0]
        con.close()
    finally:
        os.chdir(here)
    assert views == 0
    return found


def test_the_published_warehouse_holds_the_release_files_and_a_rejected_run_changes_nothing(
        sample_run: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Issue 31 item 7: the published ecoscore.duckdb holds exactly the release's Parquet files,
    as tables marts.<file> (no raw, staging or intermediate schema: those stay in the writer's
    warehouse), readable from any folder; a run rejected afterwards (CO sent in μg/m³) changes
    none of it though it rewrote the writer's feed store."""
    from pipelines.cli import main
    from tests.test_quality_gate_run import co_in_micrograms

    settings = copy_of(sample_run, tmp_path)
    monkeypatch.setenv("ECOSCORE_DATA_DIR", str(settings.data_dir))
    monkeypatch.delenv("ECOSCORE_WAREHOUSE", raising=False)
    live = settings.current_release.resolve()
    (tmp_path / "elsewhere").mkdir()
    tables = published_tables(live, tmp_path / "elsewhere")
    assert set(tables) == {f"marts.{p.stem}" for p in live.glob("*.parquet")}
    for name, (rows, _) in tables.items():
        assert rows == pl.read_parquet(live / f"{name.split('.')[1]}.parquet").height, name
    co_in_micrograms(settings.raw_dir / "air" / "station_hourly_2024-05.csv")
    assert main(["run", "--year", "2024"]) == 1
    assert settings.current_release.resolve() == live
    assert published_tables(live, tmp_path / "elsewhere") == tables
    store = duckdb.connect()  # the writer's store did take the rejected month
    stored = store.execute(f"select max(try_cast(co as decimal(18, 3))) from "
                           f"read_parquet('{settings.air_hourly_store}/*.parquet')").fetchone()[0]
    assert stored > 100


def test_sigterm_during_dbt_ends_the_run_without_publishing(sample_run: Settings, tmp_path: Path):
    """Part 6: SIGTERM while dbt runs → non-zero exit, no new release, the last one
    byte-identical."""
    settings = copy_of(sample_run, tmp_path)
    live = settings.current_release.resolve()
    before = tree_digest(live)
    releases = sorted(p.name for p in settings.releases_dir.iterdir())
    env = {**os.environ, "ECOSCORE_DATA_DIR": str(settings.data_dir),
           "ECOSCORE_DAGSTER_STORAGE": str(tmp_path / "dagster"), "DAGSTER_HOME": str(PROJECT_ROOT)}
    env.pop("ECOSCORE_WAREHOUSE", None)
    # -v: Dagster's and dbt's log streamed as well, so the test sees dbt start (issue 19 console)
    process = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "run", "--year", "2024", "-v"],
                               cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    seen_dbt = threading.Event()

    def read() -> None:
        for line in process.stdout:
            lines.append(line)
            if "dbt build" in line or "Running dbt command" in line:
                seen_dbt.set()

    reader = threading.Thread(target=read)
    reader.start()
    assert seen_dbt.wait(600), "".join(lines[-30:])
    time.sleep(1)
    process.send_signal(signal.SIGTERM)
    code = process.wait(600)
    reader.join()
    output = "".join(lines)
    assert code != 0, output[-3000:]
    assert settings.current_release.resolve() == live and tree_digest(live) == before
    assert sorted(p.name for p in settings.releases_dir.iterdir() if not p.name.endswith(".staging")) \
        == [r for r in releases if not r.endswith(".staging")]


def test_a_stop_signal_is_seen_even_when_a_handler_swallows_it():
    """Part 6: whoever handles SIGTERM (Dagster maps it to its own handler; a library may log
    and carry on), the publish assets see it and refuse to publish."""
    from pipelines.lib.interrupts import StopRequested, raise_if_stopped, stop_signal, watch_for_stop

    with watch_for_stop():
        raise_if_stopped("published_release")  # nothing received: goes on
        previous = signal.signal(signal.SIGTERM, lambda *_: None)  # swallowed, as it was
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.1)
        finally:
            signal.signal(signal.SIGTERM, previous)
        assert stop_signal() == signal.SIGTERM
        with pytest.raises(StopRequested, match="SIGTERM.*未发布"):
            raise_if_stopped("published_release")
    assert stop_signal() is None
