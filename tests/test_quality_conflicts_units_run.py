"""Issue 15 parts 1 and 2, in real runs: conflicting duplicates and wrong units within physical
bounds never become points.

Two pipeline runs on copies of the session's sample run folder (and a third, stopped one), each
the way a night run goes when month files change: the hourly air path for the damaged months'
partitions (April to October), everything downstream in full (issue 9). One with the damage of
tests/corpus/ (written by `write_damaged` below; `python tests/test_quality_conflicts_units_run.py`
refreshes the corpus files), one with the same inputs where every value the damage makes
unusable is simply missing (`write_reference`). The damaged run must quarantine exactly the
damaged rows (file, row, column, reason naming the values or the suspected unit) and publish
the very same air, water and scoring marts as the reference run: what a fault removes is a gap,
never a value chosen by file order or a value in the wrong unit.

Classes (README, Data quality):
- part 1, air: a station-hour sent again with other values (a second file of the month) — every
  copy is quarantined, the reason lists each copy's value; an identical copy collapses.
- part 1, water: a section-month sent again with another 氨氮 stops the run before publishing
  (the error names file, row, column and both values; the last release stays byte-identical);
  an identical copy collapses.
- part 2: PM2.5 of a station with neighbours (3106A, 浦北县, April) and PM10 of a station without
  one (3108A, 中马, October; own other months and PM2.5 ≤ PM10 decide) sent in mg/m³, each in
  a file of its own (the station's month sent apart) — the station-month's values of that
  pollutant are quarantined as 疑似以 mg/m³ 报送.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from pipelines.lib.settings import PROJECT_ROOT, Settings
from tests.conftest import make_data_dir

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CORPUS_DIR = PROJECT_ROOT / "tests" / "corpus"
AUGUST = "air/station_hourly_2024-08.csv"
AUGUST_RESENT = "air/station_hourly_2024-08_补传.csv"
APRIL = "air/station_hourly_2024-04.csv"
OCTOBER = "air/station_hourly_2024-10.csv"
WATER = "water/section_monthly_2024.csv"
WATER_RESENT = "water/section_monthly_2024_补报.csv"
WATER_CONFLICT = "water/section_monthly_2024_更正.csv"
POLLUTANTS = ["pm2_5", "pm10", "so2", "no2", "co", "o3"]
MISSING = "-;"
# (station, month file, pollutant) sent in mg/m³
UNIT_FAULTS = [("3106A", APRIL, "pm2_5"), ("3108A", OCTOBER, "pm10")]
# station-hours of 3105A (灵山县) sent again in August with other values, and one sent again as is
CONFLICTING_HOURS = ["2024-08-07T09:00:00", "2024-08-19T15:00:00", "2024-08-26T22:00:00"]
IDENTICAL_HOUR = "2024-08-12T04:00:00"
CONFLICT_STATION = "3105A"
WATER_SECTION, WATER_MONTH = "武思江石埇", "2024-06"
WATER_IDENTICAL_MONTH = "2024-09"
AIR_KEY = ["source_file", "source_row", "column_name"]


def read_rows(path: Path) -> list[list[str]]:
    return [line.split(",") for line in path.read_text(encoding="utf-8").splitlines()]


def write_rows(path: Path, rows: list[list[str]]) -> None:
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")


def in_mg(value: str) -> str:
    """μg/m³ → mg/m³ as a feed would write it (three decimals)."""
    return value if value == MISSING else str((Decimal(value) / 1000).quantize(Decimal("0.001")))


def other_value(column: str, value: str) -> str:
    """A different, still plausible value for a resent copy."""
    if value == MISSING:
        return "0.6" if column == "co" else "21"
    step = Decimal("0.3") if column == "co" else Decimal("17")
    return str(Decimal(value) + step)


def station_file(file: str, station: str) -> str:
    return file.replace(".csv", f"_{station}.csv")


def split_station(raw: Path, station: str, file: str, change, column: str | None = None
                  ) -> list[list[str]]:
    """Move a station's rows of a month file into a file of their own (the station's month sent
    apart, as air/station_hourly_2024-04_3106A.csv), `change` applied to one pollutant's cells
    (by default the pollutant of UNIT_FAULTS); returns the new file's rows."""
    column = column or next(c for s, f, c in UNIT_FAULTS if (s, f) == (station, file))
    at = 4 + POLLUTANTS.index(column)
    rows = read_rows(raw / file)
    own = [r for r in rows[1:] if r[1] == station]
    write_rows(raw / file, [r for r in rows if r[1] != station])
    for row in own:
        if row[at] != MISSING:
            row[at] = change(row[at])
    write_rows(raw / station_file(file, station), [rows[0], *own])
    return [rows[0], *own]


def write_damaged(raw: Path) -> dict[tuple[str, int, str], str]:
    """Damage the raw folder in place; returns the quarantine rows it must give:
    (file, row, column) → a text the reason must contain."""
    expected: dict[tuple[str, int, str], str] = {}
    august = read_rows(raw / AUGUST)
    resent = [august[0]]
    for i, row in enumerate(august):
        if row[1] == CONFLICT_STATION and row[0] in CONFLICTING_HOURS:
            copy = [*row[:4], *(other_value(c, v) for c, v in zip(POLLUTANTS, row[4:], strict=True))]
            resent.append(copy)
            for c, old, new in zip(POLLUTANTS, row[4:], copy[4:], strict=True):
                shown_old = "缺测" if old == MISSING else old
                expected[(AUGUST, i + 1, c)] = f"{shown_old}（{AUGUST} 第 {i + 1} 行）、{new}"
                expected[(AUGUST_RESENT, len(resent), c)] = f"{shown_old}（{AUGUST} 第 {i + 1} 行）、{new}"
        elif row[1] == CONFLICT_STATION and row[0] == IDENTICAL_HOUR:
            resent.append(list(row))
            expected[(AUGUST_RESENT, len(resent), "timepoint")] = "同一站点同一时刻重复（数值相同"
    assert len(resent) == len(CONFLICTING_HOURS) + 2
    write_rows(raw / AUGUST_RESENT, resent)
    for station, file, column in UNIT_FAULTS:
        at = 4 + POLLUTANTS.index(column)
        rows = split_station(raw, station, file, lambda v, at=at: in_mg(v))
        for i, row in enumerate(rows[1:], start=1):
            if row[at] != MISSING:
                expected[(station_file(file, station), i + 1, column)] = "疑似以 mg/m³ 报送（应为 μg/m³）"
    expected_water = write_damaged_water(raw)
    return expected | expected_water


def write_damaged_water(raw: Path) -> dict[tuple[str, int, str], str]:
    """A section-month sent again as it was: the copy collapses, its cells listed as merged."""
    rows = read_rows(raw / WATER)
    header = rows[0]
    resent = [header]
    expected: dict[tuple[str, int, str], str] = {}
    for row in rows:
        if row[0] == WATER_SECTION and row[1] == WATER_IDENTICAL_MONTH:
            resent.append(list(row))
            for column in header[2:]:
                expected[(WATER_RESENT, len(resent), column)] = "同一断面同一月份重复报送（数值相同"
    write_rows(raw / WATER_RESENT, resent)
    return expected


def write_conflicting_water(raw: Path) -> tuple[int, str]:
    """The same section-month sent again with another 氨氮 (three times the value: 劣V) in a
    correction file; returns the original's row and the versions the error must name."""
    rows = read_rows(raw / WATER)
    header = rows[0]
    nh3n = header.index("氨氮(mg/L)")
    i, row = next((i, r) for i, r in enumerate(rows) if r[0] == WATER_SECTION and r[1] == WATER_MONTH)
    copy = list(row)
    copy[nh3n] = str(Decimal(row[nh3n]) * 3)
    write_rows(raw / WATER_CONFLICT, [header, copy])
    return i + 1, f"{row[nh3n]}（{WATER} 第 {i + 1} 行）、{copy[nh3n]}（{WATER_CONFLICT} 第 2 行）"


def write_reference(raw: Path) -> None:
    """The same inputs with every value the damage makes unusable missing instead."""
    august = read_rows(raw / AUGUST)
    for row in august:
        if row[1] == CONFLICT_STATION and row[0] in CONFLICTING_HOURS:
            row[4:] = [MISSING] * len(POLLUTANTS)
    write_rows(raw / AUGUST, august)
    for station, file, column in UNIT_FAULTS:
        split_station(raw, station, file, lambda v: MISSING, column)


# the month partitions the damage touches (UNIT_FAULTS, CONFLICTING_HOURS): April … October
DAMAGED_MONTHS = ("2024-04", "2024-10")


def run(settings: Settings) -> Settings:
    from pipelines.cli import run_pipeline

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ECOSCORE_DATA_DIR", str(settings.data_dir))
        mp.delenv("ECOSCORE_WAREHOUSE", raising=False)
        result = run_pipeline(settings, 2024, ephemeral=True, months=DAMAGED_MONTHS)
    assert result.success, "quarantined faults must not stop the run"
    return settings


def copy_of(sample_run: Settings, root: Path) -> Settings:
    """The sample run's folder (raw inputs, warehouse, releases) copied: the runs below start
    from a warehouse that already holds every month, as a night run does."""
    import shutil

    settings = Settings(data_dir=root / "data")
    shutil.copytree(sample_run.data_dir, settings.data_dir, symlinks=True)
    return settings


@pytest.fixture(scope="module")
def runs(sample_run: Settings, tmp_path_factory: pytest.TempPathFactory):
    damaged = copy_of(sample_run, tmp_path_factory.mktemp("damaged"))
    expected = write_damaged(damaged.raw_dir)
    reference = copy_of(sample_run, tmp_path_factory.mktemp("reference"))
    write_reference(reference.raw_dir)
    return run(damaged), run(reference), expected


def published(settings: Settings, stem: str) -> pl.DataFrame:
    """A published mart, less the run that published it (fct_unit_score_history names each
    year's release run; two runs never share an id)."""
    frame = pl.read_parquet(settings.current_release / f"{stem}.parquet")
    return frame.drop("release_run_id", strict=False)


def test_marts_equal_the_run_where_the_damaged_values_are_missing(runs):
    """Issue 15 parts 1–2: neither a conflicting copy nor a value in mg/m³ reaches a mart; the
    air, water and scoring marts are those of the inputs with a gap in their place."""
    damaged, reference, _ = runs
    stems = sorted(p.stem for p in reference.current_release.glob("fct_*.parquet")
                   if not p.stem.startswith("fct_ledger"))
    assert {"fct_unit_scores", "fct_air_unit_annual", "fct_water_section_monthly"} <= set(stems)
    for stem in stems:
        assert published(damaged, stem).equals(published(reference, stem)), \
            f"{stem}.parquet differs from the run without the damaged values"


def quarantine_additions(damaged: Settings, reference: Settings, stem: str) -> dict:
    faulty, clean = published(damaged, stem), published(reference, stem)
    new = faulty.join(clean, on=AIR_KEY, how="anti")
    return {(r["source_file"], r["source_row"], r["column_name"]): r["reason"]
            for r in new.iter_rows(named=True)}


def test_air_quarantine_lists_every_copy_and_every_wrong_unit_value(runs):
    """Issue 15 part 1 (air) and part 2: file, row, column and a reason with every copy's value
    or the suspected unit; nothing else is quarantined."""
    damaged, reference, expected = runs
    found = quarantine_additions(damaged, reference, "quarantine_air")
    wanted = {k: v for k, v in expected.items() if k[0].startswith("air/")}
    assert set(found) == set(wanted)
    for key, text in wanted.items():
        assert text in found[key], (key, found[key])
    october = next(v for k, v in found.items() if k[0] == station_file(OCTOBER, "3108A"))
    assert "本站其他月份中位数" in october and "本站同月 PM2.5 中位数" in october, october
    april = next(v for k, v in found.items() if k[0] == station_file(APRIL, "3106A"))
    assert "同单位或同辖区其他站点同月中位数" in april, april


def test_water_identical_copy_collapses_and_is_listed_as_merged(runs):
    """Issue 15 part 1 (water): a section-month sent again with the same values is used once
    (marts equal, test above); the copy's cells are listed as merged."""
    damaged, reference, expected = runs
    faulty = published(damaged, "quarantine_water")
    clean = published(reference, "quarantine_water")
    new = faulty.join(clean, on=AIR_KEY, how="anti")
    found = {(r["source_file"], r["source_row"], r["column_name"]): r["reason"]
             for r in new.iter_rows(named=True)}
    wanted = {k: v for k, v in expected.items() if k[0].startswith("water/")}
    assert set(found) == set(wanted)
    for key, text in wanted.items():
        assert text in found[key], (key, found[key])


def test_water_section_month_sent_twice_with_another_nh3n_stops_the_run_and_keeps_the_release(
        runs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Issue 15 part 1 (water): which version is right is a person's call, and a month without
    a class could no longer cost its point (a gap is never a point), so the run stops before
    publishing, naming file, row, column and both values; the last release stays byte-identical
    (no false 劣V month is published either)."""
    import shutil

    from pipelines.cli import main
    from tests.test_quality_gate_run import tree_digest

    _, reference, _ = runs
    settings = Settings(data_dir=tmp_path / "data")
    shutil.copytree(reference.data_dir, settings.data_dir, symlinks=True)
    monkeypatch.setenv("ECOSCORE_DATA_DIR", str(settings.data_dir))
    monkeypatch.delenv("ECOSCORE_WAREHOUSE", raising=False)
    live = settings.current_release.resolve()
    before = tree_digest(live)
    row, versions = write_conflicting_water(settings.raw_dir)

    code = main(["run", "--year", "2024"])

    err = capsys.readouterr().err
    assert code == 1
    assert "同一断面同一月份收到多个版本且数值不同" in err, err
    assert f"{WATER} 第 {row} 行 氨氮(mg/L) 列" in err and versions in err, err
    assert settings.current_release.resolve() == live
    assert tree_digest(live) == before


def write_corpus() -> None:
    """tests/corpus/{conflicting_duplicates,wrong_units}/: the damaged files as the runs see them."""
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        raw = make_data_dir(Path(tmp) / "data").raw_dir
        write_damaged(raw)
        write_conflicting_water(raw)
        targets = {"conflicting_duplicates": [AUGUST_RESENT, WATER_RESENT, WATER_CONFLICT],
                   "wrong_units": [station_file(f, s) for s, f, _ in UNIT_FAULTS]}
        for folder, files in targets.items():
            for name in files:
                target = CORPUS_DIR / folder / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(raw / name, target)


if __name__ == "__main__":
    write_corpus()
    sys.exit(0)
