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
# # 地表水：不达标的断面及其主要污染指标
#
# 按 GB 3838-2002 逐月评价的断面水质类别（`fct_water_section_monthly`）与年均评价
# （`fct_water_section_annual`）。主要污染指标按《地表水环境质量评价办法（试行）》（2011）：仅在
# 类别差于目标时列出，差于目标的指标按类别从差到好、同类别按超标倍数从大到小，最多三项。
# 年均浓度达标的断面，其月度不达标免于扣分（方案 003 第一.1 项）。

# %% tags=["parameters"]
YEAR = 2024

# %%
import polars as pl

from pipelines.analysis.notebooks import open_marts, release_dir

pl.Config.set_tbl_hide_dataframe_shape(True)
pl.Config.set_tbl_hide_column_data_types(True)
pl.Config.set_fmt_str_lengths(80)
pl.Config.set_tbl_width_chars(200)
pl.Config.set_tbl_rows(60)

con = open_marts(release_dir())
# 类别编号 → 类别名称（Ⅰ…劣Ⅴ类），取自标准表 std_gb3838_classes 写入月度表的名称
class_label = dict(con.sql("select distinct class, class_label from fct_water_section_monthly").fetchall())

# %% [markdown]
# ## 各断面全年：不达标月数与年均评价

# %%
sections = con.sql("""
    select a.unit_code as 单位编码, a.section_code as 断面编码, a.section_name as 断面,
           a.section_level as 级别, a.target_class as 目标类别, a.annual_class_name as 年均类别,
           a.annual_meets_target as 年均达标, a.months_monitored as 监测月数,
           a.months_below_target as 不达标月数, a.months_class_6 as 劣V类月数,
           a.limiting_indicators as 年均主要污染指标, a.max_exceedance_multiple as 年均超标倍数,
           a.monthly_deductions_waived as 月度扣分免扣, a.class_change as 类别变化
    from fct_water_section_annual as a
    where a.obs_year = ?
    order by 不达标月数 desc, 断面编码
""", params=[YEAR]).pl()
off_target = sections.filter(pl.col("不达标月数") > 0)
print(f"{YEAR} 年共 {sections.height} 个断面，其中 {off_target.height} 个有不达标月份，"
      f"{sections.filter(~pl.col('年均达标')).height} 个年均不达标。")
off_target

# %% [markdown]
# ## 不达标的断面 × 月份
#
# 每格为该月水质类别；达标的月份留空。

# %%
monthly_off = con.sql("""
    select section_code, section_name, unit_code, obs_month, class_label, limiting_indicators,
           max_exceedance_multiple, target_class
    from fct_water_section_monthly
    where obs_year = ? and not meets_target
""", params=[YEAR]).pl()
matrix = (monthly_off
    .with_columns(pl.col("obs_month").cast(pl.String) + "月")
    .pivot(on="obs_month", index=["section_code", "section_name"], values="class_label",
           sort_columns=False)
    .rename({"section_code": "断面编码", "section_name": "断面"}))
months = [f"{m}月" for m in range(1, 13) if f"{m}月" in matrix.columns]
matrix.select("断面编码", "断面", *months).sort("断面编码").fill_null("")

# %% [markdown]
# ## 主要污染指标：哪些指标让断面不达标
#
# 一个月可有多项主要污染指标（以";"分隔，最差的在前）；统计每个断面各指标出现的月数和断面当月的
# 最大超标倍数。

# %%
limiting = (monthly_off
    .with_columns(pl.col("limiting_indicators").str.split(";"))
    .explode("limiting_indicators")
    .with_columns(pl.col("limiting_indicators").str.strip_chars())
    .group_by("unit_code", "section_code", "section_name", "limiting_indicators")
    .agg(pl.len().alias("不达标月数"), pl.col("max_exceedance_multiple").max().alias("最大超标倍数"),
         pl.col("obs_month").sort().alias("月份"))
    .sort("不达标月数", "最大超标倍数", descending=True)
    .rename({"unit_code": "单位编码", "section_code": "断面编码", "section_name": "断面",
             "limiting_indicators": "主要污染指标"}))
limiting

# %% [markdown]
# ## 按单位汇总

# %%
by_unit = con.sql("""
    select unit_code as 单位编码,
           count(distinct section_code) as 断面数,
           count(*) filter (where not meets_target) as 不达标断面月,
           count(*) filter (where is_class_6) as 劣V类断面月,
           count(distinct section_code) filter (where not meets_target) as 有不达标月的断面数
    from fct_water_section_monthly
    where obs_year = ?
    group by unit_code
    order by 不达标断面月 desc, 单位编码
""", params=[YEAR]).pl()
by_unit

# %% [markdown]
# ## 要点

# %%
summary = {
    "sections": sections.height,
    "sections_off_target": off_target.height,
    "section_months_off_target": monthly_off.height,
    "worst_section": off_target["断面编码"][0] if off_target.height else None,
    "worst_section_months": int(off_target["不达标月数"][0]) if off_target.height else 0,
    "top_indicator": limiting["主要污染指标"][0] if limiting.height else None,
}
if off_target.height:
    w = off_target.row(0, named=True)
    target_name = class_label.get(w["目标类别"], w["目标类别"])
    annual_name = w["年均类别"] if w["年均类别"] == "劣V" else w["年均类别"] + " 类"
    print(f"不达标月份最多的断面：{w['断面']}（{w['断面编码']}，{w['单位编码']}），"
          f"{w['不达标月数']} 个月不达标，"
          f"年均 {annual_name}（目标 {target_name}）；出现最多的主要污染指标：{summary['top_indicator']}。")
