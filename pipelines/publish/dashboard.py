"""The leadership dashboard (领导驾驶舱): one self-contained HTML file in Chinese, built from
the published Parquet marts of a release. plotly.js is embedded once, not per chart."""

from __future__ import annotations

import html
from pathlib import Path

import plotly.graph_objects as go
import polars as pl
from plotly.offline import get_plotlyjs

FONT = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
LEVEL_COLOURS = ["#00E400", "#FFFF00", "#FF7E00", "#FF0000", "#99004C", "#7E0023"]
LEVEL_NAMES = ["优", "良", "轻度污染", "中度污染", "重度污染", "严重污染"]


def _figure_html(fig: go.Figure) -> str:
    fig.update_layout(font_family=FONT, margin={"l": 60, "r": 20, "t": 50, "b": 40})
    return fig.to_html(include_plotlyjs=False, full_html=False)


def ranking_table(scores: pl.DataFrame) -> str:
    rows = "".join(
        f"<tr><td>{r['score_rank']}</td><td>{html.escape(r['unit_name'])}</td>"
        f"<td>{float(r['total_score']):.2f}</td><td>{float(r['base_points']):g}</td>"
        f"<td>{float(r['deductions']):.2f}</td><td>{html.escape(r['grade'] or '')}</td></tr>"
        for r in scores.sort("score_rank").iter_rows(named=True)
    )
    return ("<table class='rank'><tr><th>排名</th><th>考核单位</th><th>总分</th><th>分值</th>"
            f"<th>扣分</th><th>等次</th></tr>{rows}</table>")


def aqi_calendar(daily: pl.DataFrame) -> go.Figure:
    """Units × days, coloured by the official AQI category colours (HJ 633-2012 表2)."""
    daily = daily.sort("unit_code", "obs_date")
    units = daily["unit_name"].unique(maintain_order=True).to_list()
    dates = sorted(daily["obs_date"].unique().to_list())
    grid = {(r["unit_name"], r["obs_date"]): r for r in daily.iter_rows(named=True)}
    z = [[(grid.get((u, d)) or {}).get("level") for d in dates] for u in units]
    text = [[f"{d} {u}<br>AQI {(grid.get((u, d)) or {}).get('aqi')} "
             f"{(grid.get((u, d)) or {}).get('category') or '无效'}" for d in dates] for u in units]
    scale = []
    for i, colour in enumerate(LEVEL_COLOURS):
        scale += [[i / 6, colour], [(i + 1) / 6, colour]]
    fig = go.Figure(go.Heatmap(
        z=z, x=dates, y=units, text=text, hoverinfo="text", zmin=0.5, zmax=6.5,
        colorscale=scale, xgap=1, ygap=2,
        colorbar={"tickvals": list(range(1, 7)), "ticktext": LEVEL_NAMES, "title": "类别"},
    ))
    fig.update_layout(title="每日空气质量指数类别（日历）", height=120 + 60 * len(units))
    return fig


def movements_table(movements: pl.DataFrame) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(r['unit_name'])}</td><td>{html.escape(r['item_code'])} "
        f"{html.escape(r['item_name'])}</td><td>{float(r['points']):.2f}</td>"
        f"<td>{html.escape(r['explanation_zh'] or '')}</td>"
        f"<td>seed {html.escape(r['source_seed'])} 第{html.escape(r['source_item'])}项</td></tr>"
        for r in movements.sort("unit_code", "item_code").iter_rows(named=True)
    )
    return ("<table class='moves'><tr><th>考核单位</th><th>指标</th><th>分数变动</th>"
            f"<th>说明</th><th>依据</th></tr>{rows}</table>")


def build_dashboard(release_dir: Path, title: str) -> Path:
    """Write release_dir/dashboard/index.html from the release's Parquet marts."""
    scores = pl.read_parquet(release_dir / "fct_unit_scores.parquet")
    movements = pl.read_parquet(release_dir / "fct_score_movements.parquet")
    daily = pl.read_parquet(release_dir / "fct_air_unit_daily.parquet")
    units = scores["unit_code"].to_list()
    body = "\n".join([
        f"<h1>{html.escape(title)}</h1>",
        "<h2>考核单位排名</h2>", ranking_table(scores),
        "<h2>空气质量</h2>", _figure_html(aqi_calendar(daily.filter(pl.col("unit_code").is_in(units)))),
        "<h2>扣分与加分明细</h2>", movements_table(movements),
    ])
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<script type="text/javascript">{get_plotlyjs()}</script>
<style>body{{font-family:{FONT};margin:24px;}} table{{border-collapse:collapse;margin:8px 0;}}
td,th{{border:1px solid #ccc;padding:4px 8px;}} th{{background:#f3f3f3;}}</style>
</head><body>{body}</body></html>"""
    out = release_dir / "dashboard"
    out.mkdir(exist_ok=True)
    path = out / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
