"""Issue 7 item 6, in a real run: row-level faults give exactly the results of the clean input
plus the quarantined rows. A copy of the clean `sample_run`'s folder gets several row-level
faults injected into one feed file (March) and runs again the way a night run does when a month
file changes: the hourly air path for that month's partition only, everything downstream in
full (issue 9). Its published air and scoring marts equal the clean `sample_run`'s, and
quarantine_air.parquet lists exactly the injected faults (file, row, column, reason) beside
those the clean sample already had. Duplicates follow issue 15 part 1: identical
copies collapse (the copy is listed as merged), copies that differ are all quarantined with
every copy's value (tests/test_quality_conflicts_units_run.py has the full class)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipelines.lib.settings import Settings

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

MARCH = "air/station_hourly_2024-03.csv"
SCORING_MARTS = ["fct_score_movements", "fct_unit_item_scores", "fct_unit_scores",
                 "fct_self_score_differences"]
QUARANTINE_KEY = ["source_file", "source_row", "column_name"]
POLLUTANTS = ["pm2_5", "pm10", "so2", "no2", "co", "o3"]


def inject_row_faults(path: Path) -> dict[tuple[str, int, str], str]:
    """Faults a clean run cannot see (a bad value only where the clean cell is already missing,
    extra rows only at the end, so no row number moves); returns the quarantine rows they must
    give: (file, row, column) → reason."""
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = [line.split(",") for line in lines]  # timepoint,stationcode,area,positionname,pm2_5,…

    def first(predicate, after: int = 1) -> int:
        return next(i for i in range(after, len(cells)) if predicate(cells[i]))

    negative = first(lambda c: c[4] == "-;" and c[5] != "-;")
    huge = first(lambda c: c[4] == "-;" and c[5] != "-;", after=negative + 1)
    all_missing = first(lambda c: all(v == "-;" for v in c[4:]))
    cells[negative][4], cells[huge][4] = "-5", "1e9"
    cells[all_missing][6], cells[all_missing][7] = "NaN", "--"  # missing tokens: not faults
    midnight = first(lambda c: c[0] == "2024-03-06T00:00:00")
    as_24_00 = ["2024-03-05 24:00", *cells[midnight][1:]]  # the same hour, written 24:00
    unknown = [cells[1][0], "9999A", *cells[1][2:]]
    # an hour with no value sent again with values: the copies differ, neither is used (issue 15
    # part 1), so the hour stays as missing as in the clean run
    gap = first(lambda c: all(v == "-;" for v in c[4:]), after=all_missing + 1)
    refilled = [*cells[gap][:4], "38", "61", "9", "27", "0.7", "55"]
    n = len(cells)
    cells += [list(cells[1]), unknown, as_24_00, refilled]
    path.write_text("\n".join(",".join(c) for c in cells) + "\n", encoding="utf-8")
    differing = {(MARCH, row, column): "同一站点同一时刻收到 2 个版本且"
                 for row in (gap + 1, n + 4) for column in POLLUTANTS}
    return {(MARCH, negative + 1, "pm2_5"): "负值",
            (MARCH, huge + 1, "pm2_5"): "超出物理上限",
            (MARCH, n + 1, "timepoint"): "同一站点同一时刻重复（数值相同，已合并）",
            (MARCH, n + 2, "stationcode"): "站点不在站点名录中",
            (MARCH, n + 3, "timepoint"): "同一站点同一时刻重复（数值相同，已合并）",
            **differing}


@pytest.fixture(scope="module")
def faulty_run(sample_run: Settings, tmp_path_factory: pytest.TempPathFactory):
    import shutil

    from pipelines.cli import run_pipeline

    settings = Settings(data_dir=tmp_path_factory.mktemp("row_faults") / "data")
    shutil.copytree(sample_run.data_dir, settings.data_dir, symlinks=True)
    injected = inject_row_faults(settings.raw_dir / MARCH)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ECOSCORE_DATA_DIR", str(settings.data_dir))
        mp.delenv("ECOSCORE_WAREHOUSE", raising=False)
        result = run_pipeline(settings, 2024, ephemeral=True, months=("2024-03", "2024-03"))
    assert result.success, "row-level faults must not stop the run"
    return settings, injected


def published(settings: Settings, stem: str) -> pl.DataFrame:
    return pl.read_parquet(settings.current_release / f"{stem}.parquet")


def test_air_and_scoring_marts_equal_the_clean_runs(sample_run: Settings, faulty_run):
    settings, _ = faulty_run
    air = sorted(p.stem for p in sample_run.current_release.glob("fct_air_*.parquet"))
    assert air, "the clean run published no air marts"
    for stem in [*air, *SCORING_MARTS]:
        clean, faulty = published(sample_run, stem), published(settings, stem)
        assert faulty.equals(clean), f"{stem}.parquet differs from the clean run's"


def test_the_quarantine_lists_exactly_the_injected_faults(sample_run: Settings, faulty_run):
    settings, injected = faulty_run
    clean = published(sample_run, "quarantine_air")
    faulty = published(settings, "quarantine_air")
    assert faulty.join(clean, on=QUARANTINE_KEY, how="semi").height == clean.height  # all still there
    new = faulty.join(clean, on=QUARANTINE_KEY, how="anti")
    found = {(r["source_file"], r["source_row"], r["column_name"]): r["reason"]
             for r in new.iter_rows(named=True)}
    assert set(found) == set(injected)
    for key, reason in injected.items():
        assert found[key].startswith(reason), (key, found[key])


def test_the_quality_report_lists_the_faults_as_quarantined_and_blocks_nothing(faulty_run):
    import json

    settings, injected = faulty_run
    body = json.loads((settings.current_release / "quality" / "raw_air_station_hourly.json")
                      .read_text(encoding="utf-8"))
    levels = {f["why"]: f["level"] for f in body["findings"] if f["level"] != "pass"}
    assert "block" not in levels.values()
    listed = {(r["source_file"], r["source_row"]) for f in body["findings"] if f["level"] == "quarantined"
              for r in f["rows"]}
    assert {(file, row) for file, row, _ in injected} <= listed
