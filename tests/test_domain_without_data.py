"""A year, or a unit, without a whole domain publishes, the domain shown as 无数据 (issue 32):
the dashboard's panels, the office files' notes, the run summary — and the console's error block
names the cause when a step fails (it said "步骤 dashboard: " and nothing more). No pipeline run
here; tests/test_scoring_fangchenggang_2022.py runs the seed-000 sample year end to end."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import polars as pl
import pytest

from pipelines.air import ingest as air_ingest
from pipelines.lib.files import InputFileError
from pipelines.publish.coverage import coverage_line
from pipelines.publish.dashboard.panels import (
    NO_DATA_ZH,
    air_calendar_panel,
    air_monthly_panel,
    quality_panel,
    target_gap_panel,
    water_panel,
    without_data_note,
)
from pipelines.publish.office.data import domains_without_data
from pipelines.quality.summary import innermost_message
from pipelines.water import ingest as water_ingest


def coverage(rows: list[tuple[str, str, str, bool, bool]]) -> pl.DataFrame:
    """(unit_code, unit_name, domain, has_data, is_read) rows of fct_domain_coverage for 2022."""
    labels = {"air": "空气质量", "water": "地表水", "ledgers": "台账"}
    return pl.DataFrame([{"scheme_code": "s", "scheme_year": 2022, "unit_code": u, "unit_name": n,
                          "domain": d, "domain_zh": labels[d], "has_data": h, "is_read": r,
                          "status_zh": "有数据" if h else "无数据",
                          "detail_zh": "12 行台账" if h else "无数据"} for u, n, d, h, r in rows])


def test_the_console_names_the_cause_of_a_failed_step():
    """plotly's ValueError begins with an empty line ("ValueError: \\nThe 'rows' argument to
    make_subplots must be an int greater than 0."): the error block shows that sentence."""
    plotly = SimpleNamespace(message="ValueError: \nThe 'rows' argument to make_subplots must be an int "
                                     "greater than 0.\n    Received value of type <class 'int'>: 0\n",
                             cause=None, cls_name="ValueError")
    wrapped = SimpleNamespace(message='Error occurred while executing op "dashboard":', cause=plotly)
    assert innermost_message(wrapped) == ("The 'rows' argument to make_subplots must be an int greater "
                                          "than 0.")
    assert innermost_message(SimpleNamespace(message="KeyError: \n", cause=None,
                                             cls_name="KeyError")) == "KeyError"


def test_air_and_water_panels_say_no_data_for_a_year_without_it():
    """防城港 2022 (seed 000): no air feed, no water sections — each panel says 无数据, draws nothing."""
    empty_daily = pl.DataFrame(schema={"unit_code": pl.String, "unit_name": pl.String,
                                       "obs_date": pl.Date, "is_valid_day": pl.Boolean})
    levels = pl.DataFrame({"level": [1], "colour": ["#00E400"], "category": ["优"]})
    for panel in (air_calendar_panel(empty_daily, levels, 2022, []),
                  air_monthly_panel(pl.DataFrame(schema={"unit_code": pl.String}), pl.DataFrame(), []),
                  target_gap_panel(pl.DataFrame(schema={"unit_code": pl.String}), {}, [], date(2022, 12, 31)),
                  water_panel(pl.DataFrame(schema={"section_code": pl.String}),
                              pl.DataFrame({"class": [1], "label_zh": ["Ⅰ类"], "colour": ["#00F"]}), {})):
        assert panel.missing.startswith(f"{NO_DATA_ZH}："), panel.key
        assert panel.figures == []
    hours = pl.DataFrame({"station_code": ["s1"], "station_name": ["站1"], "obs_month": [1],
                          "completeness": [0.0]})
    gates = pl.DataFrame({"title": ["t"], "status": ["通过"], "expectations": [1], "failing": [0]})
    panel = quality_panel(gates, hours, "")
    assert NO_DATA_ZH in panel.missing and panel.figures == [] and len(panel.tables) == 1  # gates, no 0 % map


def test_a_unit_without_air_is_named_in_the_note():
    """资源县 has no air station in the sample: the calendar's note names it 无数据 (its scheme
    reads air measures); a department whose scheme reads no air is not listed."""
    rows = coverage([("ziyuan", "资源县", "air", False, True), ("lingshan", "灵山县", "air", True, True),
                     ("sthjj", "市生态环境局", "air", False, False)])
    assert without_data_note(rows, "air") == f"{NO_DATA_ZH}的考核单位：资源县。"
    assert without_data_note(rows, "water") == ""


def test_office_files_and_run_summary_say_no_data(tmp_path: Path):
    """The 通报's data-quality paragraph and the run summary line for the 2022 sample year."""
    domains = ("air", "water", "ledgers")
    rows = coverage([("sthjj", "市生态环境局", d, d == "ledgers", True) for d in domains]
                    + [("gxj", "市工业和信息化局", d, d == "ledgers", True) for d in domains])
    assert domains_without_data(rows) == [("空气质量", ["市工业和信息化局", "市生态环境局"], True),
                                          ("地表水", ["市工业和信息化局", "市生态环境局"], True)]
    one_without_ledgers = rows.with_columns(
        has_data=pl.when(pl.col("unit_code") == "gxj").then(False).otherwise(pl.col("has_data")))
    assert domains_without_data(one_without_ledgers)[-1] == ("台账", ["市工业和信息化局"], False)
    rows.write_parquet(tmp_path / "fct_domain_coverage.parquet")
    assert coverage_line(tmp_path, 2022) == (f"数据 data 2022 年：空气质量 {NO_DATA_ZH} · "
                                             f"地表水 {NO_DATA_ZH} · 台账 有数据")
    assert coverage_line(tmp_path, 2024) == ""


def test_a_data_folder_without_air_or_water_files_loads_empty(tmp_path: Path):
    """No air feed and no water file at all: empty inputs (the year has no such data), not a failed
    ingest; registry files are needed only to place air data that exists."""
    raw = tmp_path / "raw"
    raw.mkdir()
    stations = air_ingest.read_registry(raw, "stations.csv", air_ingest.STATION_COLUMNS)
    assert stations.is_empty() and {"source_file", "source_row"} <= set(stations.columns)
    assert water_ingest.read_section_monthly(raw).is_empty()
    assert water_ingest.read_table(raw, "sections.csv", water_ingest.SECTION_COLUMNS, "断面名录").is_empty()
    (raw / "water").mkdir()
    header = ",".join(water_ingest.SECTION_COLUMNS) + "\n"
    (raw / "water" / "sections.csv").write_text(header, encoding="utf-8")
    with pytest.raises(InputFileError, match="没有断面月度监测文件"):  # a set with a file missing
        water_ingest.read_section_monthly(raw)


def test_scorecard_lists_a_not_applicable_item_as_such_001_14_2():
    """seed 001 14(2) "（无项目投资计划任务的，此项不计分）": the item moves nothing, but the unit's
    scorecard table lists it with 不适用 — never 数据缺失."""
    from pipelines.publish.dashboard.panels import NOT_APPLICABLE_ZH, movement_table

    moved = pl.DataFrame({"movement_id": ["m1"], "item_code": ["14.2"], "item_name": ["水土流失综合治理投资"],
                          "points": [0.0], "movement_kind": ["not_applicable"], "status": ["not_applicable"],
                          "measure_value": [0.0], "target": [None], "source_item": ["14(2)"],
                          "explanation_zh": ["不适用：任务数量台账记为 0（无此项任务），…此项不计分"]},
                         schema_overrides={"target": pl.Float64})
    table = movement_table(moved, None, 2, 0)
    assert table.rows[0][3] == NOT_APPLICABLE_ZH and table.red == [False]
