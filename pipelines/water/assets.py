"""Dagster assets of the water domain: section registry, monthly monitoring, drinking-water
sources and waste-water plants, as strings in the raw schema (dbt computes everything else),
loaded by one step (pipelines/lib/raw_tables.py)."""

from functools import partial

import dagster as dg
import polars as pl

from pipelines.lib.raw_tables import RawTable, raw_tables_asset
from pipelines.water import ingest

GROUP = "water"


def cells_and_files(frame: pl.DataFrame) -> dict[str, int]:
    return {"cells": frame.height, "files": frame["source_file"].n_unique()}


TABLES = [
    RawTable("water_sections", "Section registry (断面名录) from data/raw/water/sections.csv: river "
                               "or lake/reservoir, responsible unit, level, target class, upstream "
                               "section.",
             partial(ingest.read_table, pattern="sections.csv", columns=ingest.SECTION_COLUMNS,
                     what="断面名录")),
    RawTable("water_section_monthly", "Monthly section monitoring from data/raw/water/"
                                      "section_monthly_*.csv, long (one row per cell, the file's "
                                      "own header kept): national export headers or project codes.",
             ingest.read_section_monthly, describe=cells_and_files),
    RawTable("water_drinking_samples", "Drinking-water source samplings (饮用水水源地), one row per "
                                       "factor, from data/raw/water/drinking_water_*.csv.",
             partial(ingest.read_table, pattern="drinking_water_*.csv",
                     columns=ingest.DRINKING_COLUMNS, what="饮用水水源地监测")),
    RawTable("water_wastewater_plants", "Town waste-water plants monthly (污水处理厂): influent COD, "
                                        "load rate, Li-river basin flag, from data/raw/water/"
                                        "wastewater_plants_*.csv.",
             partial(ingest.read_table, pattern="wastewater_plants_*.csv",
                     columns=ingest.PLANT_COLUMNS, what="污水处理厂月报")),
]

raw_water = raw_tables_asset("raw_water", GROUP, TABLES)

defs = dg.Definitions(assets=[raw_water])
