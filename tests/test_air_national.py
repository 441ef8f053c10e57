"""The national archive as an input format (issue 33 item 4) and unit-level feeds (item 5):
CNEMC's daily wide files of stations and cities, the national station list and a unit feed,
read as published; registry files a national folder makes optional. Small files written here
(the real ones: tests/test_air_national_real.py). No pipeline run."""

from __future__ import annotations

import gzip
from pathlib import Path

import polars as pl
import pytest

from pipelines.air import ingest, national
from pipelines.lib.files import InputFileError

TYPES = ["AQI", "PM2.5", "PM2.5_24h", "PM10", "PM10_24h", "SO2", "SO2_24h", "NO2", "NO2_24h",
         "O3", "O3_24h", "O3_8h", "O3_8h_24h", "CO", "CO_24h"]


def wide_day(path: Path, day: str, columns: list[str], value, hours=range(2), extra_header="") -> Path:
    """A national wide day file: rows date, hour, type; one column per station or city."""
    lines = ["date,hour,type," + ",".join(columns) + extra_header]
    for hour in hours:
        for t in TYPES:
            lines.append(f"{day},{hour},{t}," + ",".join(value(hour, t, c) for c in columns))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def national_dir(tmp_path: Path) -> Path:
    return tmp_path / "raw" / "air" / "national"


def test_a_station_day_file_becomes_feed_rows_one_per_station_and_hour(tmp_path: Path):
    """The six hourly types become the feed's columns; `hour` is the timepoint (CNEMC labels the
    end of the hour); the *_24h, O3_8h and AQI types are not hourly concentrations; an empty
    cell is a missing value, and a station with no value that hour has no row."""
    def value(hour, t, station):
        if station == "1002A" and hour == 1:
            return ""
        return {"PM2.5": "35", "PM10": "50", "SO2": "5", "NO2": "20", "CO": "0.6", "O3": "40"}.get(t, "99")
    path = wide_day(national_dir(tmp_path) / "china_sites_20230121.csv", "20230121",
                    ["1001A", "1002A"], value)
    feed = national.sites_as_feed(path, "air/national/china_sites_20230121.csv").sort(
        ["timepoint", "stationcode"])
    assert feed.columns == [*ingest.FEED_COLUMNS, "source_file", "source_row"]
    assert feed.select("timepoint", "stationcode", "pm2_5", "co", "o3").rows() == [
        ("2023-01-21T00:00:00", "1001A", "35", "0.6", "40"),
        ("2023-01-21T00:00:00", "1002A", "35", "0.6", "40"),
        ("2023-01-21T01:00:00", "1001A", "35", "0.6", "40")]
    assert set(feed["source_file"]) == {"air/national/china_sites_20230121.csv"}


def test_station_day_files_feed_the_hourly_store_by_the_month_in_their_name(tmp_path: Path):
    """store_months reads national station files with the long feed; the month comes from the
    file name (china_sites_YYYYMMDD)."""
    wide_day(national_dir(tmp_path) / "china_sites_20230131.csv", "20230131", ["1001A"],
             lambda h, t, c: "10")
    wide_day(national_dir(tmp_path) / "china_sites_20230201.csv", "20230201", ["1001A"],
             lambda h, t, c: "10")
    files = ingest.all_feed_files(tmp_path / "raw")
    assert [(p.name, m) for p, m in files] == [("china_sites_20230131.csv", "2023-01"),
                                              ("china_sites_20230201.csv", "2023-02")]
    assert ingest.read_station_hourly(tmp_path / "raw", {"2023-02"}).height == 2


def test_trailing_empty_header_names_are_not_stations(tmp_path: Path):
    """2023-01-21's station file ends its header with six commas: no station, no rows."""
    path = wide_day(national_dir(tmp_path) / "china_sites_20230121.csv", "20230121", ["1001A"],
                    lambda h, t, c: "10")
    text = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([text[0] + ",,,"] + [line + ",,," for line in text[1:]]) + "\n",
                    encoding="utf-8")
    feed = national.sites_as_feed(path, "x")
    assert set(feed["stationcode"]) == {"1001A"}


def test_a_day_file_cut_off_mid_line_is_refused_naming_file_and_line(tmp_path: Path):
    """House rule (whole-file faults): the file's last line has fewer fields than its header and
    no newline — a transfer that stopped — so the file is refused, naming it and the line."""
    path = wide_day(national_dir(tmp_path) / "china_sites_20230120.csv", "20230120",
                    ["1001A", "1002A", "1003A"], lambda h, t, c: "10")
    text = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(text.rsplit(",", 2)[0], encoding="utf-8")
    with pytest.raises(InputFileError, match=r"china_sites_20230120.csv: 第 31 行不完整"):
        national.sites_as_feed(path, "air/national/china_sites_20230120.csv")


def test_a_gzipped_day_file_reads_as_the_file_it_holds(tmp_path: Path):
    path = wide_day(tmp_path / "plain" / "china_cities_20230121.csv", "20230121", ["北京", "天津"],
                    lambda h, t, c: "12")
    packed = national_dir(tmp_path) / "china_cities_20230121.csv.gz"
    packed.parent.mkdir(parents=True)
    packed.write_bytes(gzip.compress(path.read_bytes()))
    assert national.day_files(tmp_path / "raw", national.CITIES_FILE) == [packed]
    plain = national.read_wide(path, "a", "unit_name").drop("source_file")
    assert national.read_wide(packed, "a", "unit_name").drop("source_file").equals(plain)


def test_an_archive_file_ending_without_a_newline_reads_when_gzip_proves_it_whole(tmp_path: Path):
    """CNEMC's national archive writes its day files without a final newline (every file of the
    mirror in tests/data/real/cnemc_national). Packed in gzip, whose CRC-32 and length prove the
    bytes arrived whole, such a file reads as it is; the same bytes as a plain .csv are refused
    as a copy still under way (house rule: whole-file faults name file and line)."""
    path = wide_day(tmp_path / "plain" / "china_cities_20230121.csv", "20230121", ["北京", "天津"],
                    lambda h, t, c: "12")
    unended = path.read_bytes().rstrip(b"\n")
    path.write_bytes(unended)
    packed = national_dir(tmp_path) / "china_cities_20230121.csv.gz"
    packed.parent.mkdir(parents=True)
    packed.write_bytes(gzip.compress(unended))
    long = national.read_wide(packed, "air/national/china_cities_20230121.csv.gz", "unit_name")
    assert long.height == 2 * len(TYPES) * 2
    with pytest.raises(InputFileError, match=r"china_cities_20230121.csv: 第 31 行.*末字段可能被截短"):
        national.read_wide(path, "air/national/china_cities_20230121.csv", "unit_name")


def test_a_packed_file_cut_before_packing_or_a_cut_gzip_is_refused_naming_the_file(tmp_path: Path):
    """gzip proves the transfer, not the source: a last line shorter than the header inside a
    whole gzip (the source's own cut, as in the real 2023-01-20 station file) is refused naming
    the line; a gzip stream that stops half-way is refused naming the file."""
    path = wide_day(tmp_path / "plain" / "china_sites_20230120.csv", "20230120",
                    ["1001A", "1002A", "1003A"], lambda h, t, c: "10")
    cut_at_source = path.read_text(encoding="utf-8").rstrip("\n").rsplit(",", 2)[0]
    packed = national_dir(tmp_path) / "china_sites_20230120.csv.gz"
    packed.parent.mkdir(parents=True)
    packed.write_bytes(gzip.compress(cut_at_source.encode()))
    source_cut = r"china_sites_20230120.csv.gz: 第 31 行不完整.*只有 4 个字段，表头有 6 个"
    with pytest.raises(InputFileError, match=source_cut):
        national.sites_as_feed(packed, "air/national/china_sites_20230120.csv.gz")
    whole = gzip.compress(path.read_bytes())
    packed.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(InputFileError, match=r"china_sites_20230120.csv.gz: gzip 压缩文件不完整或已损坏"):
        national.sites_as_feed(packed, "air/national/china_sites_20230120.csv.gz")

def test_the_stations_published_daily_values_are_hour_zero_of_the_next_day_file(tmp_path: Path):
    """A station day file's hour 0 closes the previous day: its *_24h types are that day's
    real-time daily values (raw.air_station_published_daily)."""
    wide_day(national_dir(tmp_path) / "china_sites_20230122.csv", "20230122", ["1001A"],
             lambda h, t, c: str(h * 100 + TYPES.index(t)))
    daily = national.read_published_daily(tmp_path / "raw")
    assert sorted(daily.select("type", "value").rows()) == sorted(
        (t, str(TYPES.index(t))) for t in national.DAILY_TYPES)
    assert set(daily["date"]) == {"20230122"}


def test_city_day_files_are_the_official_reference_long(tmp_path: Path):
    wide_day(national_dir(tmp_path) / "china_cities_20230121.csv", "20230121", ["北京", "天津"],
             lambda h, t, c: "" if c == "天津" and t == "AQI" else "7")
    official = national.read_official(tmp_path / "raw")
    assert official.height == 2 * 2 * 15 - 2
    assert set(official["unit_name"]) == {"北京", "天津"}
    assert national.unit_level_inputs(tmp_path / "raw")


def test_the_station_list_is_read_with_its_flag_and_optional_names(tmp_path: Path):
    """监测点编码, 城市 and 对照点 decide what counts; 监测点名称, 经度, 纬度 are kept when present."""
    folder = national_dir(tmp_path)
    folder.mkdir(parents=True)
    (folder / "站点列表-2022.02.13起.csv").write_text(
        "监测点编码,监测点名称,城市,经度,纬度,对照点\n1001A,万寿西宫,北京,116.3621,39.8784,N\n"
        "1002A,定陵(对照点),北京,116.2202,40.2915,Y\n", encoding="utf-8")
    frame = national.read_station_list(tmp_path / "raw")
    assert frame.select("stationcode", "positionname", "city", "control_flag").rows() == [
        ("1001A", "万寿西宫", "北京", "N"), ("1002A", "定陵(对照点)", "北京", "Y")]
    (folder / "站点列表-2022.02.13起.csv").write_text("监测点编码,城市,对照点\n1001A,北京,N\n",
                                                   encoding="utf-8")
    assert national.read_station_list(tmp_path / "raw")["positionname"].to_list() == [None]


def test_a_header_only_station_districts_file_is_an_empty_table(tmp_path: Path):
    """Issue 33: when the national station list says where each station counts, a
    station_districts.csv holding its header alone is not refused."""
    registry = tmp_path / "raw" / "registry"
    registry.mkdir(parents=True)
    (registry / "station_districts.csv").write_text("stationcode,district_unit_code,district_name\n",
                                                    encoding="utf-8")
    frame = ingest.read_registry(tmp_path / "raw", "station_districts.csv",
                                 ingest.STATION_DISTRICT_COLUMNS, allow_header_only=True)
    assert frame.height == 0 and frame.columns[:3] == ingest.STATION_DISTRICT_COLUMNS
    (registry / "station_districts.csv").write_text("stationcode\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="缺少列 district_unit_code"):
        ingest.read_registry(tmp_path / "raw", "station_districts.csv",
                             ingest.STATION_DISTRICT_COLUMNS, allow_header_only=True)


def test_dated_unit_membership_columns_are_optional(tmp_path: Path):
    registry = tmp_path / "raw" / "registry"
    registry.mkdir(parents=True)
    (registry / "unit_stations.csv").write_text(
        "unit_code,unit_name,stationcode,valid_from\nqinnan,钦南区,3101A,2024-07-01\n", encoding="utf-8")
    frame = ingest.read_registry(tmp_path / "raw", "unit_stations.csv", ingest.UNIT_STATION_COLUMNS,
                                 ingest.UNIT_STATION_OPTIONAL, allow_header_only=True)
    assert frame.select("valid_from", "valid_to").rows() == [("2024-07-01", None)]


def test_a_unit_feed_is_read_with_its_required_columns(tmp_path: Path):
    """Item 5: a unit-level daily feed (a county's 日报 from the provincial platform)."""
    units = tmp_path / "raw" / "air" / "units"
    units.mkdir(parents=True)
    (units / "county_daily_2024.csv").write_text(
        "unit_code,unit_name,date,pm2_5,pm10,so2,no2,co,o3_8h_max\n"
        "lingshan,灵山县,2024-01-01,30,45,6,12,0.7,80\n", encoding="utf-8")
    frame = national.read_unit_feed(tmp_path / "raw")
    assert frame.select("unit_code", "date", "pm2_5", "o3_1h_max").rows() == [
        ("lingshan", "2024-01-01", "30", None)]
    assert national.unit_level_inputs(tmp_path / "raw")
    (units / "county_daily_2024.csv").write_text("unit_code,date\nx,2024-01-01\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="缺少列 pm2_5"):
        national.read_unit_feed(tmp_path / "raw")


def test_national_report_prints_computed_beside_published_and_why(tmp_path: Path):
    import duckdb

    from pipelines.air.national_report import national_table

    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("""create table marts.fct_air_national_monthly as
            select month, measure, n_cities, n_cities_listed, computed::decimal(18, 3) as computed_value,
                published::decimal(18, 3) as published_value,
                (computed - published)::decimal(18, 3) as difference, computed = published as is_equal,
                's' as source
            from (values ('2023-01', 'pm10', 338, 339, 94.0, 87.0), ('2023-01', 'so2', 338, 339, 11.0, 11.0))
                as t(month, measure, n_cities, n_cities_listed, computed, published)""")
        con.execute("""create table marts.fct_air_unit_monthly as select 2023 as obs_year,
            1 as obs_month, 1 as comprehensive_index_rank, '林芝' as unit_name,
            1.44::decimal(18,2) as comprehensive_index, 100.0 as good_day_ratio,
            7.7 as pm2_5_monthly_mean""")
    text = national_table(path, "2023-01")
    assert "PM10 平均浓度（μg/m³）" in text and "沙尘" in text
    assert "SO2 平均浓度（μg/m³）" in text and "相同" in text
    assert "1 林芝" in text
    with pytest.raises(LookupError, match="2023-02 没有全国城市月度统计"):
        national_table(path, "2023-02")


def test_read_wide_frames_are_strings(tmp_path: Path):
    path = wide_day(tmp_path / "china_cities_20230121.csv", "20230121", ["北京"], lambda h, t, c: "1")
    frame = national.read_wide(path, "x", "unit_name")
    assert all(dtype == pl.String for name, dtype in frame.schema.items()
               if name not in ("source_row",))


def test_a_scheme_declares_its_units_air_convention(tmp_path: Path):
    """Issue 33 (conventions chosen per scheme): `scheme.air_convention` is cnemc_published or
    standard, recorded in raw.scheme_schemes (int_air__unit_conventions gives it to the scheme's
    units); anything else is refused naming the place."""
    import yaml

    from pipelines.scheme.loader import SchemeError, load_scheme, scheme_tables

    sample = Path(__file__).resolve().parents[1] / "data" / "raw" / "schemes" / "qinzhou_2024.yaml"
    body = yaml.safe_load(sample.read_text(encoding="utf-8"))
    body["scheme"]["air_convention"] = "standard"
    path = tmp_path / "q.yaml"
    path.write_text(yaml.safe_dump(body, allow_unicode=True, sort_keys=False), encoding="utf-8")
    tables = scheme_tables([load_scheme(path)], tmp_path)
    assert tables["schemes"]["air_convention"].to_list() == ["standard"]
    body["scheme"]["air_convention"] = "half_up"
    path.write_text(yaml.safe_dump(body, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(SchemeError, match="air_convention"):
        load_scheme(path)
