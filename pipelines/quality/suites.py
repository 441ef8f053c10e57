"""Expectation suites (expectations/*.yaml) run by Great Expectations on DataFrames.

GX's SQL datasource returns empty results on DuckDB through duckdb_engine (GX #10738, #11579:
the result is read after the connection rolls back), so every suite validates a pandas
DataFrame fetched from the warehouse instead.

Each expectation carries in its `meta`:
- `severity`: `block` (stops publishing), `warn` (reported, never blocks) or `quarantined` (the
  rows are already quarantined and only listed: e.g. a ledger row of another year);
- `why`: the reason a person reads, in Chinese; `file_column`: the input column to fix when the
  validated column is derived from it; `list_value: true` lists each failing row's value (the
  cell as written, or the quarantine's own reason) beside its file and row;
- `unusable_file_share` (row-level expectations of raw feeds): the staging models already
  quarantine single bad rows, so a few failing rows only get listed; when more than this share
  of one file's rows fail, the whole file is unusable (e.g. CO sent in μg/m³) and the
  expectation blocks.
"""

from __future__ import annotations

import logging
import math
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from pipelines.lib.files import read_yaml
from pipelines.lib.settings import EXPECTATIONS_DIR

BLOCK, WARN, QUARANTINED, PASS = "block", "warn", "quarantined", "pass"
LEVEL_ORDER = {BLOCK: 0, WARN: 1, QUARANTINED: 2, PASS: 3}
MAX_LISTED_ROWS = 20


@dataclass(frozen=True)
class Suite:
    name: str
    asset: list[str]
    title: str
    index_columns: list[str]
    expectations: list[dict[str, Any]]
    path: Path


@dataclass
class Finding:
    """What one expectation found, in words a person can act on."""

    suite: str
    expectation: str
    column: str
    level: str
    why: str
    unexpected: int
    total: int
    files: dict[str, int] = field(default_factory=dict)
    rows: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def where(self) -> str:
        """`file: rows 3, 7, …` for the first files, or the listed keys."""
        if self.files:
            parts = []
            for name, count in list(self.files.items())[:3]:
                rows = [r for r in self.rows if r.get("source_file") == name][:8]
                more = " …" if count > len(rows) else ""
                if any(set(r) - {"source_file", "source_row"} for r in rows):
                    listed = "；".join(_cell_label(r) for r in rows)
                    parts.append(f"{name} {listed}{more}（共 {count} 行）")
                else:
                    listed = ", ".join(str(r["source_row"]) for r in rows if r["source_row"] is not None)
                    place = f"第 {listed}{more} 行" if listed else "整个文件"
                    parts.append(f"{name} {place}（共 {count} 行）")
            more = len(self.files) - 3
            return "；".join(parts) + (f"；另有 {more} 个文件" if more > 0 else "")
        keys = ["/".join(str(v) for v in r.values()) for r in self.rows[:8]]
        return "、".join(keys) + (" …" if self.unexpected > len(keys) else "")


def _cell_label(row: dict[str, Any]) -> str:
    """「sheet」第 n 行 column 列：value — whichever of these the row carries."""
    sheet = f"「{row['source_sheet']}」" if row.get("source_sheet") else ""
    column = f" {row['source_column']} 列" if row.get("source_column") else ""
    value = f"：{row['value']}" if row.get("value") not in (None, "") else ""
    number = row.get("source_row")
    place = "整个文件" if number is None else f"第 {number} 行"  # a file-level problem has no row
    return f"{sheet}{place}{column}{value}"


def load_suite(path: Path) -> Suite:
    body = read_yaml(path)
    return Suite(name=body["name"], asset=list(body["asset"]), title=body["title"],
                 index_columns=list(body["index_columns"]), expectations=body["expectations"],
                 path=path)


def load_suites(directory: Path = EXPECTATIONS_DIR) -> list[Suite]:
    return [load_suite(p) for p in sorted(directory.glob("*.yaml"))]


@cache
def _gx_context():
    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    return context


def validate(suite: Suite, frame: pl.DataFrame, parameters: dict[str, Any]) -> list[Finding]:
    """Run the suite on the frame with GX; one Finding per expectation."""
    import great_expectations as gx

    context = _gx_context()
    source = context.data_sources.add_or_update_pandas(f"ecoscore_{suite.name}")
    asset = source.add_dataframe_asset(suite.name)
    batch = asset.add_batch_definition_whole_dataframe("whole").get_batch(
        batch_parameters={"dataframe": frame.to_pandas()})
    gx_suite = gx.ExpectationSuite(name=suite.name, expectations=[
        {"type": e["type"], "kwargs": e["kwargs"], "meta": e.get("meta", {})}
        for e in suite.expectations])
    # COMPLETE without unexpected_index_column_names: GX returns the unexpected rows' positions
    # (the frame's default index) and the rows are named here in one polars take; with the
    # names, GX looked each one up in pandas cell by cell (5.5 s for the 70,080 prior-year rows
    # of the sample's air feed).
    result = batch.validate(gx_suite, expectation_parameters=parameters,
                            result_format={"result_format": "COMPLETE"})
    file_sizes = _file_sizes(frame)
    return [_finding(suite, r, frame, file_sizes) for r in result.results]


def _unexpected_rows(suite: Suite, frame: pl.DataFrame, positions: list[Any],
                     column: str | None) -> list[dict[str, Any]]:
    """The index columns (and `column`, the expectation's own) of the rows at `positions`."""
    if not positions:
        return []
    wanted = [c for c in [*suite.index_columns, *([column] if column else [])]
              if c in frame.columns]
    rows = [int(p) for p in positions]
    return frame.select(pl.col(list(dict.fromkeys(wanted))).gather(rows)).to_dicts()


def _file_sizes(frame: pl.DataFrame) -> dict[str, int]:
    if "source_file" not in frame.columns:
        return {}
    counts = frame.group_by("source_file").len()
    return dict(zip(counts["source_file"].to_list(), counts["len"].to_list(), strict=True))


def _finding(suite: Suite, result: Any, frame: pl.DataFrame, file_sizes: dict[str, int]) -> Finding:
    config = result.expectation_config
    meta = config.meta or {}
    kwargs = config.kwargs
    total = frame.height
    column = meta.get("file_column") or kwargs.get("column") or "+".join(
        kwargs.get("column_list") or [kwargs.get("column_A", ""), kwargs.get("column_B", "")])
    outcome = result.result or {}
    index = _unexpected_rows(suite, frame, outcome.get("unexpected_index_list") or [],
                             kwargs.get("column") if meta.get("list_value") else None)
    unexpected = int(outcome.get("unexpected_count") or len(index))
    rows = [{k: _plain(r[k]) for k in suite.index_columns if k in r} for r in index]
    if meta.get("list_value") and kwargs.get("column"):  # the bad value, or the reason, as found
        rows = [{**row, "value": _plain(r.get(kwargs["column"]))} for row, r in zip(rows, index,
                                                                                     strict=True)]
    files: dict[str, int] = {}
    for r in rows:
        if "source_file" in r:
            files[r["source_file"]] = files.get(r["source_file"], 0) + 1
    level = _level(meta, result.success, unexpected, files, file_sizes)
    why = meta.get("why", config.type)
    share = meta.get("unusable_file_share")
    if level == BLOCK and share is not None:
        worst = max(files, key=lambda f: files[f] / file_sizes[f])
        why += f"：{worst} 中 {files[worst]}/{file_sizes[worst]} 行不合格，整份文件不可用"
    return Finding(suite=suite.name, expectation=config.type, column=column, level=level,
                   why=why, unexpected=unexpected, total=total,
                   files=dict(sorted(files.items(), key=lambda kv: -kv[1])),
                   rows=rows[:MAX_LISTED_ROWS] if not files else _rows_per_file(rows))


def _rows_per_file(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    kept: dict[str, int] = {}
    out = []
    for r in sorted(rows, key=lambda r: (r["source_file"], r.get("source_row") or 0)):
        if kept.get(r["source_file"], 0) < MAX_LISTED_ROWS:
            kept[r["source_file"]] = kept.get(r["source_file"], 0) + 1
            out.append(r)
    return out


def _level(meta: dict[str, Any], success: bool, unexpected: int, files: dict[str, int],
           file_sizes: dict[str, int]) -> str:
    severity = meta.get("severity", BLOCK)
    share = meta.get("unusable_file_share")
    if share is None:
        return PASS if success else severity
    if severity == BLOCK and any(n / file_sizes[f] > share for f, n in files.items()):
        return BLOCK
    return QUARANTINED if unexpected else PASS


def _plain(value: Any) -> Any:
    """numpy scalars and timestamps → JSON-friendly Python values; a missing number (pandas
    gives NaN for a null in an integer column) → None, a whole float → int (row 3, not 3.0)."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else int(value) if value.is_integer() else value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def worst_level(findings: list[Finding]) -> str:
    return min((f.level for f in findings), key=LEVEL_ORDER.__getitem__, default=PASS)
