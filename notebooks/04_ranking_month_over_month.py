# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 排名的逐月变化
#
# "钦北区为什么掉了两名？"——把每个月末当作考核截止日重新计分，比较相邻两个月末的总分、排名和
# 逐项得分。
#
# **方法（为什么这样算）。** 已发布的结果只有一个截止日（全年或 `--as-of` 指定的日期）。
# `ecoscore run --as-of D` 与全年计算的区别只在读取 `as_of` 的地方：空气小时数据只取到 D
# （`stg_air__station_hourly`），以及目标差距表；水质、台账按全年数据计分。所以本笔记本把已发布
# 的只读数仓复制到临时目录，对每个月末 D 只重跑"空气小时数据 → 总分"之间的 dbt 模型（`as_of = D`），
# 得分与完整的 `ecoscore run --as-of D` 相同，每个月末约 15–30 秒（两核），已发布结果不受影响
# （`pipelines/lib/as_of.py` 的 `scores_as_of`，按截止日计分的唯一实现）。最后一个点是已发布结果本身。
#
# 月度空气集市（`fct_air_unit_monthly`）不能代替重新计分：得分规则作用于年初至今的年均值和比率，
# 排名还取决于其他单位，只有重新计分才与正式口径一致。

# %% tags=["parameters"]
YEAR = 2024
SCHEME = "qinzhou_2024"
MONTH_ENDS = None  # 例如 ["2024-09-30", "2024-10-31"]；None = 发布数据之前的每个月末

# %%
import json
from datetime import date

import polars as pl

from pipelines.analysis.notebooks import month_ends, open_marts, release_dir
from pipelines.lib.as_of import scores_as_of
from pipelines.lib.settings import get_settings

pl.Config.set_tbl_hide_dataframe_shape(True)
pl.Config.set_tbl_hide_column_data_types(True)
pl.Config.set_fmt_str_lengths(120)
pl.Config.set_tbl_width_chars(200)
pl.Config.set_tbl_rows(60)

release = release_dir()
con = open_marts(release)
run = json.loads((release / "release.json").read_text(encoding="utf-8"))
released_as_of = date.fromisoformat(run["as_of"]) if run["as_of"] else \
    con.sql("select max(obs_date) from fct_air_unit_daily where obs_year = ?", params=[YEAR]).fetchall()[0][0]
dates = ([date.fromisoformat(str(d)) for d in MONTH_ENDS] if MONTH_ENDS is not None
         else [d for d in month_ends(YEAR) if d < released_as_of])
print(f"已发布结果截至 {released_as_of}；重新计分的月末：{', '.join(map(str, dates))}")

# %% [markdown]
# ## 已发布的逐月排名（`fct_unit_score_monthly`）
#
# 每个月末的得分、排名和等次已在发布结果中（每月第一次运行时按该月末重新计分并保存，之后不再
# 改动），`rank_change` > 0 表示名次上升。只看名次如何变化，读这张表即可；下面再对选定的月末
# 重新计分，逐项找出名次变化的原因。

# %%
monthly = con.sql("""
    select month_end, unit_name, score_rank, rank_change, total_score, total_change, grade
    from fct_unit_score_monthly
    where scheme_code = ? and scheme_year = ?
    order by month_end, score_rank
""", params=[SCHEME, YEAR]).pl()
published_ranks = (monthly.select("unit_name", pl.col("month_end").cast(pl.String), "score_rank")
                   .pivot(on="month_end", index="unit_name", values="score_rank")
                   .rename({"unit_name": "单位"}))
print(published_ranks)
moves = monthly.filter(pl.col("rank_change") != 0)
for r in moves.iter_rows(named=True):
    print(f"{r['month_end']}：{r['unit_name']} 名次{'上升' if r['rank_change'] > 0 else '下降'} "
          f"{abs(r['rank_change'])} 位，第 {r['score_rank']} 名（总分 {float(r['total_score']):g}）")

# %%
rescored = scores_as_of(get_settings(), YEAR, dates)  # on a snapshot of the writer's warehouse
published_units = con.sql("select ?::date as as_of_date, * from fct_unit_scores where scheme_year = ?",
                          params=[released_as_of, YEAR]).pl()
published_items = con.sql("select ?::date as as_of_date, * from fct_unit_item_scores where scheme_year = ?",
                          params=[released_as_of, YEAR]).pl()
in_scheme = pl.col("scheme_code") == SCHEME
units = pl.concat([rescored["units"], published_units], how="diagonal_relaxed").filter(in_scheme)
items = pl.concat([rescored["items"], published_items], how="diagonal_relaxed").filter(in_scheme)

# %% [markdown]
# ## 各月末的排名与总分

# %%
ranks = (units.select("unit_name", pl.col("as_of_date").cast(pl.String), "score_rank")
         .pivot(on="as_of_date", index="unit_name", values="score_rank").rename({"unit_name": "单位"}))
totals = (units.select("unit_name", pl.col("as_of_date").cast(pl.String),
                       pl.col("total_score").cast(pl.Float64))
          .pivot(on="as_of_date", index="unit_name", values="total_score").rename({"unit_name": "单位"}))
print("排名：")
print(ranks.sort(ranks.columns[-1]))
print("总分：")
print(totals.sort("单位"))

# %%
import plotly.graph_objects as go

fig = go.Figure()
for name, frame in units.sort("as_of_date").group_by("unit_name", maintain_order=True):
    fig.add_scatter(x=frame["as_of_date"], y=frame["score_rank"], mode="lines+markers", name=name[0])
fig.update_yaxes(autorange="reversed", title="排名", dtick=1)
fig.update_layout(title=f"{SCHEME} 各单位排名（截至各月末重新计分）", height=380)
fig.show()

# %% [markdown]
# ## 名次变化及原因
#
# 相邻两个截止日之间，名次变化的单位，以及哪些指标的得分变了。

# %%
steps = sorted(units["as_of_date"].unique())
changes = []
for before, after in zip(steps, steps[1:], strict=False):
    a = units.filter(pl.col("as_of_date") == before).select("unit_code", "unit_name",
        pl.col("score_rank").alias("rank_before"), pl.col("total_score").alias("total_before"))
    b = units.filter(pl.col("as_of_date") == after).select("unit_code",
        pl.col("score_rank").alias("rank_after"), pl.col("total_score").alias("total_after"))
    moved = a.join(b, on="unit_code").filter(pl.col("rank_before") != pl.col("rank_after"))
    for r in moved.iter_rows(named=True):
        ia = items.filter((pl.col("as_of_date") == before) & (pl.col("unit_code") == r["unit_code"]))
        ib = items.filter((pl.col("as_of_date") == after) & (pl.col("unit_code") == r["unit_code"]))
        diff = (ia.select("item_code", "item_name", pl.col("score").alias("s0"))
                .join(ib.select("item_code", pl.col("score").alias("s1")), on="item_code")
                .filter(pl.col("s0") != pl.col("s1")))
        why = "；".join(f"{d['item_code']} {d['item_name']} {float(d['s0']):g}→{float(d['s1']):g}"
                       for d in diff.iter_rows(named=True)) or "本单位各项得分未变，名次随其他单位变化"
        changes.append({"从": before, "到": after, "单位": r["unit_name"], "原名次": r["rank_before"],
                        "新名次": r["rank_after"], "原总分": float(r["total_before"]),
                        "新总分": float(r["total_after"]), "得分变化的指标": why})
changes = pl.DataFrame(changes) if changes else pl.DataFrame(schema={"单位": pl.String})
for c in changes.iter_rows(named=True):
    verb = "上升" if c["新名次"] < c["原名次"] else "下降"
    print(f"{c['从']} → {c['到']}：{c['单位']} 从第 {c['原名次']} 名{verb}到第 {c['新名次']} 名"
          f"（总分 {c['原总分']:g} → {c['新总分']:g}）。{c['得分变化的指标']}")
changes

# %% [markdown]
# ## 要点

# %%
summary = {
    "as_of_dates": [str(d) for d in steps],
    "ranks": {f"{r['as_of_date']}:{r['unit_code']}": r["score_rank"] for r in units.iter_rows(named=True)},
    "totals": {f"{r['as_of_date']}:{r['unit_code']}": float(r["total_score"])
               for r in units.iter_rows(named=True)},
    "rank_changes": changes.height,
    "published_month_ends": sorted({str(d) for d in monthly["month_end"]}),
    "published_moves": {f"{r['month_end']}:{r['unit_name']}": r["rank_change"]
                        for r in moves.iter_rows(named=True)},
    # each re-scored date's own air deductions (seed 001 5(1)①②), before composition
    "air_steps": {f"{r['as_of_date']}:{r['unit_code']}:{r['item_code']}": float(r["points"])
                  for r in rescored["movements"].filter(
                      in_scheme,
                      pl.col("measure_code").is_in(["air.good_day_ratio", "air.pm2_5_annual_mean"]),
                      pl.col("rule_shape") == "step_shortfall").iter_rows(named=True)},
}
print(f"比较了 {len(steps)} 个截止日，共 {summary['rank_changes']} 次名次变化。")
