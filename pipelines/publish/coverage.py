"""The run summary's line on the year's data per domain (issue 32: a year, or a unit, missing a
whole domain publishes, and every output says 无数据 for it): from fct_domain_coverage."""

from __future__ import annotations

from pathlib import Path

import polars as pl

DOMAIN_ORDER = ["air", "water", "ledgers"]
NO_DATA_ZH = "无数据"


def coverage_line(release: Path, year: int | None = None) -> str:
    """「数据 2022 年：空气质量 无数据 · 地表水 无数据 · 台账 有数据」, with the units a scheme
    reads a domain for that have none of it in brackets; empty for a release without the mart."""
    path = release / "fct_domain_coverage.parquet"
    if not path.exists():
        return ""
    rows = pl.read_parquet(path)
    if year is not None:
        rows = rows.filter(pl.col("scheme_year") == year)
    if rows.is_empty():
        return ""
    parts = []
    for domain in DOMAIN_ORDER:
        found = rows.filter(pl.col("domain") == domain)
        if found.is_empty():
            continue
        label = found["domain_zh"][0]
        if not found["has_data"].any():
            parts.append(f"{label} {NO_DATA_ZH}")
            continue
        lacking = found.filter(pl.col("is_read"), ~pl.col("has_data"))["unit_name"].unique().sort().to_list()
        parts.append(f"{label} 有数据" + (f"（{'、'.join(lacking)} {NO_DATA_ZH}）" if lacking else ""))
    years = sorted(rows["scheme_year"].unique().to_list())
    return f"数据 data {'、'.join(str(y) for y in years)} 年：" + " · ".join(parts)
