"""The gate in a real run: a whole-file fault stops `ecoscore run` before publishing, prints
which check failed on which file, and leaves the last good release byte-identical — while an
analyst keeps reading the published read-only copy."""

from __future__ import annotations

import hashlib
import shutil
import threading
from pathlib import Path

import duckdb
import pytest

from pipelines.lib.settings import Settings


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def co_in_micrograms(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        if cells[8] not in ("", "-;"):
            cells[8] = f"{float(cells[8]) * 1000:g}"
        out.append(",".join(cells))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def test_the_published_release_holds_the_quality_report_beside_the_dashboard(sample_run: Settings):
    report = sample_run.current_release / "quality" / "index.html"
    assert report.exists()
    assert "数据质量报告" in report.read_text(encoding="utf-8")


@pytest.mark.slow  # a pipeline run of its own
def test_a_ug_co_file_fails_the_run_names_the_check_and_file_and_keeps_the_release(
        sample_run: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]):
    from pipelines.cli import main

    settings = Settings(data_dir=tmp_path / "data")
    shutil.copytree(sample_run.data_dir, settings.data_dir, symlinks=True)
    monkeypatch.setenv("ECOSCORE_DATA_DIR", str(settings.data_dir))
    monkeypatch.delenv("ECOSCORE_WAREHOUSE", raising=False)
    live = settings.current_release.resolve()
    before = tree_digest(live)
    co_in_micrograms(settings.raw_dir / "air" / "station_hourly_2024-03.csv")

    reads: list[int] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def analyst() -> None:  # reads the published copy all through the run
        while not done.is_set():
            try:
                con = duckdb.connect(str(settings.current_release / "ecoscore.duckdb"), read_only=True)
                reads.append(con.execute("select count(*) from marts.fct_unit_scores").fetchone()[0])
                con.close()
            except BaseException as err:  # noqa: BLE001 - any failure to read is the finding
                errors.append(err)
            done.wait(0.5)

    reader = threading.Thread(target=analyst)
    reader.start()
    try:
        code = main(["run", "--year", "2024"])
    finally:
        done.set()
        reader.join()

    err = capsys.readouterr().err
    assert code == 1
    assert "raw_air_station_hourly" in err or "空气站点小时数据" in err
    assert "air/station_hourly_2024-03.csv" in err and "CO 超出物理范围" in err
    assert settings.current_release.resolve() == live
    assert tree_digest(live) == before
    assert errors == [] and len(reads) > 3 and len(set(reads)) == 1
