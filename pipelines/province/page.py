"""The province dashboard page (省级汇总): cities ranked, counties ranked within and across
cities, data completeness per shard — drawn from the province marts just built (HTML with
plotly.js once; the page is read in a browser, no PNG/PDF export)."""

from __future__ import annotations

import html
from pathlib import Path

import duckdb
import plotly.graph_objects as go

PAGE = "index.html"


def _table(con: duckdb.DuckDBPyConnection, sql: str, headers: list[str]) -> str:
    rows = con.execute(sql).fetchall()
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{'—' if v is None else html.escape(str(v))}</td>"
                                    for v in row) + "</tr>" for row in rows)
    if not rows:
        body = f"<tr><td colspan='{len(headers)}'>无数据</td></tr>"
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def city_figure(con: duckdb.DuckDBPyConnection) -> go.Figure:
    rows = con.execute("select shard_name, mean_score from province_city_ranking "
                       "where mean_score is not null order by city_rank").fetchall()
    figure = go.Figure(go.Bar(x=[r[0] for r in rows], y=[float(r[1]) for r in rows],
                              text=[f"{float(r[1]):.2f}" for r in rows], textposition="outside"))
    figure.update_layout(title="各市被考核单位平均得分（排名）", yaxis_title="平均得分",
                         height=360, margin={"t": 50, "b": 40, "l": 50, "r": 20})
    return figure


def write_page(con: duckdb.DuckDBPyConnection, target: Path, year: int) -> Path:
    status = _table(con, """
        select shard_name, schemes, release_run_id, replace(left(published_at, 19), 'T', ' '),
               units, units_ranked, missing_items || ' / ' || base_items, completeness_pct, state_zh
        from province_shard_status order by shard_key""",
        ["考核主体", "方案", "发布批次", "发布时间 (UTC)", "单位数", "参与排名", "缺失项/基本项",
         "数据完整率(%)", "状态"])
    cities = _table(con, """
        select city_rank, shard_name, units_ranked, mean_score, min_score, max_score
        from province_city_ranking order by city_rank nulls last, shard_key""",
        ["名次", "市", "参与排名单位", "平均得分", "最低分", "最高分"])
    within = _table(con, """
        select shard_name, rank_in_city, unit_name, round(total_score, 2), grade
        from province_unit_ranking order by shard_key, rank_in_city nulls last, unit_code""",
        ["市", "市内名次", "县（区）", "得分", "等次"])
    across = _table(con, """
        select rank_in_province, unit_name, shard_name, round(total_score, 2), grade,
               case when not is_ranked then '数据缺失·不排名' end
        from province_unit_ranking order by rank_in_province nulls last, shard_key, unit_code""",
        ["全省名次", "县（区）", "所属市", "得分", "等次", "备注"])
    chart = city_figure(con).to_html(full_html=False, include_plotlyjs=True)
    page = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{year} 年度全省生态环境保护目标考核汇总</title>
<style>body{{font-family:"Noto Sans CJK SC",sans-serif;margin:24px}}
table{{border-collapse:collapse;margin:8px 0 24px}}td,th{{border:1px solid #ccc;padding:4px 8px}}
th{{background:#f2f2f2}}</style></head><body>
<h1>{year} 年度全省生态环境保护目标考核汇总（省级视图）</h1>
<p>各考核主体（市）独立计算、独立发布；本页读取各市已发布结果。某市最近一次运行失败时，沿用其上次成功发布的结果并在下表注明。
各市考核方案不同，跨市比较仅供参考。</p>
<h2>各考核主体数据完整性</h2>{status}
<h2>各市排名</h2>{chart}{cities}
<h2>县（区）市内排名</h2>{within}
<h2>县（区）全省排名</h2>{across}
</body></html>"""
    path = target / PAGE
    path.write_text(page, encoding="utf-8")
    return path
