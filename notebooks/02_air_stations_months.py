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
# # 空气质量：哪些月份、哪些站点拖了后腿
#
# 对照方案的年度目标（优良天数比率、PM2.5 年均浓度），本笔记本回答：
#
# 1. **哪些月份代价最大**：每月的优良天数比率、PM2.5 月均浓度与目标对比，以及每个月对全年
#    结果的"贡献"——全年 PM2.5 年均 = 各日均值的平均，所以某月对"年均超出目标"的贡献是
#    Σ(该月每日 PM2.5 − 目标) ÷ 全年有效天数，各月贡献相加正好等于"年均 − 目标"；
#    每个非优良天把全年优良天数比率拉低 100 ÷ 有效天数 个百分点。
# 2. **哪些站点代价最大**：单位各站点的 PM2.5 均值和站点自身的非优良天（站点日 AQI 用与
#    流水线同一套 HJ 633 计算，`ecoscore aqi` 的实现）；国控站点异常偏高的日子
#    （`fct_air_station_outlier_days`，方案 001 第 5(1)⑤ 项）。
# 3. **余下的时间需要多少**：截至各月末，全年还要达标，余下天数的 PM2.5 平均不得高于多少、
#    至少还要多少个优良天（与 `fct_air_target_gap` 同一公式）。

# %% tags=["parameters"]
UNIT = "lingshan"
SCHEME = "qinzhou_2024"
YEAR = 2024

# %%
from datetime import date

import polars as pl

from pipelines.air.calculator import calculate
from pipelines.analysis.notebooks import month_ends, open_marts, release_dir

pl.Config.set_tbl_hide_dataframe_shape(True)
pl.Config.set_tbl_hide_column_data_types(True)
pl.Config.set_fmt_str_lengths(120)
pl.Config.set_tbl_width_chars(200)
pl.Config.set_tbl_rows(40)

release = release_dir()
con = open_marts(release)
targets = {r[0]: float(r[1]) for r in con.sql(
    "select measure_code, target from fct_air_target_gap where scheme_code = ? and unit_code = ?",
    params=[SCHEME, UNIT]).fetchall()}
GOOD_TARGET = targets["air.good_day_ratio"]
PM25_TARGET = targets["air.pm2_5_annual_mean"]
annual = con.sql("select * from fct_air_unit_annual where unit_code = ? and obs_year = ?",
                 params=[UNIT, YEAR]).pl().row(0, named=True)
print(f"{annual['unit_name']} {YEAR} 年：优良天数比率 {annual['good_day_ratio']}%"
      f"（目标 ≥ {GOOD_TARGET:g}%），"
      f"PM2.5 年均 {annual['pm2_5_annual_mean']} μg/m³（目标 ≤ {PM25_TARGET:g}）")

# %% [markdown]
# ## 1. 各月对照目标

# %%
monthly = con.sql("""
    with daily as (
        select * from fct_air_unit_daily where unit_code = $unit and obs_year = $year
    ),
    year_days as (
        select count(pm2_5_24h) as pm_days, count(*) filter (where is_valid_day) as valid_days
        from daily
    )
    select
        d.obs_month as 月份,
        count(*) filter (where d.is_valid_day) as 有效天数,
        count(*) filter (where d.is_valid_day and d.aqi <= 100) as 优良天数,
        count(*) filter (where d.is_valid_day and d.aqi > 100) as 非优良天数,
        round(100.0 * count(*) filter (where d.is_valid_day and d.aqi <= 100)
              / count(*) filter (where d.is_valid_day), 1) as 优良天数比率,
        round(100.0 * count(*) filter (where d.is_valid_day and d.aqi > 100) / any_value(y.valid_days), 2)
            as 拉低全年比率_百分点,
        round(avg(d.pm2_5_24h), 1) as PM25月均,
        round(sum(d.pm2_5_24h - $pm_target) / any_value(y.pm_days), 2) as 对年均超标的贡献
    from daily as d, year_days as y
    group by d.obs_month
    order by d.obs_month
""", params={"unit": UNIT, "year": YEAR, "pm_target": PM25_TARGET}).pl()
monthly = monthly.with_columns(
    (pl.col("PM25月均") > PM25_TARGET).alias("PM25超目标"),
    (pl.col("优良天数比率") < GOOD_TARGET).alias("优良比率低于目标"),
)
monthly

# %%
worst_pm = monthly.sort("对年均超标的贡献", descending=True).head(3)
worst_good = monthly.sort("非优良天数", descending=True).head(3)
print(f"PM2.5 年均比目标高 {float(annual['pm2_5_annual_mean']) - PM25_TARGET:.1f} μg/m³；"
      f"各月贡献之和 {monthly['对年均超标的贡献'].sum():.2f}（未舍入的日均值之差）。代价最大的月份：")
for r in worst_pm.iter_rows(named=True):
    print(f"  {r['月份']} 月：月均 {r['PM25月均']} μg/m³，使年均升高 {r['对年均超标的贡献']:.2f} μg/m³")
print(f"优良天数比率比目标低 {GOOD_TARGET - float(annual['good_day_ratio']):.1f} 个百分点；"
      "非优良天最多的月份：")
for r in worst_good.iter_rows(named=True):
    print(f"  {r['月份']} 月：{r['非优良天数']} 个非优良天，"
          f"拉低全年比率 {r['拉低全年比率_百分点']:.2f} 个百分点")

# %%
import plotly.graph_objects as go

fig = go.Figure()
fig.add_bar(x=monthly["月份"], y=monthly["PM25月均"], name="PM2.5 月均 (μg/m³)")
fig.add_hline(y=PM25_TARGET, line_dash="dash", annotation_text=f"年度目标 {PM25_TARGET:g}")
fig.update_layout(title=f"{annual['unit_name']} {YEAR} 年各月 PM2.5 与目标", xaxis_title="月份",
                  yaxis_title="μg/m³", height=360)
fig.show()

# %% [markdown]
# ## 2. 各站点
#
# 站点日均值取自已发布的站点日集市（`fct_air_station_daily`；单位有哪些站点见
# `dim_air_unit_stations`），按 GB/T 8170 四舍六入五成双修约后用与流水线相同的 HJ 633
# 计算站点日 AQI（`pipelines.air.calculator`，即 `ecoscore aqi`）。
# 单位的日 AQI 是各站日均值的平均再计算，站点的非优良天多，说明它把单位拉下来的可能性大。

# %%
stations = con.sql("""
    select us.station_code, sd.station_name, sd.station_level, sd.obs_date,
           sd.pm2_5_24h, sd.pm10_24h, sd.so2_24h, sd.no2_24h, sd.co_24h, sd.o3_1h_max, sd.o3_8h_max
    from dim_air_unit_stations as us
    inner join fct_air_station_daily as sd using (station_code)
    where us.unit_code = ? and sd.obs_year = ?
""", params=[UNIT, YEAR]).pl()

# GB/T 8170 修约（四舍六入五成双）：PM、SO2、NO2、O3 取整，CO 保留一位小数，与单位日均值一致
rounded = stations.with_columns(
    *(pl.col(c).cast(pl.Float64).round(0, mode="half_to_even")
      for c in ["pm2_5_24h", "pm10_24h", "so2_24h", "no2_24h", "o3_1h_max", "o3_8h_max"]),
    pl.col("co_24h").round(1, mode="half_to_even"),
)
station_aqi = calculate(
    rounded.select(
        pl.col("obs_date").cast(pl.String).alias("timepoint"),
        pl.col("pm2_5_24h").alias("pm2_5"), pl.col("pm10_24h").alias("pm10"),
        pl.col("so2_24h").alias("so2"), pl.col("no2_24h").alias("no2"), pl.col("co_24h").alias("co"),
        pl.col("o3_1h_max").alias("o3"), pl.col("o3_8h_max").alias("o3_8h"),
        "station_code", "station_name", "station_level", "obs_date",
    ), "daily")

by_station = (station_aqi
    .group_by("station_code", "station_name", "station_level")
    .agg(pl.col("pm2_5").mean().round(1).alias("PM25均值"),
         (pl.col("aqi") > 100).sum().alias("站点非优良天数"),
         pl.col("aqi").is_not_null().sum().alias("站点有AQI天数"))
    .with_columns((pl.col("PM25均值") - PM25_TARGET).round(1).alias("PM25比目标高"))
    .sort("站点非优良天数", "PM25均值", descending=True)
    .rename({"station_code": "站点编码", "station_name": "站点", "station_level": "级别"}))
by_station

# %%
station_months = (station_aqi.filter(pl.col("aqi") > 100)
    .with_columns(pl.col("obs_date").dt.month().alias("月份"))
    .pivot(on="station_name", index="月份", values="aqi", aggregate_function="len")
    .sort("月份").fill_null(0))
print("各站点每月的非优良天数：")
station_months

# %% [markdown]
# ### 国控站点异常偏高的日子
#
# 方案 001 第 5(1)⑤ 项：单位污染日，某国控站点首要污染物浓度比其他国控站点均值高出 5% 以上，
# 记到站点所在区县。

# %%
outliers = con.sql("""
    select obs_date as 日期, station_code as 站点编码, district_name as 所在区县, pollutant as 污染物,
           unit_aqi as 单位AQI, station_value as 站点浓度, round(others_mean, 1) as 其他站均值,
           excess_percent as 高出百分比
    from fct_air_station_outlier_days
    where unit_code = ? and obs_year = ?
    order by 日期
""", params=[UNIT, YEAR]).pl()
print("本单位无国控站点异常偏高的日子" if outliers.is_empty() else f"共 {outliers.height} 个站点日")
outliers

# %% [markdown]
# ## 3. 余下的时间需要多少
#
# 先看已发布结果中的 `fct_air_target_gap`（截至发布数据的最后一天），再按同一公式计算截至
# 每个月末的要求：PM2.5 余下 d 天平均不得高于 (目标 × (n + d) − 已有日均值之和) ÷ d，向下取到
# 0.1；优良天数至少 ⌈目标% × (n + d) − 已有优良天数⌉ 天（n 为已有天数，余下每天都按有效计）。

# %%
gap = con.sql("""
    select item_name as 指标, as_of_date as 截至, year_to_date_value as 年初至今, target as 目标,
           days_left as 余下天数, rest_of_year_mean_needed as 余下须平均不高于,
           rest_of_year_good_days_needed as 余下至少优良天数, coalesce(requirement, reason) as 结论
    from fct_air_target_gap
    where scheme_code = ? and unit_code = ?
    order by item_code
""", params=[SCHEME, UNIT]).pl()
gap

# %%
def need_as_of(as_of: date) -> dict:
    sofar = con.sql("""
        select count(pm2_5_24h) as n_pm, sum(pm2_5_24h) as sum_pm,
               count(*) filter (where is_valid_day) as n_valid,
               count(*) filter (where is_valid_day and aqi <= 100) as n_good
        from fct_air_unit_daily where unit_code = ? and obs_year = ? and obs_date <= ?
    """, params=[UNIT, YEAR, as_of]).pl().row(0, named=True)
    days_left = (date(YEAR, 12, 31) - as_of).days
    row = {"截至": as_of, "余下天数": days_left,
           "PM25年初至今": round(float(sofar["sum_pm"]) / sofar["n_pm"], 1),
           "优良比率年初至今": round(100 * sofar["n_good"] / sofar["n_valid"], 1)}
    if days_left == 0:
        return row | {"余下PM25须不高于": None, "余下至少优良天数": None}
    import math
    pm_needed = (PM25_TARGET * (sofar["n_pm"] + days_left) - float(sofar["sum_pm"])) / days_left
    good_needed = math.ceil(GOOD_TARGET / 100 * (sofar["n_valid"] + days_left) - sofar["n_good"])
    return row | {
        "余下PM25须不高于": math.floor(pm_needed * 10) / 10 if pm_needed > 0 else None,
        "余下至少优良天数": good_needed if good_needed <= days_left else None,
    }


needs = pl.DataFrame([need_as_of(d) for d in month_ends(YEAR)])
needs = needs.with_columns(pl.when(pl.col("余下PM25须不高于").is_null() & (pl.col("余下天数") > 0))
                           .then(pl.lit("PM2.5 已无法达标")).otherwise(pl.lit("")).alias("PM25提示"),
                           pl.when(pl.col("余下至少优良天数").is_null() & (pl.col("余下天数") > 0))
                           .then(pl.lit("优良比率已无法达标")).otherwise(pl.lit("")).alias("优良提示"))
needs

# %% [markdown]
# ## 要点

# %%
summary = {
    "unit": UNIT,
    "worst_pm_month": int(worst_pm["月份"][0]),
    "worst_pm_contribution": float(worst_pm["对年均超标的贡献"][0]),
    "contributions_sum": round(float(monthly["对年均超标的贡献"].sum()), 2),
    "non_good_days": int(monthly["非优良天数"].sum()),
    "worst_station": by_station["站点"][0],
    "station_non_good_days": {r["站点编码"]: int(r["站点非优良天数"])
                              for r in by_station.iter_rows(named=True)},
    "outlier_days": outliers.height,
    "pm_needed_sep_30": needs.filter(pl.col("截至") == date(YEAR, 9, 30))["余下PM25须不高于"][0],
}
print(f"代价最大的月份：{summary['worst_pm_month']} 月"
      f"（使 PM2.5 年均升高 {summary['worst_pm_contribution']:.2f} μg/m³）；"
      f"全年非优良天 {summary['non_good_days']} 天；非优良天最多的站点：{summary['worst_station']}；"
      f"截至 9 月 30 日，余下 PM2.5 须平均不高于 {summary['pm_needed_sep_30']} μg/m³。")
