"""Sample water inputs for 钦州市, 2023 and 2024 (deterministic).

Writes, under a raw-data directory (``data/raw/water/``):

- ``sections.csv``: 10 assessment sections on real 钦州 waters (钦江, 茅岭江, 大风江, 南流江,
  武思江, 大榄江, 灵东水库, 小江水库), each with its responsible unit, level (国控/区控/市控),
  target class and upstream section.
- ``section_monthly_2023.csv``: monthly monitoring in the project's codes (do, codmn, …).
- ``section_monthly_2024.csv``: the same in the national automatic-station export layout
  (``断面名称, 监测时间, 溶解氧(mg/L), …``, ``--`` = not measured), as such files come.
- ``drinking_water_<year>.csv``: one row per sampling and factor at 5 drinking-water sources.
- ``wastewater_plants_<year>.csv``: town waste-water plants monthly: influent COD, load rate.
  (2023's, the prior year of the 钦州 units, from random streams of their own.)

The year is designed, not left to chance (SPEC §3, seed 003 item 一.1): 南流江 misses its
target in June and July 2024 but its annual mean meets it (monthly deductions waived); 武思江
misses for most of 2024 and in the annual mean (not waived); 大榄江 is 劣V in July 2024 and
improves from V (2023) to IV; 茅岭江 improves from III to II; 灵东水库 misses II only on the
lake/reservoir TP limits; one drinking-water sampling exceeds; two plants miss the seed 001
item 6(2)② thresholds. Random noise never crosses a class limit (±8 % around mid-class values).

Run ``python -m sample.water [RAW_DIR]`` (default ``data/raw``) to regenerate.
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

SEED = "qinzhou-water-2024"
YEARS = (2023, 2024)
INDICATORS = ("ph", "do", "codmn", "cod", "bod5", "nh3n", "tp", "tn")
DECIMALS = {"ph": 2, "do": 2, "codmn": 1, "cod": 0, "bod5": 1, "nh3n": 3, "tp": 3, "tn": 2}
EXPORT_HEADERS = {"ph": "pH(无量纲)", "do": "溶解氧(mg/L)", "codmn": "高锰酸盐指数(mg/L)",
                  "cod": "化学需氧量(mg/L)", "bod5": "五日生化需氧量(mg/L)", "nh3n": "氨氮(mg/L)",
                  "tp": "总磷(mg/L)", "tn": "总氮(mg/L)"}

# Mid-class values (GB 3838-2002 表1) that ±8 % noise keeps inside their class.
CLASS_II = {"ph": 7.4, "do": 7.0, "codmn": 3.0, "cod": 12, "bod5": 2.2, "nh3n": 0.30, "tp": 0.06}
CLASS_III = {"ph": 7.3, "do": 5.8, "codmn": 4.8, "cod": 17, "bod5": 3.5, "nh3n": 0.70, "tp": 0.15}
CLASS_IV = {"ph": 7.1, "do": 4.0, "codmn": 8.0, "cod": 25, "bod5": 5.0, "nh3n": 1.20, "tp": 0.25}
CLASS_V = {**CLASS_IV, "nh3n": 1.75}
LAKE_II = {**CLASS_II, "tp": 0.018, "tn": 0.60}

SECTION_HEADER = ["section_code", "section_name", "river", "waterbody", "unit_code", "level",
                  "target_class", "upstream_section_code"]
SECTIONS = [
    ("QZ01", "钦江高速公路桥", "钦江", "河流", "qinnan", "国控", "III", "QZ02"),
    ("QZ02", "钦江青年水闸", "钦江", "河流", "qinbei", "国控", "III", "QZ08"),
    ("QZ03", "茅岭江茅岭大桥", "茅岭江", "河流", "qinbei", "国控", "III", ""),
    ("QZ04", "大风江沙角", "大风江", "河流", "qinnan", "区控", "III", ""),
    ("QZ05", "南流江横塘", "南流江", "河流", "pubei", "国控", "III", ""),
    ("QZ06", "武思江石埇", "武思江", "河流", "pubei", "区控", "III", ""),
    ("QZ07", "灵东水库", "灵东水库", "湖库", "lingshan", "区控", "II", ""),
    ("QZ08", "钦江陆屋", "钦江", "河流", "lingshan", "国控", "III", ""),
    ("QZ09", "小江水库", "小江水库", "湖库", "pubei", "市控", "II", ""),
    ("QZ10", "大榄江", "大榄江", "河流", "zhongma", "市控", "IV", ""),
]
# section → year → baseline profile
PROFILES = {
    "QZ01": {2023: CLASS_III, 2024: CLASS_III},
    "QZ02": {2023: CLASS_III, 2024: CLASS_III},
    "QZ03": {2023: CLASS_III, 2024: CLASS_II},
    "QZ04": {2023: CLASS_II, 2024: CLASS_II},
    "QZ05": {2023: CLASS_III, 2024: CLASS_III},
    "QZ06": {2023: CLASS_III, 2024: CLASS_III},
    "QZ07": {2023: LAKE_II, 2024: LAKE_II},
    "QZ08": {2023: CLASS_II, 2024: CLASS_II},
    "QZ09": {2023: LAKE_II, 2024: LAKE_II},
    "QZ10": {2023: CLASS_V, 2024: CLASS_IV},
}
# (section, year, month) → designed values
OVERRIDES = {
    ("QZ05", 2024, 6): {"tp": 0.25}, ("QZ05", 2024, 7): {"tp": 0.26},   # IV, annual mean stays III
    **{("QZ06", 2024, m): {"nh3n": 1.30} for m in (3, 4, 5, 6, 7, 8, 9, 10)},  # IV, annual IV
    ("QZ07", 2024, 8): {"tp": 0.040}, ("QZ07", 2024, 9): {"tp": 0.045},  # lake III, river II
    ("QZ10", 2024, 7): {"nh3n": 2.40},                                   # 劣V
}

DRINKING_SOURCES = [  # code, name, unit, waterbody
    ("DW01", "钦江青年水闸水源地", "qinnan", "河流"),
    ("DW02", "大马鞍水库水源地", "qinbei", "湖库"),
    ("DW03", "灵东水库水源地", "lingshan", "湖库"),
    ("DW04", "小江水库水源地", "pubei", "湖库"),
    ("DW05", "金窝水库水源地", "zhongma", "湖库"),
]
DRINKING_FACTORS = {"pH": 7.3, "溶解氧": 7.2, "高锰酸盐指数": 2.4, "氨氮": 0.12, "总磷": 0.018,
                    "氟化物": 0.25, "砷": 0.001, "汞": 0.00002, "镉": 0.0002, "铅": 0.002, "六价铬": 0.004}
DRINKING_EXCEEDANCE = ("DW03", 8, "总磷", "0.062")  # lake TP > III limit 0.05 once

PLANTS = [  # code, name, unit, Li-river basin, load rate %, influent COD mg/L
    ("WW01", "久隆镇污水处理厂", "qinnan", "否", 82, 118),
    ("WW02", "大垌镇污水处理厂", "qinbei", "否", 76, 96),
    ("WW03", "陆屋镇污水处理厂", "lingshan", "否", 65, 104),   # load rate < 70 %
    ("WW04", "武利镇污水处理厂", "lingshan", "否", 78, 88),
    ("WW05", "张黄镇污水处理厂", "pubei", "否", 74, 62),       # influent COD < 70 mg/L
    ("WW06", "龙门港镇污水处理厂", "zhongma", "否", 80, 132),
]


def noisy(rng: random.Random, value: float, indicator: str) -> str:
    spread = 0.02 if indicator == "ph" else 0.08
    return f"{value * rng.uniform(1 - spread, 1 + spread):.{DECIMALS[indicator]}f}"


def monthly_rows(rng: random.Random, year: int) -> list[dict[str, str]]:
    rows = []
    for code, *_ in SECTIONS:
        for month in range(1, 13):
            values = {**PROFILES[code][year], **OVERRIDES.get((code, year, month), {})}
            designed = OVERRIDES.get((code, year, month), {})
            row = {"section_code": code, "monitor_month": f"{year}-{month:02d}"}
            for ind in INDICATORS:
                if ind not in values:
                    row[ind] = "--"
                elif ind in designed:
                    row[ind] = f"{values[ind]:.{DECIMALS[ind]}f}"
                else:
                    row[ind] = noisy(rng, values[ind], ind)
            rows.append(row)
    return rows


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_sections(out: Path, rng: random.Random) -> None:
    write_csv(out / "sections.csv", SECTION_HEADER, [list(s) for s in SECTIONS])
    rows_2023 = monthly_rows(rng, 2023)
    write_csv(out / "section_monthly_2023.csv", ["section_code", "monitor_month", *INDICATORS],
              [[r["section_code"], r["monitor_month"], *(r[i] for i in INDICATORS)] for r in rows_2023])
    names = {s[0]: s[1] for s in SECTIONS}
    rows_2024 = monthly_rows(rng, 2024)
    header = ["断面名称", "监测时间", *(EXPORT_HEADERS[i] for i in INDICATORS)]
    write_csv(out / "section_monthly_2024.csv", header,
              [[names[r["section_code"]], r["monitor_month"], *(r[i] for i in INDICATORS)]
               for r in rows_2024])


def write_drinking_water(out: Path, rng: random.Random, year: int = 2024) -> None:
    """The year's samples; the designed exceedance is 2024's (2023's sources all meet)."""
    rows = []
    for code, name, unit, waterbody in DRINKING_SOURCES:
        for month in range(1, 13):
            for factor, base in DRINKING_FACTORS.items():
                value = f"{base * rng.uniform(0.85, 1.15):.{6 if base < 0.001 else 3}g}"
                if year == 2024 and (code, month, factor) == DRINKING_EXCEEDANCE[:3]:
                    value = DRINKING_EXCEEDANCE[3]
                rows.append([code, name, unit, waterbody, f"{year}-{month:02d}-10", factor, value])
    write_csv(out / f"drinking_water_{year}.csv",
              ["source_code", "source_name", "unit_code", "waterbody", "sample_date", "factor", "value"],
              rows)


def write_plants(out: Path, rng: random.Random, year: int = 2024) -> None:
    rows = []
    for code, name, unit, li_basin, load, cod in PLANTS:
        for month in range(1, 13):
            rows.append([code, name, unit, li_basin, f"{year}-{month:02d}",
                         f"{cod * rng.uniform(0.97, 1.03):.1f}", f"{load * rng.uniform(0.98, 1.02):.1f}"])
    write_csv(out / f"wastewater_plants_{year}.csv",
              ["plant_code", "plant_name", "unit_code", "li_river_basin", "month",
               "influent_cod_mg_l", "load_rate_pct"], rows)


def generate(raw_dir: Path) -> None:
    out = raw_dir / "water"
    write_sections(out, random.Random(f"{SEED}:sections"))
    write_drinking_water(out, random.Random(f"{SEED}:drinking"))
    write_plants(out, random.Random(f"{SEED}:plants"))
    # the prior year of the 钦州 units (qinzhou_2023): streams of their own, 2024's unchanged
    write_drinking_water(out, random.Random(f"{SEED}:drinking:2023"), 2023)
    write_plants(out, random.Random(f"{SEED}:plants:2023"), 2023)


if __name__ == "__main__":
    generate(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("data/raw"))
