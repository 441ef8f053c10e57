"""Reading the files people and feeds send: encoding detected, not assumed; every row keeps
its file and row number so an error can name the cell to fix."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl

ENCODINGS = ("utf-8-sig", "gb18030")


class InputFileError(ValueError):
    """A whole input file is unusable; the message names the file and says why."""


def decode_text(path: Path) -> str:
    """The file's text: UTF-8 (with or without BOM), else GBK/GB18030."""
    data = path.read_bytes()
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputFileError(f"{path}: 无法识别文件编码（既不是 UTF-8 也不是 GBK/GB18030）")


def read_csv_strings(path: Path, required: list[str], label: str) -> pl.DataFrame:
    """All cells as strings, plus `source_file` (the name as given) and `source_row` (the line
    number in the file, header = 1). Raises InputFileError naming the file when unusable."""
    text = decode_text(path)
    if not text.strip():
        raise InputFileError(f"{label}: 文件为空 (empty file)")
    try:
        frame = pl.read_csv(
            io.StringIO(text), infer_schema=False, truncate_ragged_lines=False
        )
    except pl.exceptions.PolarsError as err:
        first = str(err).splitlines()[0]
        raise InputFileError(f"{label}: CSV 无法解析（{first}）") from err
    frame = frame.rename({c: c.strip().lstrip("\ufeff") for c in frame.columns})
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputFileError(
            f"{label}: 缺少列 {', '.join(missing)}（找到的列: {', '.join(frame.columns)}）"
        )
    return frame.select(required).with_columns(
        pl.lit(label).alias("source_file"),
        (pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias("source_row"),
    )
