"""Dagster assets of the air domain: raw feed and registry tables."""


import dagster as dg

from pipelines.air import ingest
from pipelines.lib.resources import WarehouseResource

GROUP = "air"


@dg.asset(key=["raw", "air_station_hourly"], group_name=GROUP, kinds={"polars", "duckdb"},
          description="Hourly station concentrations from data/raw/air/*.csv (national feed "
                      "layout), as strings, with file and row number.")
def raw_air_station_hourly(warehouse: WarehouseResource) -> dg.MaterializeResult:
    frame = ingest.read_station_hourly(warehouse.settings.raw_dir)
    rows = warehouse.replace("raw", "air_station_hourly", frame)
    return dg.MaterializeResult(metadata={
        "rows": rows,
        "files": frame["source_file"].n_unique(),
        "stations": frame["stationcode"].n_unique(),
    })


@dg.asset(key=["raw", "air_stations"], group_name=GROUP, kinds={"polars", "duckdb"},
          description="Station registry (站点名录) from data/raw/registry/stations.csv.")
def raw_air_stations(warehouse: WarehouseResource) -> dg.MaterializeResult:
    frame = ingest.read_registry(warehouse.settings.raw_dir, "stations.csv",
                                 ingest.STATION_COLUMNS)
    return dg.MaterializeResult(metadata={"rows": warehouse.replace("raw", "air_stations", frame)})


@dg.asset(key=["raw", "air_unit_stations"], group_name=GROUP, kinds={"polars", "duckdb"},
          description="Assessment stations of each unit (考核站点) from "
                      "data/raw/registry/unit_stations.csv.")
def raw_air_unit_stations(warehouse: WarehouseResource) -> dg.MaterializeResult:
    frame = ingest.read_registry(warehouse.settings.raw_dir, "unit_stations.csv",
                                 ingest.UNIT_STATION_COLUMNS)
    rows = warehouse.replace("raw", "air_unit_stations", frame)
    return dg.MaterializeResult(metadata={"rows": rows})


defs = dg.Definitions(assets=[raw_air_station_hourly, raw_air_stations, raw_air_unit_stations])
