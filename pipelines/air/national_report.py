"""`ecoscore air national --month YYYY-MM`: the national monthly figures computed from the
published warehouse (marts.fct_air_national_monthly, the 339-city averages of each city's
monthly statistics) beside those the Ministry published, and where they differ, why; with the
month's city ranking on the comprehensive index (marts.fct_air_unit_monthly)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.lib.settings import get_settings

LABELS = {"good_day_ratio": ("优良天数比例", "%"), "heavy_pollution_ratio": ("重度及以上污染天数比例", "%"),
          "pm2_5": ("PM2.5 平均浓度", "μg/m³"), "pm10": ("PM10 平均浓度", "μg/m³"),
          "o3_8h_p90": ("O3 日最大8小时第90百分位", "μg/m³"), "so2": ("SO2 平均浓度", "μg/m³"),
          "no2": ("NO2 平均浓度", "μg/m³"), "co_p95": ("CO 24小时第95百分位", "mg/m³")}
ORDER = list(LABELS)
# why a computed figure differs from the published one, by measure (the rule and the evidence:
# fct_air_national_monthly's description)
WHY = {"pm2_5": "生态环境部评价时扣除受沙尘天气影响的城市日（环办监测〔2016〕120号"
                "《受沙尘天气过程影响城市空气质量评价补充规定》）；实时发布数据不标注沙尘日，故计算值偏高",
       "pm10": "同上（沙尘主要抬高 PM10）",
       "good_day_ratio": "月报按审核后数据；实时数据个别城市日的首要污染物浓度与审核值不同"}


def _number(value) -> str:
    return "—" if value is None else f"{value.normalize():f}" if hasattr(value, "normalize") else str(value)


def national_table(path: Path, month: str, top: int = 10) -> str:
    """The comparison as printed; LookupError when the warehouse has no figures for the month."""
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute("""select measure, n_cities, n_cities_listed, computed_value,
                published_value, difference, is_equal, any_value(source) over () as source
            from marts.fct_air_national_monthly where month = ?""", [month]).fetchall()
        year, mon = (int(x) for x in month.split("-"))
        ranks = con.execute("""select comprehensive_index_rank, unit_name, comprehensive_index,
                good_day_ratio, pm2_5_monthly_mean
            from marts.fct_air_unit_monthly
            where obs_year = ? and obs_month = ? and comprehensive_index_rank is not null
            order by comprehensive_index_rank, unit_name""", [year, mon]).fetchall()
    if not rows:
        raise LookupError(f"{path}: {month} 没有全国城市月度统计（需要 data/raw/air/national/ "
                          "下的城市逐日文件和 data/raw/registry/national_cities.csv；见 docs/air.md）")
    by_measure = {r[0]: r for r in rows}
    n_cities, listed = rows[0][1], rows[0][2]
    lines = [f"{month} 全国 {listed} 个地级及以上城市（有效月度数据 {n_cities} 个）月度统计："
             "计算值与生态环境部发布值",
             f"{'指标':<22}{'计算':>8}{'发布':>8}{'差':>7}  说明"]
    for measure in ORDER:
        if measure not in by_measure:
            continue
        _, _, _, computed, published, difference, equal, _ = by_measure[measure]
        label, unit = LABELS[measure]
        note = "相同" if equal else ("未发布" if published is None else WHY.get(measure, "见 docs/air.md"))
        lines.append(f"{label + '（' + unit + '）':<22}{_number(computed):>8}{_number(published):>8}"
                     f"{_number(difference):>7}  {note}")
    source = rows[0][7]
    if source:
        lines.append(f"发布值来源 source: {source}")
    if ranks:
        lines.append(f"综合指数排名（{len(ranks)} 个城市，越小越好）前 {top} 位与后 {top} 位：")
        shown = ranks[:top] + ([None] if len(ranks) > 2 * top else []) + ranks[-top:]
        for r in shown:
            lines.append("  …" if r is None else
                         f"  {r[0]:>4} {r[1]:<10} 综合指数 {_number(r[2]):>6}  优良 {_number(r[3]):>5}%"
                         f"  PM2.5 {_number(r[4])}")
    return "\n".join(lines)


def published_warehouse(year: int | None) -> Path:
    settings = get_settings()
    release = settings.year_release(year) if year else settings.current_release
    return (release if release.exists() else settings.current_release) / "ecoscore.duckdb"
