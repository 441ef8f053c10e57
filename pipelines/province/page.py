"""The province dashboard page (省级汇总): cities ranked, counties ranked within their city (the
city's own scheme) and across the province by grade and 得分率 (schemes differ: raw totals do not
compare), each decisive rule (一票否决, 等次封顶, 不排名) with its cause, data completeness per shard
— drawn from the province marts just built (HTML with plotly.js once; times in Beijing time,
names not ids)."""

from __future__ import annotations

import html
from pathlib import Path

import duckdb
import plotly.graph_objects as go

from pipelines.lib.wording import beijing, points

PAGE = "index.html"


def _cell(value) -> str:
    if value is None:
        return "—"
    return html.escape(str(value)).replace("\n", "<br>")


def _table(con: duckdb.DuckDBPyConnection, sql: str, headers: list[str],
           formats: dict | None = None) -> str:
    rows = con.execute(sql).fetchall()
    formats = formats or {}

    def shown(i: int, v) -> str:
        return _cell(formats[i](v) if i in formats and v is not None else v)

    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{shown(i, v)}</td>" for i, v in enumerate(row)) + "</tr>"
                   for row in rows)
    if not rows:
        body = f"<tr><td colspan='{len(headers)}'>无数据</td></tr>"
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def city_figure(con: duckdb.DuckDBPyConnection) -> go.Figure:
    rows = con.execute("select shard_name, mean_score_rate from province_city_ranking "
                       "where mean_score_rate is not null order by city_rank").fetchall()
    figure = go.Figure(go.Bar(x=[r[0] for r in rows], y=[float(r[1]) for r in rows],
                              text=[f"{points(r[1])}%" for r in rows], textposition="outside",
                              cliponaxis=False))
    figure.update_layout(title="各市被考核单位平均得分率（%）", yaxis_title="平均得分率（%）",
                         height=360, margin={"t": 50, "b": 40, "l": 60, "r": 20},
                         font={"family": "Noto Sans CJK SC, sans-serif"})
    return figure


def write_page(con: duckdb.DuckDBPyConnection, target: Path, year: int) -> Path:
    percent = {3: lambda v: f"{points(v)}%", 4: lambda v: f"{points(v)}%", 5: lambda v: f"{points(v)}%"}
    status = _table(con, """
        select s.shard_name, coalesce(string_agg(distinct r.scheme_name, '、'), any_value(s.schemes)),
               s.published_at, s.units, s.units_ranked, s.missing_items || ' / ' || s.base_items,
               s.completeness_pct, s.state_zh
        from province_shard_status as s
        left join province_unit_ranking as r using (shard_key)
        group by s.shard_key, s.shard_name, s.published_at, s.units, s.units_ranked, s.missing_items,
                 s.base_items, s.completeness_pct, s.state_zh
        order by s.shard_key""",
        ["考核主体", "考核方案", "发布时间", "单位数", "参与排名", "缺失项/基本项", "数据完整率(%)", "状态"],
        {2: beijing})
    cities = _table(con, """
        select city_rank, shard_name, units_ranked, mean_score_rate, min_score_rate, max_score_rate
        from province_city_ranking order by city_rank nulls last, shard_key""",
        ["名次", "市", "参与排名单位", "平均得分率", "最低得分率", "最高得分率"], percent)
    within = _table(con, """
        select shard_name, scheme_name, rank_in_city, unit_name, total_score, base_points, grade, note_zh
        from province_unit_ranking order by shard_key, scheme_code, rank_in_city nulls last, unit_code""",
        ["市", "考核方案", "方案内名次", "县（区）", "总分", "分值", "等次",
         "说明（一票否决、等次封顶、不排名的原因）"],
        {4: points, 5: points})
    across = _table(con, """
        select rank_in_province, unit_name, shard_name, score_rate, total_score, base_points, grade,
               case when not is_ranked then '数据缺失·不排名' else note_zh end
        from province_unit_ranking order by rank_in_province nulls last, shard_key, unit_code""",
        ["全省名次", "县（区）", "所属市", "得分率", "总分", "分值", "等次", "说明"],
        {3: lambda v: f"{points(v)}%", 4: points, 5: points})
    chart = city_figure(con).to_html(full_html=False, include_plotlyjs=True,
                                     config={"displayModeBar": False})
    page = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{year} 年度全省生态环境保护目标考核汇总</title>
<style>body{{font-family:"Noto Sans CJK SC",sans-serif;margin:24px}}
table{{border-collapse:collapse;margin:8px 0 24px}}
td,th{{border:1px solid #ccc;padding:4px 8px;vertical-align:top}}
th{{background:#f2f2f2}}td:last-child{{max-width:640px}}</style></head><body>
<h1>{year} 年度全省生态环境保护目标考核汇总（省级视图）</h1>
<p>各考核主体（市）独立计算、独立发布；本页读取各市已发布结果。
某市最近一次运行失败时，沿用其上次成功发布的结果并在下表注明。时间均为北京时间。</p>
<h2>各考核主体数据完整性</h2>{status}
<h2>各市排名</h2>
<p>各市考核方案的指标和分值不同，市与市按被考核单位的平均得分率（总分 ÷ 分值）比较，
仅供参考。</p>{chart}{cities}
<h2>县（区）在本市方案内的排名</h2>
<p>名次为各市按本市考核方案排定的名次；一票否决、等次封顶或不排名的，说明其原因
（事件、日期、地点及台账出处）。</p>{within}
<h2>县（区）全省排名</h2>
<p>各市方案不同，不比较原始总分：先按等次（优秀、良好、合格、不合格），
同等次再按得分率（总分 ÷ 分值）排序，仅供参考。</p>{across}
</body></html>"""
    path = target / PAGE
    path.write_text(page, encoding="utf-8")
    return path
