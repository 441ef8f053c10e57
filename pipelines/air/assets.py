"""Dagster assets of the air domain: the raw hourly feed (by month) and the registry tables (one step)."""


from functools import partial

import dagster as dg

from pipelines.air import ingest, national
from pipelines.lib.partitions import monitoring_months
from pipelines.lib.raw_tables import RawTable, raw_tables_asset
from pipelines.lib.resources import WarehouseResource
from pipelines.lib.warehouse import connect

GROUP = "air"


@dg.asset(key=["raw", "air_station_hourly"], group_name=GROUP, kinds={"polars", "parquet", "duckdb"},
          partitions_def=monitoring_months, backfill_policy=dg.BackfillPolicy.single_run(),
          description="Hourly station concentrations from data/raw/air/*.csv (national feed "
                      "layout), as strings, with file, row and the file's month: one Parquet "
                      "file per month beside the warehouse, read through the view "
                      "raw.air_station_hourly. Partitioned by month: a run reads only the files "
                      "of its months (the month is in the file name) and replaces only theirs.")
def raw_air_station_hourly(context: dg.AssetExecutionContext,
                           warehouse: WarehouseResource) -> dg.MaterializeResult:
    settings = warehouse.settings
    with connect(settings) as con:
        stored = ingest.store_months(con, settings.raw_dir, settings.air_hourly_store,
                                     set(context.partition_keys))
        table_rows = con.execute("select count(*) from raw.air_station_hourly").fetchone()[0]
    return dg.MaterializeResult(metadata={
        "rows": stored.rows,
        "files_read": len(stored.files),
        "files": dg.MetadataValue.text("\n".join(stored.files) or "（本月无文件 no file for these months）"),
        "stations": stored.stations,
        "table_rows": table_rows,
        "store": dg.MetadataValue.path(str(settings.air_hourly_store)),
    })


def registry(name: str, columns: list[str], optional: tuple[str, ...] = ()):
    """A reader of data/raw/registry/<name> (strings; a header alone is an empty table)."""
    return partial(ingest.read_registry, name=name, columns=columns, optional=optional,
                   allow_header_only=True)


def optional_registry(name: str, columns: list[str]):
    """A reader of data/raw/registry/<name>, an empty table without the file."""
    return partial(national.read_optional_registry, name=name, columns=columns)


def source_files(frame) -> dict[str, int]:
    return {"files": frame["source_file"].n_unique() if frame.height else 0}


# The small tables of the domain, loaded by one step (pipelines/lib/raw_tables.py).
REGISTRIES = [
    RawTable("air_stations", "Station registry (站点名录) from data/raw/registry/stations.csv.",
             registry("stations.csv", ingest.STATION_COLUMNS)),
    RawTable("air_unit_stations", "Assessment stations of each unit (考核站点) from "
                                  "data/raw/registry/unit_stations.csv.",
             registry("unit_stations.csv", ingest.UNIT_STATION_COLUMNS, ingest.UNIT_STATION_OPTIONAL)),
    RawTable("air_peer_groups", "Peer groups for ranking (同类排名) from "
                                "data/raw/registry/peer_groups.csv.",
             registry("peer_groups.csv", ingest.PEER_GROUP_COLUMNS)),
    RawTable("air_station_districts",
             "The district each station stands in (站点所在辖区; seed 001 item 5(1)⑤) from "
             "data/raw/registry/station_districts.csv (a header alone is an empty table: the "
             "national station list may be all there is).",
             registry("station_districts.csv", ingest.STATION_DISTRICT_COLUMNS)),
    RawTable("air_event_windows", "Configured time windows (除夕 19:00 – 初一 06:00, seed 001 item "
                                  "5(11)①) from data/raw/registry/event_windows.csv.",
             registry("event_windows.csv", ingest.EVENT_WINDOW_COLUMNS)),
    RawTable("air_national_stations",
             "The national station list (全国站点列表: 监测点编码, 监测点名称, 城市, 经度, 纬度, 对照点) "
             "from data/raw/air/national/站点列表*.csv, as strings: names, the city each station "
             "counts for and the 对照点 flag. Empty without a list.", national.read_station_list),
    RawTable("air_unit_official",
             "CNEMC's official city values (全国城市逐日文件 china_cities_YYYYMMDD.csv under "
             "data/raw/air/national/), long: city, date, hour, type, value as published. The "
             "reference the computed unit values are checked against, and a unit-level feed of "
             "its own. Empty without such files.", national.read_official, describe=source_files),
    RawTable("air_station_published_daily",
             "The stations' published 24-hour values (站点实时日均值: the *_24h types at hour 0 of "
             "each national station day file, data/raw/air/national/china_sites_YYYYMMDD.csv, "
             "i.e. the previous day's values), long, as strings. Under the cnemc_published "
             "convention a city's daily value is their mean. Empty without such files.",
             national.read_published_daily),
    RawTable("air_unit_feed",
             "Unit-level daily feeds (单位日报: a county's or city's daily values from the "
             "provincial platform) from data/raw/air/units/*.csv, as strings: unit_code, date, "
             "pm2_5, pm10, so2, no2, co, o3_8h_max (optional unit_name, o3_1h_max). They flow into "
             "the same daily, monthly and annual statistics and scoring as units computed from "
             "station hours. Empty without such files.", national.read_unit_feed),
    RawTable("air_national_cities",
             "The cities the national averages cover (全国339个地级及以上城市, one unit_code a row "
             "— the city as the national files name it) from data/raw/registry/"
             "national_cities.csv; empty without it.",
             optional_registry("national_cities.csv", national.NATIONAL_CITY_COLUMNS)),
    RawTable("air_national_published",
             "The Ministry's published national figures (生态环境部 全国环境空气质量状况 月报: month, "
             "measure, published_value, unit, source) from data/raw/registry/"
             "national_published.csv; empty without it.",
             optional_registry("national_published.csv", national.NATIONAL_PUBLISHED_COLUMNS)),
]

raw_air_registries = raw_tables_asset("raw_air_registries", GROUP, REGISTRIES)

defs = dg.Definitions(assets=[raw_air_station_hourly, raw_air_registries])
