"""Dagster assets of the air domain: raw feed and registry tables."""


import dagster as dg

from pipelines.air import ingest, national
from pipelines.lib.partitions import monitoring_months
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


@dg.asset(key=["raw", "air_stations"], group_name=GROUP, kinds={"polars", "duckdb"},
          description="Station registry (站点名录) from data/raw/registry/stations.csv.")
def raw_air_stations(warehouse: WarehouseResource) -> dg.MaterializeResult:
    frame = ingest.read_registry(warehouse.settings.raw_dir, "stations.csv",
                                 ingest.STATION_COLUMNS, allow_header_only=True)
    return dg.MaterializeResult(metadata={"rows": warehouse.replace("raw", "air_stations", frame)})


@dg.asset(key=["raw", "air_unit_stations"], group_name=GROUP, kinds={"polars", "duckdb"},
          description="Assessment stations of each unit (考核站点) from "
                      "data/raw/registry/unit_stations.csv.")
def raw_air_unit_stations(warehouse: WarehouseResource) -> dg.MaterializeResult:
    frame = ingest.read_registry(warehouse.settings.raw_dir, "unit_stations.csv",
                                 ingest.UNIT_STATION_COLUMNS, ingest.UNIT_STATION_OPTIONAL,
                                 allow_header_only=True)
    rows = warehouse.replace("raw", "air_unit_stations", frame)
    return dg.MaterializeResult(metadata={"rows": rows})


def registry_asset(table: str, file_name: str, columns: list[str], description: str,
                   allow_header_only: bool = False) -> dg.AssetsDefinition:
    """A registry CSV under data/raw/registry/ loaded as strings into raw.<table>."""

    @dg.asset(key=["raw", table], group_name=GROUP,
              kinds={"polars", "duckdb"}, description=description)
    def _asset(warehouse: WarehouseResource) -> dg.MaterializeResult:
        frame = ingest.read_registry(warehouse.settings.raw_dir, file_name, columns,
                                     allow_header_only=allow_header_only)
        return dg.MaterializeResult(metadata={"rows": warehouse.replace("raw", table, frame)})

    return _asset


raw_air_peer_groups = registry_asset(
    "air_peer_groups", "peer_groups.csv", ingest.PEER_GROUP_COLUMNS,
    "Peer groups for ranking (同类排名) from data/raw/registry/peer_groups.csv.",
    allow_header_only=True)
raw_air_station_districts = registry_asset(
    "air_station_districts", "station_districts.csv", ingest.STATION_DISTRICT_COLUMNS,
    "The district each station stands in (站点所在辖区; seed 001 item 5(1)⑤) from "
    "data/raw/registry/station_districts.csv (a header alone is an empty table: the national "
    "station list may be all there is).", allow_header_only=True)
raw_air_event_windows = registry_asset(
    "air_event_windows", "event_windows.csv", ingest.EVENT_WINDOW_COLUMNS,
    "Configured time windows (除夕 19:00 – 初一 06:00, seed 001 item 5(11)①) from "
    "data/raw/registry/event_windows.csv.", allow_header_only=True)



@dg.asset(key=["raw", "air_national_stations"], group_name=GROUP, kinds={"polars", "duckdb"},
          description="The national station list (全国站点列表: 监测点编码, 监测点名称, 城市, 经度, 纬度, "
                      "对照点) from data/raw/air/national/站点列表*.csv, as strings: names, the "
                      "city each station counts for and the 对照点 flag. Empty without a list.")
def raw_air_national_stations(warehouse: WarehouseResource) -> dg.MaterializeResult:
    frame = national.read_station_list(warehouse.settings.raw_dir)
    return dg.MaterializeResult(metadata={
        "rows": warehouse.replace("raw", "air_national_stations", frame)})


@dg.asset(key=["raw", "air_unit_official"], group_name=GROUP, kinds={"polars", "duckdb"},
          description="CNEMC's official city values (全国城市逐日文件 china_cities_YYYYMMDD.csv "
                      "under data/raw/air/national/), long: city, date, hour, type, value as "
                      "published. The reference the computed unit values are checked against, "
                      "and a unit-level feed of its own. Empty without such files.")
def raw_air_unit_official(warehouse: WarehouseResource) -> dg.MaterializeResult:
    frame = national.read_official(warehouse.settings.raw_dir)
    return dg.MaterializeResult(metadata={
        "rows": warehouse.replace("raw", "air_unit_official", frame),
        "files": len(frame["source_file"].unique()) if frame.height else 0})


@dg.asset(key=["raw", "air_station_published_daily"], group_name=GROUP, kinds={"polars", "duckdb"},
          description="The stations' published 24-hour values (站点实时日均值: the *_24h types at "
                      "hour 0 of each national station day file, data/raw/air/national/"
                      "china_sites_YYYYMMDD.csv, i.e. the previous day's values), long, as strings. "
                      "Under the cnemc_published convention a city's daily value is their mean. "
                      "Empty without such files.")
def raw_air_station_published_daily(warehouse: WarehouseResource) -> dg.MaterializeResult:
    frame = national.read_published_daily(warehouse.settings.raw_dir)
    return dg.MaterializeResult(metadata={
        "rows": warehouse.replace("raw", "air_station_published_daily", frame)})


@dg.asset(key=["raw", "air_unit_feed"], group_name=GROUP, kinds={"polars", "duckdb"},
          description="Unit-level daily feeds (单位日报: a county's or city's daily values from the "
                      "provincial platform) from data/raw/air/units/*.csv, as strings: unit_code, "
                      "date, pm2_5, pm10, so2, no2, co, o3_8h_max (optional unit_name, o3_1h_max). "
                      "They flow into the same daily, monthly and annual statistics and scoring as "
                      "units computed from station hours. Empty without such files.")
def raw_air_unit_feed(warehouse: WarehouseResource) -> dg.MaterializeResult:
    frame = national.read_unit_feed(warehouse.settings.raw_dir)
    return dg.MaterializeResult(metadata={"rows": warehouse.replace("raw", "air_unit_feed", frame)})


@dg.asset(key=["raw", "air_national_cities"], group_name=GROUP, kinds={"polars", "duckdb"},
          description="The cities the national averages cover (全国339个地级及以上城市, one "
                      "unit_code a row — the city as the national files name it) from "
                      "data/raw/registry/national_cities.csv; empty without it.")
def raw_air_national_cities(warehouse: WarehouseResource) -> dg.MaterializeResult:
    frame = national.read_optional_registry(warehouse.settings.raw_dir, "national_cities.csv",
                                            national.NATIONAL_CITY_COLUMNS)
    return dg.MaterializeResult(metadata={"rows": warehouse.replace("raw", "air_national_cities", frame)})


@dg.asset(key=["raw", "air_national_published"], group_name=GROUP, kinds={"polars", "duckdb"},
          description="The Ministry's published national figures (生态环境部 全国环境空气质量状况 "
                      "月报: month, measure, published_value, unit, source) from "
                      "data/raw/registry/national_published.csv; empty without it.")
def raw_air_national_published(warehouse: WarehouseResource) -> dg.MaterializeResult:
    frame = national.read_optional_registry(warehouse.settings.raw_dir, "national_published.csv",
                                            national.NATIONAL_PUBLISHED_COLUMNS)
    return dg.MaterializeResult(metadata={
        "rows": warehouse.replace("raw", "air_national_published", frame)})


defs = dg.Definitions(assets=[raw_air_station_hourly, raw_air_stations, raw_air_unit_stations,
                              raw_air_peer_groups, raw_air_station_districts, raw_air_event_windows,
                              raw_air_national_stations, raw_air_unit_official,
                              raw_air_station_published_daily, raw_air_unit_feed,
                              raw_air_national_cities, raw_air_national_published])
