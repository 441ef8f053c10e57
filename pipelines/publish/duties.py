"""The run summary's lines for duties schemes (seed 002): per scheme, how many department duties
are 完成 / 部分完成 / 未完成 / 未报送 and which are overdue (from fct_duty_completion)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

STATUS_ORDER = ["完成", "部分完成", "未完成", "未报送"]


def duty_summary_lines(release: Path) -> list[str]:
    path = release / "fct_duty_completion.parquet"
    if not path.exists():
        return []
    duties = pl.read_parquet(path)
    lines = []
    for (scheme,), rows in duties.group_by("scheme_code", maintain_order=True):
        counts = dict(rows.group_by("status_zh").len().iter_rows())
        overdue = rows.filter(pl.col("is_overdue")).sort("item_order")
        lines.append(f"\n职责 duties {scheme}：{rows.height} 项部门职责，"
                     + "、".join(f"{s} {counts.get(s, 0)}" for s in STATUS_ORDER)
                     + f"；逾期未完成 {overdue.height} 项（截至 {rows['status_as_of'].max()}）")
        lines += [f"  逾期 {r['unit_name']} {r['item_code']} {r['item_name']}（{r['status_zh']}，"
                  f"时限 {r['deadline']}）" for r in overdue.iter_rows(named=True)]
    return lines
