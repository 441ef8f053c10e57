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
# # 情景分析（what-if）：如果……能拿回多少分？
#
# "如果灵山县 12 月 PM2.5 平均为 30，能拿回多少分、排名能升几位？" 情景分析把已发布的只读数仓
# 复制到临时目录，改动输入（空气日均浓度、剔除某条台账记录），只重跑受影响的 dbt 模型，给出
# 逐项得分和排名的前后对比；**已发布结果不受任何影响**。与命令行
# `ecoscore whatif --year 2024 --unit lingshan --set air.pm2_5.2024-12=30` 是同一实现
# （`pipelines/analysis/whatif.py`）。情景也可以写成 YAML 文件（`notebooks/scenarios/*.yaml`）分享。
#
# - `air.<污染物>.<时段>=<数值>`：该单位在时段内（YYYY、YYYY-MM 或 YYYY-MM-DD）每天的日均浓度设为
#   该值，"12 月 PM2.5 平均为 30" 即 12 月每天为 30；污染物：pm2_5、pm10、so2、no2、co、o3_1h、o3_8h。
# - `excused=[台账行编号]`：该台账事件按"经核实剔除"处理。

# %% tags=["parameters"]
UNIT = "lingshan"
YEAR = 2024
SETTINGS = {"air.pm2_5.2024-12": 30}
EXCUSED: list[str] = []
SCENARIO_FILE = None  # 例如 "scenarios/lingshan_december_pm25_30.yaml"，给出时代替上面三项

# %%
from pathlib import Path

import polars as pl

from pipelines.analysis.notebooks import open_marts, release_dir
from pipelines.analysis.whatif import Scenario, format_report, run_scenario
from pipelines.lib.settings import Settings

pl.Config.set_tbl_hide_dataframe_shape(True)
pl.Config.set_tbl_hide_column_data_types(True)
pl.Config.set_fmt_str_lengths(60)
pl.Config.set_tbl_width_chars(200)

release = release_dir()
# run_scenario reads <data>/marts/current of these settings: the release's data folder
settings = Settings(data_dir=release.parent.parent)
scenario = (Scenario.from_yaml(Path(SCENARIO_FILE)) if SCENARIO_FILE
            else Scenario(year=YEAR, unit=UNIT, settings=dict(SETTINGS), excused=list(EXCUSED)))
result = run_scenario(settings, scenario)
print(format_report(scenario, result))

# %% [markdown]
# ## 逐项得分前后对比

# %%
items = result["items"].rename({"scheme_code": "方案", "unit_code": "单位编码", "item_code": "指标编号",
                                "item_name": "指标", "score_before": "原得分", "score_after": "情景得分",
                                "change": "变化"})
items

# %% [markdown]
# ### 为什么拿回的分可能比指标本身少
#
# 方案中"不设基础分"的项（如 1.4 国控站点异常偏高、1.5 除夕烟花爆竹时段 PM2.5）的扣分从指定的
# 兄弟项得分中扣减，扣至零分为止；没扣完的部分（`少扣`）会在兄弟项腾出分数时接着扣。下表是本单位
# 在已发布结果中尚未扣完的这类扣分：情景中某项多得的分，先用于抵扣它们。

# %%
release_con = open_marts(release)
unpaid = release_con.sql("""
    select scheme_code as 方案, item_code as 指标编号, item_name as 指标, charged_to as 从这些项扣减,
           deductions_before_composition as 应扣, pool_charged as 已扣, pool_floor_cut as 尚未扣完,
           composition_zh as 组合说明
    from fct_unit_item_scores
    where unit_code = ? and scheme_year = ? and pool_floor_cut > 0
    order by scheme_code, item_order
""", params=[scenario.unit, scenario.year]).pl()
print("本单位没有尚未扣完的不设基础分扣分" if unpaid.is_empty()
      else f"尚未扣完的不设基础分扣分共 {float(unpaid['尚未扣完'].sum()):g} 分，情景中腾出的分数先抵扣这些")
unpaid

# %% [markdown]
# ## 排名前后对比

# %%
ranking = result["ranking"].rename({"scheme_code": "方案", "unit_code": "单位编码", "unit_name": "单位",
                                    "total_before": "原总分", "rank_before": "原排名",
                                    "total_after": "情景总分", "rank_after": "情景排名"})
ranking

# %% [markdown]
# ## 要点

# %%
me = result["ranking"].filter(pl.col("unit_code") == scenario.unit)
summary = {
    "points_back": {r["scheme_code"]: float(r["total_after"] - r["total_before"])
                    for r in me.iter_rows(named=True)},
    "rank_before": {r["scheme_code"]: r["rank_before"] for r in me.iter_rows(named=True)},
    "rank_after": {r["scheme_code"]: r["rank_after"] for r in me.iter_rows(named=True)},
    "item_changes": {f"{r['scheme_code']}:{r['item_code']}": float(r["change"])
                     for r in result["items"].iter_rows(named=True) if r["change"] != 0},
    "unpaid_pool_deductions": float(unpaid["尚未扣完"].sum()) if unpaid.height else 0.0,
}
for r in me.iter_rows(named=True):
    gained = float(r["total_after"] - r["total_before"])
    print(f"{r['unit_name']}（{r['scheme_code']}）：总分 {float(r['total_before']):g} → "
          f"{float(r['total_after']):g}（{gained:+g} 分），排名第 {r['rank_before']} → 第 {r['rank_after']}")
