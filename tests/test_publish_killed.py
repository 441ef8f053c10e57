"""Kills (issue 31, item 8): a publish killed with SIGKILL leaves nothing a later run or a reader
trips over. The kill lands in a real subprocess while it writes its staging release (the copy of
the warehouse, the slowest part); readers still see the last release through `current`, and the
next publish removes the half-written folder before it writes its own."""

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
slow_copy = release.shutil.copy2
def copy_then_hang(source, target, *args, **kwargs):  # the kill lands mid-copy
    result = slow_copy(source, target, *args, **kwargs)
    print("copying", flush=True)
    time.sleep(60)
    return result
release.shutil.copy2 = copy_then_hang
release.export_marts(settings, "killed-run", 2024)
"""


def small_warehouse(settings: Settings) -> None:
    settings.warehouse_path.parent.mkdir(parents=True)
    with duckdb.connect(str(settings.warehouse_path)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.fct_unit_scores as select 'u' as unit_code, 2024 as scheme_year, "
                    "'s' as scheme_code, '单位' as unit_name, 90.0 as total_score, '优秀' as grade, "
                    "1 as score_rank")


def test_a_publish_killed_mid_copy_is_cleaned_by_the_next_one(tmp_path: Path):
    settings = Settings(data_dir=tmp_path / "data")
    small_warehouse(settings)
    release.export_marts(settings, "good-run", 2024)
    release.switch_live(settings, "good-run", {"year": 2024})
    live = settings.current_release.resolve()
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(settings.data_dir)], cwd=PROJECT_ROOT,
                             stdout=subprocess.PIPE, text=True, env={**os.environ})
    assert child.stdout.readline().strip() == "copying"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert (settings.releases_dir / "killed-run.staging").is_dir()  # the kill left it
    assert settings.current_release.resolve() == live  # readers still see the last release
    with duckdb.connect(str(live / "ecoscore.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_unit_scores").fetchone() == (1,)
    (settings.marts_dir / ".current.tmp").symlink_to("releases/killed-run.staging")
    started = time.time()
    release.export_marts(settings, "next-run", 2024)
    assert not (settings.releases_dir / "killed-run.staging").exists()
    assert not (settings.marts_dir / ".current.tmp").is_symlink()
    assert (settings.releases_dir / "next-run.staging" / "fct_unit_scores.parquet").exists()
    assert time.time() - started < 60
