"""Dagster assets of the water domain: section registry, monthly monitoring, drinking-water
sources and waste-water plants, as strings in the raw schema (dbt computes everything else)."""

import dagster as dg

from pipelines.lib.resources import WarehouseResource
from pipelines.water import ingest

GROUP = "water"


@dg.asset(key=["raw", "water_sections"], group_name=GROUP, kinds={"polars", "duckdb"},
          description="Section registry (断面名录) from data/raw/water/sections.csv: river or "
                      "lake/reservoir, responsible unit, level, target class, upstream section.")
def raw_water_sections(warehouse: WarehouseResource) -> dg.MaterializeResult:
    frame = ingest.read_table(warehouse.settings.raw_dir, "sections.csv", ingest.SECTION_COLUMNS, "断面名录")
    return dg.MaterializeResult(metadata={"rows": warehouse.replace("raw", "water_sections", frame)})


@dg.asset(key=["raw", "water_section_monthly"], group_name=GROUP, kinds={"polars", "duckdb"},
          description="Monthly section monitoring from data/raw/water/section_monthly_*.csv, long "
                      "(one row per cell, the file's own header kept): national export headers or "
                      "project codes.")
def raw_water_section_monthly(warehouse: WarehouseResource) -> dg.MaterializeResult:
    frame = ingest.read_section_monthly(warehouse.settings.raw_dir)
    rows = warehouse.replace("raw", "water_section_monthly", frame)
    return dg.MaterializeResult(metadata={"cells": rows, "files": frame["source_file"].n_unique()})


@dg.asset(key=["raw", "water_drinking_samples"], group_name=GROUP, kinds={"polars", "duckdb"},
          description="Drinking-water source samplings (饮用水水源地), one row per factor, from "
                      "data/raw/water/drinking_water_*.csv.")
def raw_water_drinking_samples(warehouse: WarehouseResource) -> dg.MaterializeResult:
    frame = ingest.read_table(warehouse.settings.raw_dir, "drinking_water_*.csv",
                              ingest.DRINKING_COLUMNS, "饮用水水源地监测")
    return dg.MaterializeResult(metadata={"rows": warehouse.replace("raw", "water_drinking_samples", frame)})


@dg.asset(key=["raw", "water_wastewater_plants"], group_name=GROUP, kinds={"polars", "duckdb"},
          description="Town waste-water plants monthly (污水处理厂): influent COD, load rate, Li-river "
                      "basin flag, from data/raw/water/wastewater_plants_*.csv.")
def raw_water_wastewater_plants(warehouse: WarehouseResource) -> dg.MaterializeResult:
    frame = ingest.read_table(warehouse.settings.raw_dir, "wastewater_plants_*.csv",
                              ingest.PLANT_COLUMNS, "污水处理厂月报")
    return dg.MaterializeResult(metadata={"rows": warehouse.replace("raw", "water_wastewater_plants", frame)})


defs = dg.Definitions(assets=[raw_water_sections, raw_water_section_monthly,
                              raw_water_drinking_samples, raw_water_wastewater_plants])
