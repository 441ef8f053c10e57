"""`ecoscore aqi` (pipelines/air/calculator.py) as a specification of HJ 633-2012 / HJ 633-2026.
The expected IAQI is computed here with exact fractions from the standards' formula, as an
independent oracle; the calculator itself runs the dbt macro's SQL."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path

import polars as pl
import pytest

from pipelines.air.calculator import SEEDS_DIR, calculate
from pipelines.cli import main

BREAKPOINTS = pl.read_csv(SEEDS_DIR / "std_aqi_breakpoints.csv")
POLLUTANTS = pl.read_csv(SEEDS_DIR / "std_pollutants.csv")
STANDARDS = ["HJ633-2012", "HJ633-2026"]


@cache
def segments(standard: str, pollutant: str) -> tuple[tuple[dict, ...], bool]:
    """The table's segments of one pollutant, lowest first, and whether its last IAQI is 500."""
    rows = BREAKPOINTS.filter(standard_code=standard, pollutant=pollutant).sort("bp_lo")
    return tuple(rows.iter_rows(named=True)), rows["iaqi_hi"].max() == 500


def expected_iaqi(standard: str, pollutant: str, conc: Fraction) -> int | None:
    """HJ 633-2012 §5 formula (1), rounded up (§6.2 "计算结果应全部进位取整数")."""
    rows, tops_at_500 = segments(standard, pollutant)
    for r in rows:
        if (conc > r["bp_lo"] or conc == 0) and conc <= r["bp_hi"]:
            exact = r["iaqi_lo"] + Fraction(r["iaqi_hi"] - r["iaqi_lo"], r["bp_hi"] - r["bp_lo"]) * (
                conc - r["bp_lo"])
            return math.ceil(exact)
    return 500 if tops_at_500 else None


def mode_and_column(pollutant: str) -> tuple[str, str]:
    """The calculator mode and input column that looks a pollutant up on its table row."""
    if pollutant == "o3_8h":
        return "daily", "o3_8h"
    if pollutant == "o3_1h":
        return "daily", "o3"
    mode = "hourly" if pollutant.endswith("_1h") else "daily"
    return mode, pollutant.rsplit("_", 1)[0]


def single_values(mode: str, column: str, values: list[str], standard: str) -> pl.DataFrame:
    frame = pl.DataFrame({column: values})
    return calculate(frame, mode, standard)


def check_grid(standard: str, pollutant: str, values: list[Fraction]) -> None:
    mode, column = mode_and_column(pollutant)
    texts = [str(Decimal(v.numerator) / Decimal(v.denominator)) for v in values]
    out = single_values(mode, column, texts, standard)
    got = out[f"iaqi_{column}"].to_list()
    want = [expected_iaqi(standard, pollutant, v) for v in values]
    wrong = [(t, g, w) for t, g, w in zip(texts, got, want, strict=True) if g != w]
    assert not wrong, f"{standard} {pollutant}: (conc, got, want) {wrong[:5]}"


@pytest.mark.parametrize("standard", STANDARDS)
def test_every_breakpoint_gives_its_table_iaqi(standard: str) -> None:
    """HJ 633 表1: at each breakpoint BP_hi the IAQI is exactly the table's IAQI_hi."""
    table = BREAKPOINTS.filter(standard_code=standard)
    for (pollutant,), rows in table.group_by("pollutant"):
        mode, column = mode_and_column(pollutant)
        out = single_values(mode, column, [str(v) for v in rows["bp_hi"]], standard)
        assert out[f"iaqi_{column}"].to_list() == rows["iaqi_hi"].to_list(), pollutant


@pytest.mark.parametrize("standard", STANDARDS)
def test_values_between_breakpoints_follow_formula_1_rounded_up(standard: str) -> None:
    """HJ 633 §5 formula (1), §6.2 进位取整: just above, midway and just below each segment."""
    table = BREAKPOINTS.filter(standard_code=standard)
    for (pollutant,), rows in table.group_by("pollutant"):
        step = Fraction(1, 10) if pollutant.startswith("co") else Fraction(1)
        values = []
        for lo, hi in rows.select("bp_lo", "bp_hi").iter_rows():
            values += [lo + step, Fraction(lo + hi, 2), hi - step]
        check_grid(standard, pollutant, values)


@pytest.mark.parametrize("standard", STANDARDS)
def test_every_reported_concentration_on_the_grid_matches_the_exact_formula(standard: str) -> None:
    """Every whole μg/m³ (CO every 0.1 mg/m³) up to the top breakpoint: values whose IAQI is
    an exact integer must not be lifted by the ceiling (the binary floating point pitfall)."""
    table = BREAKPOINTS.filter(standard_code=standard)
    for (pollutant,), rows in table.group_by("pollutant"):
        step = Fraction(1, 10) if pollutant.startswith("co") else Fraction(1)
        top = rows["bp_hi"].max()
        values = [step * i for i in range(int(top / step) + 1)]
        check_grid(standard, pollutant, values)


def test_co_24h_of_2_2_gives_iaqi_55() -> None:
    """HJ 633 表1 CO 24 h segment (2, 4] → (50, 100]: 2.2 mg/m³ is exactly 55, not 56."""
    out = single_values("daily", "co", ["2.2"], "HJ633-2012")
    assert out["iaqi_co"].to_list() == [55]


def test_concentration_above_the_last_breakpoint_reports_500() -> None:
    """HJ 633-2012 表1 注: beyond the 500 breakpoint no IAQI is computed; reported as 500."""
    out = single_values("daily", "pm2_5", ["620"], "HJ633-2012")
    assert out["iaqi_pm2_5"].to_list() == [500]
    assert out["category"].to_list() == ["严重污染"]


def test_so2_1h_above_800_uses_the_so2_24h_iaqi() -> None:
    """HJ 633-2012 表1 注2: SO2 1-hour above 800 → the 24-hour IAQI is reported."""
    frame = pl.DataFrame({"so2": ["850", "800"], "so2_24h": ["200", "200"]})
    out = calculate(frame, "hourly", "HJ633-2012")
    assert out["iaqi_so2"].to_list() == [108, 200]  # 100 + 50·50/325 → 108
    assert out["aqi"].to_list() == [108, 200]


def test_so2_1h_above_800_without_a_24h_value_gives_no_aqi_and_a_reason() -> None:
    """HJ 633-2012 表1 注2 needs the 24-hour value; without it the AQI cannot be reported."""
    out = calculate(pl.DataFrame({"so2": ["801"], "pm2_5": ["30"]}), "hourly", "HJ633-2012")
    assert out["aqi"].to_list() == [None]
    assert "so2_24h" in out["reason"][0]


def test_o3_8h_above_800_is_reported_by_the_o3_1h_iaqi() -> None:
    """HJ 633-2012 表1 注3: O3 8-hour above 800 → no 8-hour IAQI; O3 1-hour IAQI reported."""
    frame = pl.DataFrame({"o3": ["1000"], "o3_8h": ["801"]})
    out = calculate(frame, "daily", "HJ633-2012")
    assert out["iaqi_o3_8h"].to_list() == [None]
    assert out["aqi"].to_list() == [400]
    assert out["primary_pollutants"].to_list() == ["O3"]
    assert "注3" in out["reason"][0]


def test_hourly_pm_uses_the_24h_breakpoints() -> None:
    """SPEC §2.1 实时报: PM2.5/PM10 1-hour values are looked up on the 24-hour rows."""
    out = calculate(pl.DataFrame({"pm2_5": ["75"], "pm10": ["150"]}), "hourly", "HJ633-2012")
    assert out.select("iaqi_pm2_5", "iaqi_pm10").row(0) == (100, 100)


def test_hourly_so2_no2_co_use_the_1h_breakpoints() -> None:
    """SPEC §2.1: the 1-hour limits of SO2, NO2, CO are for the real-time report."""
    frame = pl.DataFrame({"so2": ["150"], "no2": ["100"], "co": ["5"]})
    out = calculate(frame, "hourly", "HJ633-2012")
    assert out.select("iaqi_so2", "iaqi_no2", "iaqi_co").row(0) == (50, 50, 50)


def test_tied_iaqi_gives_several_primary_pollutants_in_table_order() -> None:
    """HJ 633-2012 §5.3: every pollutant whose IAQI equals the AQI is primary."""
    frame = pl.DataFrame({"pm10": ["150"], "pm2_5": ["75"], "so2": ["10"]})
    out = calculate(frame, "daily", "HJ633-2012")
    assert out["primary_pollutants"].to_list() == ["PM10;PM2.5"]


def test_no_primary_pollutant_when_aqi_is_50_or_less() -> None:
    """HJ 633-2012 §5.3: 首要污染物 only when AQI > 50."""
    out = calculate(pl.DataFrame({"pm2_5": ["35", "36"]}), "daily", "HJ633-2012")
    assert out["primary_pollutants"].to_list() == ["", "PM2.5"]


@pytest.mark.parametrize(("pm2_5", "level", "category"), [
    ("35", 1, "优"), ("36", 2, "良"), ("75", 2, "良"), ("76", 3, "轻度污染"),
    ("115", 3, "轻度污染"), ("116", 4, "中度污染"), ("150", 4, "中度污染"),
    ("151", 5, "重度污染"), ("250", 5, "重度污染"), ("251", 6, "严重污染"),
])
def test_level_and_category_edges(pm2_5: str, level: int, category: str) -> None:
    """HJ 633-2012 表2: AQI 0–50 优, 51–100 良, 101–150 轻度, 151–200 中度, 201–300 重度, >300 严重."""
    out = calculate(pl.DataFrame({"pm2_5": [pm2_5]}), "daily", "HJ633-2012")
    assert out.select("level", "category").row(0) == (level, category)


@pytest.mark.parametrize(("column", "value", "iaqi"), [
    ("pm2_5", "60", 100), ("pm2_5", "75", 114), ("pm2_5", "59", 98),
    ("pm10", "120", 100), ("pm10", "150", 112),
])
def test_hj633_2026_particulate_test_vectors(column: str, value: str, iaqi: int) -> None:
    """SPEC §2.1: the published HJ 633-2026 test vectors."""
    out = calculate(pl.DataFrame({column: [value]}), "daily", "HJ633-2026")
    assert out[f"iaqi_{column}"].to_list() == [iaqi]


def test_standard_is_chosen_by_the_date_in_force() -> None:
    """SPEC §2.1: HJ 633-2026 applies from 2026-03-01; a value is evaluated under the version
    in force on its date; every output row records the version."""
    frame = pl.DataFrame({"timepoint": ["2026-02-28", "2026-03-01"], "pm2_5": ["75", "75"]})
    out = calculate(frame, "daily")
    assert out.select("standard", "aqi").rows() == [("HJ633-2012", 100), ("HJ633-2026", 114)]


def test_hourly_timepoint_labels_the_end_of_its_hour() -> None:
    """SPEC §2.2 hour labels: the feed's 2026-03-01T00:00 is the last hour of 28 February."""
    frame = pl.DataFrame({"timepoint": ["2026-03-01T00:00:00", "2026-03-01T01:00:00"],
                          "pm2_5": ["75", "75"]})
    assert calculate(frame, "hourly")["standard"].to_list() == ["HJ633-2012", "HJ633-2026"]


def test_pinned_standard_overrides_the_date() -> None:
    frame = pl.DataFrame({"timepoint": ["2026-06-01"], "pm2_5": ["75"]})
    assert calculate(frame, "daily", "HJ633-2012")["aqi"].to_list() == [100]


def test_row_without_usable_value_has_empty_aqi_and_a_reason() -> None:
    out = calculate(pl.DataFrame({"pm2_5": ["-;"], "pm10": [""]}), "hourly", "HJ633-2012")
    assert out["aqi"].to_list() == [None]
    assert out["reason"][0] == "无可用的浓度值;"


def test_non_numeric_cell_is_named_in_the_reason_and_the_rest_still_counts() -> None:
    out = calculate(pl.DataFrame({"pm2_5": ["40"], "co": ["abc"]}), "daily", "HJ633-2012")
    assert out["aqi"].to_list() == [57]  # 50 + 50·5/40 = 56.25 → 57
    assert "co 不是数值" in out["reason"][0]


def test_cli_writes_input_columns_unchanged_then_the_results(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("station,timepoint,pm2_5,pm10,so2,no2,co,o3\n"
                      "甲,2024-01-01T08:00:00,75,50,10,20,2.2,100\n", encoding="utf-8")
    target = tmp_path / "out.csv"
    assert main(["aqi", str(source), "-o", str(target), "--mode", "hourly"]) == 0
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines == [
        "station,timepoint,pm2_5,pm10,so2,no2,co,o3,iaqi_so2,iaqi_no2,iaqi_pm10,iaqi_pm2_5,"
        "iaqi_co,iaqi_o3,aqi,level,category,primary_pollutants,standard,reason",
        "甲,2024-01-01T08:00:00,75,50,10,20,2.2,100,4,10,50,100,22,32,100,2,良,PM2.5,HJ633-2012,",
    ]


def test_cli_names_a_file_without_pollutant_columns(tmp_path: Path, capsys) -> None:
    source = tmp_path / "in.csv"
    source.write_text("a,b\n1,2\n", encoding="utf-8")
    assert main(["aqi", str(source), "-o", str(tmp_path / "o.csv"), "--mode", "daily"]) == 2
    assert str(source) in capsys.readouterr().err


HOURLY_ROW = {"pm2_5": "75", "pm10": "160", "so2": "160", "no2": "210", "co": "6", "o3": "220"}
DAILY_ROW = {"pm2_5": "40", "pm10": "80", "so2": "60", "no2": "50", "co": "2.2", "o3": "170",
             "o3_8h": "120"}


@pytest.mark.parametrize(("mode", "row"), [("hourly", HOURLY_ROW), ("daily", DAILY_ROW)])
def test_a_missing_pollutant_is_left_out_of_the_aqi_whichever_it_is(mode: str, row: dict) -> None:
    """Issue 15 part 8, HJ 633-2012 §5.2 formula (2): AQI = max of the IAQIs of the pollutants
    present; one pollutant missing (each in turn, SO2 included) gives the max of the others, as
    the national real-time feed publishes (261 such station-hours on 2018-02-20 07:00)."""
    full = calculate(pl.DataFrame([row]), mode, "HJ633-2012").row(0, named=True)
    for missing in row:
        out = calculate(pl.DataFrame([{**row, missing: "-;"}]), mode, "HJ633-2012").row(0, named=True)
        others = [full[f"iaqi_{c}"] for c in row if c != missing]
        assert out[f"iaqi_{missing}"] is None
        assert out["aqi"] == max(others), (missing, out)
        assert out["reason"] is None, (missing, out["reason"])


def test_the_real_feed_publishes_an_aqi_when_one_pollutant_is_missing() -> None:
    """Issue 15 part 8: the observed practice quoted in pipelines/air/calculator.py."""
    import json

    from tests.conftest import REAL_DATA

    path = REAL_DATA / "cnemc_air_stations_2018-02-20T07.json"
    rows = [f["properties"] for f in json.loads(path.read_text(encoding="utf-8"))["features"]]
    one_missing = {}
    for r in rows:
        missing = [p for p in ("pm2_5", "pm10", "so2", "no2", "co", "o3_24h") if r[p] == "-;"]
        if len(missing) == 1 and r["aqi"].isdigit():
            one_missing[missing[0]] = one_missing.get(missing[0], 0) + 1
    assert one_missing == {"pm10": 253, "no2": 3, "co": 2, "pm2_5": 2}


def test_a_users_own_row_id_column_passes_through_untouched(tmp_path: Path) -> None:
    """Issue 15 part 8: an input column named row_id (or anything else not read) is the user's."""
    source = tmp_path / "in.csv"
    source.write_text("row_id,pm2_5,note\nB-7,75,x\nA-1,-;,y\n", encoding="utf-8")
    target = tmp_path / "out.csv"
    assert main(["aqi", str(source), "-o", str(target), "--mode", "hourly",
                 "--standard", "HJ633-2012"]) == 0
    out = pl.read_csv(target, infer_schema=False)
    assert out.select("row_id", "pm2_5", "note", "aqi").rows() == [("B-7", "75", "x", "100"),
                                                                   ("A-1", "-;", "y", None)]


def test_an_input_column_named_like_a_result_is_refused_by_name(tmp_path: Path, capsys) -> None:
    source = tmp_path / "in.csv"
    source.write_text("pm2_5,aqi\n75,99\n", encoding="utf-8")
    assert main(["aqi", str(source), "-o", str(tmp_path / "o.csv"), "--mode", "hourly"]) == 2
    assert "输入列 aqi 与计算结果列同名" in capsys.readouterr().err


@pytest.mark.parametrize(("pollutant", "conc", "so2_24h", "looked_up", "iaqi", "note"), [
    ("so2_1h", "800", "200", "so2_1h", 200, None),               # 注2: 800 is still indexed
    ("so2_1h", "800.001", "200", "so2_24h", 108, "so2_1h_above_800"),
    ("so2_1h", "800.001", None, "so2_24h", None, "so2_1h_unindexed"),
    ("o3_8h", "800", None, "o3_8h", 300, None),                  # 注3: 800 is still indexed
    ("o3_8h", "800.001", None, "o3_8h", None, "o3_8h_above_800"),
])
def test_hj633_notes_2_and_3_at_the_800_boundary_in_the_models_macro(
        pollutant, conc, so2_24h, looked_up, iaqi, note) -> None:
    """HJ 633-2012 表1 注2 (SO2 1 h > 800 → the 24-hour IAQI) and 注3 (O3 8 h > 800 → no 8-hour
    IAQI): the macro iaqi_with_hj633_notes that fct_air_unit_daily and `ecoscore aqi` both call,
    at and just above the breakpoint."""
    import duckdb

    from pipelines.air.calculator import air_macros, load_standards

    con = duckdb.connect()
    load_standards(con)
    con.execute("create table c as select 'HJ633-2012' as standard_code, ? as pollutant, "
                "?::decimal(18, 3) as conc, ?::decimal(18, 3) as so2_24h", [pollutant, conc, so2_24h])
    sql = air_macros().iaqi_with_hj633_notes("c", "std_aqi_breakpoints", "c.so2_24h")
    row = con.execute(f"select pollutant, iaqi, hj633_note from ({sql})").fetchone()
    assert row == (looked_up, iaqi, note)


def test_the_daily_air_mart_applies_the_hj633_notes_through_the_macro() -> None:
    """HJ 633-2012 表1 注2/注3 live in one macro: the unit marts (日报 and 实时报) reach it through
    their shared chain air_unit_aqi_ctes, never the bare lookup."""
    from pipelines.lib.settings import DBT_PROJECT_DIR

    chain = (DBT_PROJECT_DIR / "macros" / "air" / "unit_aqi.sql").read_text("utf-8")
    assert "iaqi_with_hj633_notes(" in chain and "iaqi_from_breakpoints(" not in chain
    for mart in ("fct_air_unit_daily", "fct_air_unit_hourly"):
        sql = (DBT_PROJECT_DIR / "models" / "marts" / "air" / f"{mart}.sql").read_text("utf-8")
        assert "air_unit_aqi_ctes(" in sql and "iaqi_from_breakpoints(" not in sql, mart
