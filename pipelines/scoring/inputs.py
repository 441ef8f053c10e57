"""Tabular inputs of scoring besides the scheme: published peer tables (data/raw/peers/*.csv,
rankings among counties ecoscore has no station data for, seed 001 5(1)④), units' self
scores (data/raw/schemes/self_scores/*.csv, 自评分 of seed 001's table) and published measure
values (data/raw/measures/*.csv: a unit's annual value of a measure the domains cannot compute
for it — no station data, a grade the province publishes; seed 003 XX市 2020)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.lib.files import InputFileError, read_csv_strings

PEER_COLUMNS = ["peer_group", "year", "county", "unit_code", "indicator", "value", "rank",
                "last_year_value"]
SELF_SCORE_COLUMNS = ["scheme_code", "unit_code", "item_code", "self_score"]
PUBLISHED_MEASURE_COLUMNS = ["unit_code", "year", "measure_code", "value", "published_by"]
NUMERIC = {"year": pl.Int64, "value": pl.Float64, "rank": pl.Int64, "last_year_value": pl.Float64,
           "self_score": pl.Float64}


def _typed(frame: pl.DataFrame, label: str) -> pl.DataFrame:
    """Cast the numeric columns; a cell that is not a number names its file, row and column."""
    for column, dtype in NUMERIC.items():
        if column not in frame.columns:
            continue
        cast = frame[column].str.strip_chars().cast(dtype, strict=False)
        bad = frame.filter(cast.is_null() & frame[column].str.strip_chars().ne(""))
        if bad.height:
            row = bad.row(0, named=True)
            raise InputFileError(f"{label}: 第 {row['source_row']} 行, 列 {column}: "
                                 f"不是数字: {row[column]!r}")
        frame = frame.with_columns(cast.alias(column))
    return frame


def _read_all(folder: Path, columns: list[str], root: Path,
              optional: tuple[str, ...] = ()) -> pl.DataFrame:
    frames = []
    for path in sorted(folder.glob("*.csv")) if folder.is_dir() else []:
        label = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
        frame = read_csv_strings(path, columns, label, optional=optional)
        frames.append(_typed(frame, label))
    if not frames:
        schema = {c: NUMERIC.get(c, pl.String) for c in [*columns, *optional]}
        return pl.DataFrame(schema={**schema, "source_file": pl.String, "source_row": pl.Int64})
    return pl.concat(frames, how="vertical")


def read_peers(raw_dir: Path) -> pl.DataFrame:
    return _read_all(raw_dir / "peers", PEER_COLUMNS, raw_dir)


def read_self_scores(raw_dir: Path) -> pl.DataFrame:
    return _read_all(raw_dir / "schemes" / "self_scores", SELF_SCORE_COLUMNS, raw_dir,
                     optional=("submitted_on",))


def read_published_measures(raw_dir: Path) -> pl.DataFrame:
    return _read_all(raw_dir / "measures", PUBLISHED_MEASURE_COLUMNS, raw_dir,
                     optional=("published_on",))
