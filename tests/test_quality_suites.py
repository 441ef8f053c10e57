"""The quality gates on their own (no pipeline run): the bad-input corpus at the file and suite
level. Each fault says which file (and row and column where there is one) and why."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.air.ingest import STATION_COLUMNS, read_registry, read_station_hourly
from pipelines.lib.files import InputFileError
from pipelines.lib.settings import PROJECT_ROOT
from pipelines.lib.warehouse import replace_table
from pipelines.quality.frames import FRAMES
from pipelines.quality.suites import (
    BLOCK,
    PASS,
    QUARANTINED,
    WARN,
    Finding,
    load_suites,
    validate,
)
from pipelines.scheme.loader import SchemeError, load_scheme

# one xdist worker imports Great Expectations (~10 s a process) for all of its tests
pytestmark = pytest.mark.xdist_group("great_expectations")

SAMPLE_RAW = PROJECT_ROOT / "data" / "raw"
JANUARY = "station_hourly_2024-01.csv"
SUITES = {s.name: s for s in load_suites()}


@pytest.fixture
def raw_dir(tmp_path: Path) -> Path:
    """The registry and one month of the sample feed (fast to validate)."""
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLE_RAW / "registry", raw / "registry")
    (raw / "air").mkdir()
    shutil.copy(SAMPLE_RAW / "air" / JANUARY, raw / "air" / JANUARY)
    return raw


def feed(raw_dir: Path) -> Path:
    return raw_dir / "air" / JANUARY


def rewrite(path: Path, edit) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(edit(lines)) + "\n", encoding="utf-8")


def air_findings(raw_dir: Path) -> dict[str, Finding]:
    """The raw air suite on raw_dir's feed, findings by reason."""
    con = duckdb.connect()
    replace_table(con, "raw", "air_station_hourly", read_station_hourly(raw_dir))
    replace_table(con, "raw", "air_stations", read_registry(raw_dir, "stations.csv", STATION_COLUMNS))
    frame, parameters = FRAMES["raw_air_station_hourly"](con, 2024, "")
    return {f.why.split("：")[0]: f for f in validate(SUITES["raw_air_station_hourly"], frame, parameters)}


def not_passing(findings: dict[str, Finding]) -> dict[str, str]:
    return {why: f.level for why, f in findings.items() if f.level != PASS}


def test_the_clean_sample_month_passes_every_air_expectation(raw_dir: Path):
    assert not_passing(air_findings(raw_dir)) == {}


def test_co_sent_in_ug_per_m3_for_a_whole_file_blocks_and_names_the_file(raw_dir: Path):
    # CO is reported in mg/m³ (HJ 633-2012 表1): 1.1 mg/m³ sent as 1100 μg/m³
    def to_micrograms(lines: list[str]) -> list[str]:
        out = [lines[0]]
        for line in lines[1:]:
            cells = line.split(",")
            if cells[8] not in ("", "-;"):
                cells[8] = f"{float(cells[8]) * 1000:g}"
            out.append(",".join(cells))
        return out

    rewrite(feed(raw_dir), to_micrograms)
    finding = air_findings(raw_dir)["CO 超出物理范围（CO 以 mg/m³ 报送，数值上百通常是误用了 μg/m³）"]
    assert finding.level == BLOCK
    assert f"air/{JANUARY}" in finding.why and "整份文件不可用" in finding.why
    assert finding.column == "co"


def test_a_few_bad_rows_are_listed_with_file_and_row_and_do_not_block(raw_dir: Path):
    def add_faults(lines: list[str]) -> list[str]:
        row = lines[1].split(",")  # 2024-01-01T01:00:00,3101A,…
        unknown = ",".join([row[0], "9999A", *row[2:]])
        future = ",".join(["2031-01-01T01:00:00", *row[1:]])
        half_hour = ",".join(["2024-01-01T01:30:00", "3102A", *row[2:]])
        # issue 15 part 7: whole hours written otherwise (24:00, one-digit month and hour) are not
        # reported as 时间不是整点
        midnight = ",".join(["2023/12/1 24:00", "3102A", *row[2:]])
        short = ",".join(["2023/12/31 8:00", "3102A", *row[2:]])
        negative = ",".join(["2024-02-01T01:00:00", "3101A", *row[2:4], "-5", *row[5:]])
        return [*lines, unknown, future, lines[1], half_hour, negative, midnight, short]

    rewrite(feed(raw_dir), add_faults)
    findings = air_findings(raw_dir)
    n = len(feed(raw_dir).read_text(encoding="utf-8").splitlines())  # header = row 1
    expected_rows = {"站点不在站点名录中": [n - 6], "时间在未来": [n - 5], "时间不是整点": [n - 3]}
    for why, rows in expected_rows.items():
        assert findings[why].level == QUARANTINED, why
        assert [r["source_row"] for r in findings[why].rows] == rows, why
        assert findings[why].files == {f"air/{JANUARY}": 1}
    # the copy of row 2 is a duplicate station-hour: both rows are named, the later is quarantined
    assert [r["source_row"] for r in findings["同一站点同一时刻重复"].rows] == [2, n - 4]
    assert findings["PM2.5 超出物理范围（μg/m³）"].rows[0]["source_row"] == n - 2
    assert all(f.level != BLOCK for f in findings.values())


@pytest.mark.parametrize("token", ["NaN", "--", "-;", ""])
def test_missing_value_tokens_are_missing_values_not_faults(raw_dir: Path, token: str):
    rewrite(feed(raw_dir), lambda lines: [lines[0], ",".join(
        [*lines[1].split(",")[:4], token, *lines[1].split(",")[5:]]), *lines[2:]])
    assert not_passing(air_findings(raw_dir)) == {}


@pytest.mark.parametrize("value, why", [("1e9", "PM2.5 超出物理范围（μg/m³）"),
                                        ("-3", "PM2.5 超出物理范围（μg/m³）"),
                                        ("abc", "PM2.5 不是数值")])
def test_a_bad_cell_is_named_by_file_row_and_column(raw_dir: Path, value: str, why: str):
    rewrite(feed(raw_dir), lambda lines: [lines[0], ",".join(
        [*lines[1].split(",")[:4], value, *lines[1].split(",")[5:]]), *lines[2:]])
    finding = air_findings(raw_dir)[why]
    assert (finding.level, finding.column, finding.rows) == (
        QUARANTINED, "pm2_5", [{"source_file": f"air/{JANUARY}", "source_row": 2}])


def test_a_24_00_timepoint_is_on_the_hour_of_the_day_it_names(raw_dir: Path):
    # SPEC §2.2: a timestamp written `24:00` belongs to the day it names
    rewrite(feed(raw_dir), lambda lines: [line.replace("2024-01-02T00:00:00", "2024-01-01 24:00")
                                          for line in lines])
    assert not_passing(air_findings(raw_dir)) == {}


def test_an_empty_file_is_an_error_naming_the_file(raw_dir: Path):
    feed(raw_dir).write_bytes(b"")
    with pytest.raises(InputFileError, match=f"air/{JANUARY}: 文件为空"):
        read_station_hourly(raw_dir)


def test_a_semicolon_delimited_file_is_an_error_naming_the_file_and_the_missing_columns(raw_dir: Path):
    rewrite(feed(raw_dir), lambda lines: [line.replace(",", ";") for line in lines])
    with pytest.raises(InputFileError, match=f"air/{JANUARY}: 缺少列 timepoint"):
        read_station_hourly(raw_dir)


def test_a_gbk_file_without_declaration_reads_like_its_utf8_original(raw_dir: Path):
    utf8 = read_station_hourly(raw_dir)
    text = feed(raw_dir).read_text(encoding="utf-8")
    feed(raw_dir).write_bytes(text.encode("gbk"))
    assert read_station_hourly(raw_dir).equals(utf8)


def test_a_scheme_yaml_error_names_the_file_and_the_line(tmp_path: Path):
    broken = tmp_path / "broken_2024.yaml"
    broken.write_text("scheme:\n  code: x\n  year: [2024\nunits: []\n", encoding="utf-8")
    with pytest.raises(SchemeError, match=r"(?s)broken_2024\.yaml: YAML 无法解析.*line 3"):
        load_scheme(broken)


def test_a_score_above_its_item_points_blocks():
    frame = pl.DataFrame({"scheme_code": ["s", "s"], "unit_code": ["a", "b"], "item_code": ["1", "1"],
                          "points": [3.0, 3.0], "score": [3.0, 3.5]})
    findings = {f.why: f for f in validate(SUITES["mart_unit_item_scores"], frame, {})}
    finding = findings["单项得分超过该项分值"]
    assert finding.level == BLOCK
    assert finding.rows == [{"scheme_code": "s", "unit_code": "b", "item_code": "1"}]


PII = "发布的数据中出现个人信息（身份证号、电话号码或签名姓名）"


def test_a_phone_number_or_a_contact_column_in_a_published_table_blocks():
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute("create table marts.fct_x as select 'a' as unit_code, '联系 13812345678' as note, "
                "'张三' as contact_person")
    frame, parameters = FRAMES["published_personal_data"](con, 2024, "")
    findings = {f.why: f for f in validate(SUITES["published_personal_data"], frame, parameters)}
    assert findings[PII].rows == [{"relation": "marts.fct_x", "column_name": "note"}]
    assert findings["发布的数据含有个人信息列（姓名、电话等）"].rows == [
        {"relation": "marts.fct_x", "column_name": "contact_person"}]


def test_digits_inside_a_hash_are_not_a_phone_number():
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute("create table marts.fct_x as select * from (values ('6cefd3ae01d14105491866d7314abf92', "
                "'电话13812345678')) t(movement_id, note)")
    frame, parameters = FRAMES["published_personal_data"](con, 2024, "")
    findings = {f.why: f for f in validate(SUITES["published_personal_data"], frame, parameters)}
    assert findings[PII].rows == [{"relation": "marts.fct_x", "column_name": "note"}]


def test_the_release_refuses_a_parquet_file_holding_personal_data(tmp_path: Path):
    """SPEC §6: the staged release's Parquet files are scanned with the same rule as the
    warehouse copy (pipelines/lib/personal.py first_matches): file and column named, value
    masked; a clean folder passes."""
    from pipelines.publish.release import PersonalDataError, refuse_personal_data

    pl.DataFrame({"unit_code": ["a", "b"], "note": ["ok", "经办人：吴小兰"],
                  "points": [1, 2]}).write_parquet(tmp_path / "fct_a.parquet")
    pl.DataFrame({"note": ["ok"]}).write_parquet(tmp_path / "fct_b.parquet")
    with pytest.raises(PersonalDataError, match="fct_a.parquet 列 note：经办人：\\[姓名已隐去\\]") as err:
        refuse_personal_data(tmp_path)
    assert "吴小兰" not in str(err.value) and "fct_b" not in str(err.value)
    (tmp_path / "fct_a.parquet").unlink()
    refuse_personal_data(tmp_path)


def test_personal_data_in_any_schema_of_the_published_warehouse_blocks():
    """Issue 15 part 4: the release copies the whole warehouse, so raw, staging and intermediate
    tables are published too; an ID number, a spaced or dashed mobile, a landline or a signed
    name in any of them blocks, and the report shows the value masked."""
    con = duckdb.connect()
    for schema in ("raw", "staging", "intermediate", "marts"):
        con.execute(f"create schema {schema}")
    con.execute("create table raw.ledger_rows as select * from (values "
                "('备注 45070219800101123X', 'ok'), ('ok', 'ok')) t(description, evidence_ref)")
    con.execute("create table staging.stg_x as select '+86 138 0000 1234' as note")
    con.execute("create view intermediate.int_x as select '座机 (0777)2800123' as note, "
                "'填表人：吴小兰' as footer, 'HD-2024-001' as evidence_ref")
    con.execute("create table marts.fct_x as select '6cefd3ae01d14105491866d7314abf92' as id")
    frame, parameters = FRAMES["published_personal_data"](con, 2024, "")
    findings = {f.why: f for f in validate(SUITES["published_personal_data"], frame, parameters)}
    assert findings[PII].level == BLOCK
    assert sorted(findings[PII].rows, key=str) == [
        {"relation": "intermediate.int_x", "column_name": "footer"},
        {"relation": "intermediate.int_x", "column_name": "note"},
        {"relation": "raw.ledger_rows", "column_name": "description"},
        {"relation": "staging.stg_x", "column_name": "note"}]
    values = frame.drop_nulls("text_value")["text_value"].to_list()
    assert "备注 [证件号已隐去]" in values and "138" not in str(values)


def test_every_suite_is_a_blocking_asset_check_of_the_nightly_job():
    from pipelines.definitions import defs

    job = defs.resolve_job_def("ecoscore_all")
    checks = {k.name: k for k in job.asset_layer.asset_graph.asset_check_keys}
    for suite in SUITES.values():
        assert suite.name in checks, suite.name
        assert checks[suite.name].asset_key.path == suite.asset
        assert job.asset_layer.asset_graph.get_check_spec(checks[suite.name]).blocking


def test_a_check_that_reads_a_dbt_model_runs_after_it_and_holds_the_export_back():
    """Issue 20 part 3: the completeness and hour-label checks read dbt models, so each check's
    step waits for the step that builds its model, and the export (release_candidate) waits for
    every such check; the raw gates still run before dbt builds anything. (The suites that read
    models share one step, the raw gates another: pipelines/quality/assets.py check_step.)"""
    from pipelines.definitions import defs
    from pipelines.quality.assets import check_step

    job = defs.resolve_job_def("ecoscore_all")
    structure = job.graph.dependency_structure

    def upstream(node: str) -> set[str]:
        return {o.node.name for outs in structure.input_to_upstream_outputs_for_node(node).values()
                for o in outs}

    # the one dbt step (issue 37) builds both models
    for name in ("air_station_completeness", "air_station_hourly_checked"):
        node = check_step(SUITES[name])
        assert "ecoscore_dbt" in upstream(node), name
        assert node in upstream("release_candidate"), name
    for name in ("raw_air_station_hourly", "raw_water_sections", "raw_schemes"):
        assert check_step(SUITES[name]) in upstream("ecoscore_dbt"), name
    assert check_step(SUITES["air_station_completeness"]) not in upstream("ecoscore_dbt")


@pytest.fixture
def sample_warehouse(sample_run, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    """A writable copy of the sample run's warehouse."""
    copy = tmp_path / "ecoscore.duckdb"
    shutil.copy2(sample_run.warehouse_path, copy)
    con = duckdb.connect(str(copy))
    yield con
    con.close()


def test_completeness_warns_on_the_station_months_the_view_counts_short(sample_warehouse):
    """GB 3095-2012 表4 (2018 amendment): 27 valid days a month, 25 in February; a valid day has
    ≥ 20 valid hours. The check reads intermediate.int_air__station_monthly (a view over
    int_air__station_daily), so days made invalid there show: 5 days of March short for one
    station warn; 4 days of February (29 − 4 = 25) pass, 5 (24) warn."""
    con = sample_warehouse
    suite = SUITES["air_station_completeness"]
    frame, parameters = FRAMES[suite.name](con, 2024, "")
    assert [f.level for f in validate(suite, frame, parameters)] == [PASS]  # the clean sample
    stations = sorted(r[0] for r in con.sql(
        "select distinct station_code from intermediate.int_air__station_daily "
        "where year(obs_date) = 2024").fetchall())
    invalid_days = {(stations[0], "2024-03-01", "2024-03-05"),
                    (stations[1], "2024-02-01", "2024-02-04"),
                    (stations[2], "2024-02-10", "2024-02-14")}
    for station, first, last in invalid_days:  # fewer than 20 valid hours on those days
        con.execute("update intermediate.int_air__station_daily set pm2_5_hours = 19, "
                    "pm2_5_24h = null where station_code = ? and obs_date between ? and ?",
                    [station, first, last])
    frame, parameters = FRAMES[suite.name](con, 2024, "")
    (finding,) = validate(suite, frame, parameters)
    assert finding.level == WARN and finding.why.startswith("有效日数不足")
    assert sorted((r["station_code"], r["month"]) for r in finding.rows) == sorted(
        [(stations[0], "2024-03"), (stations[2], "2024-02")])
    # every day of February and March is valid in the clean sample
    short = frame.filter(pl.col("days_short") > 0).sort("station_code")
    assert short.select("valid_days", "required_days", "days_short").rows() == [(26, 27, 1),
                                                                                 (24, 25, 1)]


def test_hours_outside_the_year_are_found_by_the_checked_models_hour_label(sample_warehouse):
    """The sample's 2023 feed is read on purpose (同比, year-on-year items) and 2024-01-01 00:00,
    which CNEMC labels as the end of 2023-12-31's last hour, belongs to 2023 too
    (stg_air__station_hourly_checked's label): in a 2024 run they are expected, no warning (issue
    34: every run used to warn about ~70,000 such hours). Two years on (a 2025 run), 2023's hours
    are older than the year before: a warning, never a block."""
    con = sample_warehouse
    suite = SUITES["air_station_hourly_checked"]
    frame, parameters = FRAMES[suite.name](con, 2024, "")
    (finding,) = validate(suite, frame, parameters)
    assert finding.level != WARN and finding.unexpected == 0
    frame, parameters = FRAMES[suite.name](con, 2025, "")
    (finding,) = validate(suite, frame, parameters)
    expected = con.execute("select count(*) from staging.stg_air__station_hourly_checked "
                           "where period_start < '2024-01-01'").fetchone()[0]
    assert finding.level == WARN and finding.why == "时间早于考核年度的上一年"
    assert finding.unexpected == expected > 0
    first_hour = con.execute("select count(*) from staging.stg_air__station_hourly_checked "
                             "where timepoint = '2024-01-01 00:00:00' and year(period_start) = 2023"
                             ).fetchone()[0]
    assert first_hour > 0
