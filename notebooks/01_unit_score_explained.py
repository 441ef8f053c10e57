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
# # 一个单位的得分，逐项说明
#
# 本笔记本回答领导最常问的问题：**某单位为什么是这个分数？** 逐个考核指标列出分值、扣分、加分和
# 得分；对每一项失分，给出计分时的实际值与目标值、系统写出的扣分说明，以及责任书（方案）原文。
#
# 数据来自已发布的结果（`data/marts/current/*.parquet`，或 `ECOSCORE_DATA_DIR` 指定的目录），
# 只读，不影响夜间计算。修改下面的 `UNIT`（单位编码，如 `lingshan`、`qinbei`、`ziyuan`）后
# 从头运行即可。

# %% tags=["parameters"]
UNIT = "lingshan"
YEAR = 2024

# %%
import json

import polars as pl

from pipelines.analysis.notebooks import open_marts, release_dir

pl.Config.set_tbl_hide_dataframe_shape(True)
pl.Config.set_tbl_hide_column_data_types(True)
pl.Config.set_fmt_str_lengths(200)
pl.Config.set_tbl_width_chars(200)
pl.Config.set_tbl_rows(100)

release = release_dir()
con = open_marts(release)
run = json.loads((release / "release.json").read_text(encoding="utf-8"))
print(f"数据版本：{run['run_id']}，考核年度 {run['year']}，截至 {run['as_of'] or '全年'}，"
      f"发布于 {run['published_at']}")

# %% [markdown]
# ## 总分、等次与排名
#
# 总分 = 基础分 − 失分 + 加分，失分 = 扣分 + 从总分扣减 + 数据缺失未计分（各列与逐项得分表中
# 同名列含义相同，是各项之和）；一个单位可能参加多个方案（市对县区、县对乡镇），各算各的。

# %%
totals = con.sql("""
    select scheme_code as 方案, unit_name as 单位, base_points as 基础分, deductions as 扣分,
           overflow_deductions as 从总分扣减, missing_points as 未计分, points_lost as 失分,
           bonuses as 加分, total_score as 总分, grade as 等次, score_rank as 排名,
           grade_note_zh as 等次说明
    from fct_unit_scores
    where unit_code = ? and scheme_year = ?
    order by 方案
""", params=[UNIT, YEAR]).pl()
for row in totals.iter_rows(named=True):
    print(f"{row['单位']}（{row['方案']}）：基础分 {float(row['基础分']):g}，失 {float(row['失分']):g} 分，"
          f"加 {float(row['加分']):g} 分，总分 {float(row['总分']):g} 分，"
          f"等次「{row['等次']}」，排名第 {row['排名']}")
totals

# %% [markdown]
# ## 逐项得分
#
# 得分在 0 与分值之间；加分单列。每项计入总分的是 得分 + 加分，超出本项分值、按方案从
# 总分扣减的部分列在 `从总分扣减`；`失分` = 扣分 + 从总分扣减 + 数据缺失未计分
# = 分值 − 得分 + 从总分扣减。`组合说明` 写出分组封顶、不设基础分的项从
# 其他项扣减、扣至零分为止、加分封顶等方案规则的作用。

# %%
items = con.sql("""
    select scheme_code as 方案, item_code as 指标编号, item_name as 指标, item_kind as 类别,
           points as 分值, deductions as 扣分, bonuses as 加分, score as 得分,
           overflow_deductions as 从总分扣减, points_lost as 失分, score_with_bonuses as 计入总分,
           composition_zh as 组合说明
    from fct_unit_item_scores
    where unit_code = ? and scheme_year = ?
    order by scheme_code, item_order
""", params=[UNIT, YEAR]).pl()
items

# %% [markdown]
# ## 每一项失分的来历
#
# 每行是一条计分记录（`fct_score_movements`）：按哪条规则、用什么实际值对照什么目标、扣了
# 多少分，以及方案原文（来源文件编号、条款、原文）。台账事件、站点日、断面月等来源行的编号在
# `来源记录` 中，可在数仓中追溯到原始文件的行。

# %%
lost = con.sql("""
    select m.scheme_code as 方案, m.item_code as 指标编号, m.item_name as 指标,
           m.points as 分数变动, m.measure_value as 实际值, m.target as 目标值,
           m.explanation_zh as 说明,
           '《' || m.source_seed || '》' || m.source_item || '：' || m.source_text as 方案原文,
           m.source_keys as 来源记录
    from fct_score_movements as m
    where m.unit_code = ? and m.scheme_year = ? and m.is_movement
    order by m.scheme_code, m.points, m.item_code
""", params=[UNIT, YEAR]).pl()
for row in lost.iter_rows(named=True):
    sign = "扣" if row["分数变动"] < 0 else "加"
    print(f"【{row['方案']} {row['指标编号']} {row['指标']}】{sign} {abs(float(row['分数变动'])):g} 分")
    print(f"  说明：{row['说明']}")
    print(f"  原文：{row['方案原文']}")
lost.drop("来源记录")

# %% [markdown]
# ## 自评分与考核分的差异
#
# 单位报来的自评分（如有）与系统考核分不一致的项。

# %%
differences = con.sql("""
    select scheme_code as 方案, item_code as 指标编号, item_name as 指标, self_score as 自评分,
           assessed_score as 考核分, difference as 差异, explanation_zh as 说明
    from fct_self_score_differences
    where unit_code = ? and scheme_year = ?
    order by 方案, 指标编号
""", params=[UNIT, YEAR]).pl()
print("无自评分差异" if differences.is_empty() else f"{differences.height} 项自评分与考核分不一致")
differences

# %% [markdown]
# ## 要点

# %%
summary = {
    "unit": UNIT,
    "totals": {r["方案"]: float(r["总分"]) for r in totals.iter_rows(named=True)},
    "ranks": {r["方案"]: r["排名"] for r in totals.iter_rows(named=True)},
    "points_lost": {r["方案"]: float(r["扣分"]) for r in totals.iter_rows(named=True)},
    "items_losing_points": sorted(f"{r['方案']}:{r['指标编号']}" for r in items.iter_rows(named=True)
                                  if r["失分"] > 0),
}
for scheme, total in summary["totals"].items():
    losing = [k.split(":")[1] for k in summary["items_losing_points"] if k.startswith(scheme + ":")]
    print(f"{scheme}：总分 {total:g}，排名第 {summary['ranks'][scheme]}，"
          f"失分的指标 {len(losing)} 项（{'、'.join(losing) or '无'}）")
