"""The dashboard's panels: each is a Chinese heading, a short note on method and source, charts
(plotly figures: on screen, as PNGs, and as pictures in the printed PDF) and tables (HTML tables on
screen and in print, where long ones run over pages with their header repeated: nothing is cut).
A panel whose mart is not published says so in `missing` instead of drawing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from pipelines.lib.wording import DEFAULT_DECIMALS, chinese_dates, no_codes, points
from pipelines.publish.dashboard import data

FONT = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
WIDTH = 1200  # px, the static export width (A4 landscape at ~110 dpi)
INVALID_COLOUR = "#D9D9D9"
UNIT_COLOURS = ["#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#8C564B", "#E377C2", "#7F7F7F",
                "#BCBD22", "#17BECF"]
# lines of several units may lie on top of each other: each also has its own dash and marker
UNIT_DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
UNIT_MARKERS = ["circle", "square", "diamond", "triangle-up", "x", "star", "cross", "triangle-down"]
GRADE_COLOURS = {"优秀": "#2E7D32", "良好": "#558B2F", "合格": "#F9A825", "不合格": "#C62828"}
# 数据缺失 (issue 14): an item whose rule found no input, a unit not ranked for lack of data
MISSING_RED = "#D50000"
MISSING_ZH = "数据缺失"
# 无数据 (issue 32): a domain with no data at all for the year, or for a unit (fct_domain_coverage)
NO_DATA_ZH = "无数据"
# 不适用 (issue 32): an item that does not apply to the unit (001 14(1) 此项不计分), never 数据缺失
NOT_APPLICABLE_ZH = "不适用"
WATERFALL_STEPS = 12  # the largest item steps drawn one by one; the rest are one step 其他
CAUSES_CAPTION = "决定等次的情形（一票否决、等次封顶、数据缺失不排名）及其原因"


@dataclass
class Table:
    """A table as a person reads it: header, rows of text, per-column alignment (l/c/r) and
    relative widths; `red` marks rows to print in red (数据缺失, a veto). `after` places it
    after the panel's figure of that index (None: after all figures)."""

    header: list[str]
    rows: list[list[str]]
    align: str = ""
    widths: list[int] | None = None
    caption: str = ""
    red: list[bool] | None = None
    fills: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column) → colour
    after: int | None = None


@dataclass
class Panel:
    key: str
    title: str
    note: str = ""
    figures: list[go.Figure] = field(default_factory=list)
    missing: str = ""
    tables: list[Table] = field(default_factory=list)


def styled(fig: go.Figure, height: int, title: str = "") -> go.Figure:
    fig.update_layout(font={"family": FONT, "size": 13}, height=height, width=None,
                      title={"text": title, "x": 0.01} if title else None,
                      margin={"l": 70, "r": 30, "t": 60 if title else 30, "b": 40},
                      paper_bgcolor="white", plot_bgcolor="white")
    return fig


def missing_panel(key: str, title: str, what: str) -> Panel:
    return Panel(key=key, title=title, missing=f"本期未发布{what}，此栏暂缺。")


def cause_table(causes: pl.DataFrame | None, unit_code: str | None = None,
                after: int | None = None, caption: str = CAUSES_CAPTION) -> Table | None:
    """The decisive rules behind grades (fct_unit_grade_causes): unit, rule, the scheme's clause,
    what happened (date, place as the ledger writes it) and where it is recorded."""
    if causes is None:
        return None
    rows = causes if unit_code is None else causes.filter(pl.col("unit_code") == unit_code)
    if rows.is_empty():
        return None
    rows = rows.sort("unit_code", "cause_kind", "item_code", "event_date", nulls_last=True)
    return Table(
        header=["考核单位", "情形", "方案依据", "原因（事件、日期、地点）", "来源"],
        rows=[[r["unit_name"], _cause_effect(r), _clause(r), r["event_zh"] or "（未找到触发事件）",
               r["source_zh"] or "—"] for r in rows.iter_rows(named=True)],
        align="lllll", widths=[10, 16, 30, 34, 22], caption=caption,
        red=[r["cause_kind"] != "grade_cap" for r in rows.iter_rows(named=True)], after=after)


def _cause_effect(row: dict) -> str:
    if row["cause_kind"] == "veto":
        return f"一票否决：{row['bound_grade']}"
    if row["cause_kind"] == "grade_cap":
        return f"等次封顶：最高{row['bound_grade']}"
    return f"{MISSING_ZH}·不排名"


def _clause(row: dict) -> str:
    item = row["source_item"] or row["item_code"]
    text = f"第 {item} 项"
    if row.get("source_text"):
        text += f"：{row['source_text']}"
    return text


def no_data_panel(key: str, title: str, what: str, note: str = "") -> Panel:
    """A domain without data for the year (issue 32: a year without air data publishes): the
    panel says 无数据 instead of drawing an empty figure."""
    return Panel(key=key, title=title, note=note, missing=f"{NO_DATA_ZH}：{what}，此栏不绘图。")


def without_data_note(coverage: pl.DataFrame | None, domain: str) -> str:
    """「无数据的考核单位：资源县。」 — units whose scheme reads the domain and that have none of its
    data for the year (fct_domain_coverage), in name order; empty when every unit has some."""
    if coverage is None or coverage.is_empty():
        return ""
    names = (coverage.filter(pl.col("domain") == domain, pl.col("is_read"), ~pl.col("has_data"))
             ["unit_name"].unique().sort().to_list())
    return f"{NO_DATA_ZH}的考核单位：{'、'.join(names)}。" if names else ""


# ---------- ranking


def _arrow(change: int | None) -> str:
    if change is None:
        return "—"
    return "持平" if change == 0 else (f"↑{change}" if change > 0 else f"↓{-change}")


def _grade_cell(row: dict) -> str:
    """The grade, or 数据缺失·不排名 for a unit with most of its items missing (no grade, no rank);
    a veto or a cap says so beside the grade."""
    if row.get("is_ranked") is False:
        return f"{MISSING_ZH}·不排名"
    grade = row["grade"] or ""
    note = row.get("grade_note_zh") or ""
    if note.startswith("一票否决"):
        return f"{grade}（一票否决）"
    if note.startswith("等次封顶"):
        return f"{grade}（等次封顶）"
    return grade


def _missing_cell(row: dict) -> str:
    count = row.get("missing_items") or 0
    return f"{count} 项" if count else "—"


def score_parts(row: dict, decimals: int) -> tuple[str, str, str, str, str]:
    """分值, 扣分, 未计分, 加分, 总分 as printed, adding up (pipelines/lib/wording.balanced)."""
    from pipelines.lib.wording import balanced

    parts = balanced(row["base_points"], row["deductions_with_overflow"], row["bonuses"], row["total_score"],
                     decimals, missing=row.get("missing_points") or 0,
                     conversion=row.get("conversion_points") or 0)  # 折算: in the grade note
    return tuple(points(p, decimals) for p in parts)


def ranking_table(rows: list[dict], decimals: int) -> Table:
    body, red = [], []
    for r in rows:
        base, deducted, missing, bonus, total = score_parts(r, decimals)
        change = r.get("total_change")
        body.append([str(r["score_rank"]) if r["score_rank"] is not None else "—", r["unit_name"], total,
                     base, deducted, missing, bonus, _grade_cell(r), _missing_cell(r),
                     _arrow(r["rank_change"]), points(change, decimals, signed=True)])
        red.append(r.get("is_ranked") is False or (r.get("grade_note_zh") or "").startswith("一票否决"))
    return Table(header=["排名", "考核单位", "总分", "分值", "扣分", "未计分", "加分", "等次", MISSING_ZH,
                         "名次变化", "得分变化"],
                 rows=body, align="clrrrrrcccr", widths=[5, 16, 8, 8, 8, 8, 8, 16, 8, 8, 8], red=red,
                 caption="总分 = 分值 − 扣分 − 未计分 + 加分")


def ranking_figure(rows: list[dict], title: str, decimals: int) -> go.Figure:
    """Totals as bars, in rank order, coloured by grade (数据缺失·不排名 in red)."""
    bars = go.Bar(x=[float(r["total_score"]) for r in rows], y=[r["unit_name"] for r in rows],
                  orientation="h",
                  marker_color=[MISSING_RED if r.get("is_ranked") is False
                                else GRADE_COLOURS.get(r["grade"] or "", "#607D8B") for r in rows],
                  text=[f"{points(r['total_score'], decimals)}（{_grade_cell(r)}）" for r in rows],
                  textposition="outside", cliponaxis=False,
                  hovertemplate="%{y}：%{x:.2f} 分<extra></extra>")
    fig = go.Figure(bars)
    fig.update_yaxes(autorange="reversed", automargin=True)
    top = max(float(r["base_points"]) + float(r["bonuses"]) for r in rows)
    fig.update_xaxes(title_text="总分", range=[0, top * 1.3])
    fig.update_layout(showlegend=False)
    return styled(fig, 120 + 36 * len(rows), title)


def ranking_panel(ranked: pl.DataFrame | None, previous_label: str, scheme_names: dict[str, str],
                  causes: pl.DataFrame | None = None, decimals: dict[str, int] | None = None) -> Panel:
    """One ranking per scheme (each government ranks its own units), with the decisive rules
    behind any grade (veto, cap, not ranked) and their causes."""
    title = "考核单位排名"
    if ranked is None:
        return missing_panel("01_ranking", title, "考核得分")
    panel = Panel(key="01_ranking", title=title)
    for code in ranked["scheme_code"].unique(maintain_order=True):
        rows = ranked.filter(pl.col("scheme_code") == code).to_dicts()
        places = (decimals or {}).get(code, DEFAULT_DECIMALS)
        name = scheme_names.get(code, code)
        panel.figures.append(ranking_figure(rows, name, places))
        table = ranking_table(rows, places)
        table.caption = f"{name}：{table.caption}"
        table.after = len(panel.figures) - 1
        panel.tables.append(table)
        scheme_causes = None if causes is None else causes.filter(pl.col("scheme_code") == code)
        cause = cause_table(scheme_causes, after=len(panel.figures) - 1)
        if cause is not None:
            panel.tables.append(cause)
    note = (f"名次变化、得分变化：与{previous_label}相比。" if previous_label
            else "名次变化、得分变化：暂无上月末的计分结果可比。")
    note += ("数据缺失：计分规则找不到输入数据的指标数（红色），其分值不计入（“未计分”列）；"
             "半数以上指标（按项数或分值）数据缺失的单位不评定等次、不排名。一票否决、等次封顶的原因"
             "（事件、日期、地点及台账出处）列在排名表下。")
    panel.note = note
    return panel


# ---------- over the years


def _history_cell(row: dict | None) -> str:
    if row is None:
        return "—"
    place = f"第 {row['score_rank']} 名" if row["score_rank"] is not None else "不排名"
    return f"{points(row['total_score'])}（{place}）"


def unit_line(i: int) -> dict:
    """Colour, dash and marker of the i-th unit's line: lines that lie on top of each other stay
    distinguishable (and in black-and-white print)."""
    return {"line": {"color": UNIT_COLOURS[i % len(UNIT_COLOURS)], "dash": UNIT_DASHES[i % len(UNIT_DASHES)],
                     "width": 2.5},
            "marker": {"symbol": UNIT_MARKERS[i % len(UNIT_MARKERS)], "size": 9}}


def history_figure(history: pl.DataFrame) -> go.Figure:
    """A line per unit over the years (the table beside it gives the figures)."""
    years = sorted(history["assessment_year"].unique().to_list())
    units = history.sort("assessment_year", "score_rank").unique("unit_code", keep="last",
                                                                  maintain_order=True)
    fig = go.Figure()
    for i, unit in enumerate(units.iter_rows(named=True)):
        rows = history.filter(pl.col("unit_code") == unit["unit_code"]).sort("assessment_year")
        fig.add_trace(go.Scatter(
            x=rows["assessment_year"].to_list(), y=[float(v) for v in rows["total_score"]],
            mode="lines+markers", name=unit["unit_name"], **unit_line(i),
            hovertemplate=unit["unit_name"] + " %{x} 年：%{y:.2f} 分<extra></extra>"))
    fig.update_xaxes(tickmode="array", tickvals=years, title_text="考核年度")
    fig.update_yaxes(title_text="总分")
    fig.update_layout(legend={"orientation": "h", "y": -0.2})
    return styled(fig, 420)


def history_table(history: pl.DataFrame) -> Table:
    years = sorted(history["assessment_year"].unique().to_list())
    status = dict(history.select("assessment_year", "year_status").unique().iter_rows())
    units = history.sort("assessment_year", "score_rank").unique("unit_code", keep="last",
                                                                  maintain_order=True)
    by_key = {(r["unit_code"], r["assessment_year"]): r for r in history.to_dicts()}
    return Table(header=["考核单位", *[f"{y} 年（{status[y]}）" for y in years]],
                 rows=[[u, *[_history_cell(by_key.get((c, y))) for y in years]]
                       for c, u in units.select("unit_code", "unit_name").iter_rows()],
                 align="l" + "c" * len(years))


def history_panel(history: pl.DataFrame | None) -> Panel | None:
    """Each unit's score and rank over the assessment years (fct_unit_score_history); only
    when more than one year is published."""
    if history is None or history["assessment_year"].n_unique() < 2:
        return None
    return Panel(key="01b_history", title="历年得分与排名", figures=[history_figure(history)],
                 tables=[history_table(history)],
                 note="每年的总分与名次取自该年度的发布结果（初步：仍在更新；定稿：已冻结）；"
                      "名次为各年度考核方案内的排名。各单位的线以颜色、线型和标记区分，重合时仍可辨认。")


# ---------- scorecards


def _step_label(row: dict) -> str:
    return f"{row['item_code']} {row['item_name']}"


def _short(name: str, limit: int = 8) -> str:
    return name if len(name) <= limit else name[:limit - 1] + "…"


def waterfall_steps(unit: dict, moved: pl.DataFrame, top: int = WATERFALL_STEPS) -> list[tuple[str, float]]:
    """(label, points) from the base points to the total: the `top` items that moved most, one
    step each (in scheme order), the other items together as one step 其他 N 项, then — when the
    scheme's composition rules (group caps, pools, bonus cap) change the sum — one step for that
    adjustment, so the steps always add up to the total."""
    per_item = (moved.filter(pl.col("rule_shape") != "composition") if "rule_shape" in moved.columns
                else moved)
    per_item = (per_item.group_by("item_code", "item_name", maintain_order=True)
                .agg(pl.col("points").cast(pl.Float64).sum()).filter(pl.col("points") != 0))
    rows = per_item.to_dicts()
    kept = {r["item_code"] for r in sorted(rows, key=lambda r: -abs(r["points"]))[:top]}
    steps = [(f"{r['item_code']}<br>{_short(r['item_name'])}", r["points"]) for r in rows
             if r["item_code"] in kept]
    rest = [r for r in rows if r["item_code"] not in kept]
    if rest:
        steps.append((f"其他 {len(rest)} 项", round(sum(r["points"] for r in rest), 4)))
    adjustment = round(float(unit["total_score"]) - float(unit["base_points"]) - sum(p for _, p in steps), 4)
    if adjustment:
        steps.append(("组合规则调整<br>（封顶、数据缺失等）", adjustment))
    return steps


def waterfall_figure(unit: dict, moved: pl.DataFrame, decimals: int) -> go.Figure:
    steps = waterfall_steps(unit, moved)
    values = [float(unit["base_points"])] + [p for _, p in steps] + [float(unit["total_score"])]
    waterfall = go.Waterfall(
        x=["分值"] + [label for label, _ in steps] + ["总分"], y=values,
        measure=["absolute"] + ["relative"] * len(steps) + ["total"],
        text=[points(v, decimals, signed=0 < i < len(values) - 1) for i, v in enumerate(values)],
        textposition="outside", cliponaxis=False, connector={"line": {"color": "#9E9E9E"}},
        decreasing={"marker": {"color": "#C62828"}}, increasing={"marker": {"color": "#2E7D32"}},
        totals={"marker": {"color": "#1F4E79"}}, hovertemplate="%{x}：%{text}<extra></extra>")
    fig = go.Figure(waterfall)
    top = float(unit["base_points"]) + float(unit["bonuses"])
    low = min(0.0, *values)
    fig.update_yaxes(range=[low, top * 1.12], title_text="分")
    fig.update_xaxes(tickangle=0, tickfont={"size": 10}, type="category")
    fig.update_layout(showlegend=False)
    place = (f"第 {unit['score_rank']} 名" if unit["score_rank"] is not None
             else f"{MISSING_ZH}，不排名")
    gaps = f"，{MISSING_ZH} {unit['missing_items']} 项" if unit.get("missing_items") else ""
    total = points(unit["total_score"], decimals)
    title = f"{unit['unit_name']}：{total} 分，{place}，{_grade_cell(unit)}{gaps}"
    return styled(fig, 420, title)


def movement_table(moved: pl.DataFrame, sources: pl.DataFrame | None, decimals: int, after: int,
                   bonus: frozenset[str] = frozenset()) -> Table:
    """Every rule that moved points (or found no data), with the ledger rows behind it. A base
    item without data is 数据缺失 (red; the count fct_unit_scores.missing_items); a bonus item
    without data adds nothing and is no gap: 无数据，不加分."""
    cited: dict[str, str] = {}
    if sources is not None and not moved.is_empty():
        found = sources.filter(pl.col("movement_id").is_in(moved["movement_id"].implode()))
        for movement_id, group in found.group_by("movement_id"):
            texts = group.sort("event_date", "source_row")["source_zh"].to_list()
            cited[movement_id[0]] = "；".join(texts[:3]) + (f" 等 {len(texts)} 行" if len(texts) > 3 else "")
    rows = moved.to_dicts()
    body = [[_step_label(r), _number(r["measure_value"]), _number(r["target"]),
             "无数据，不加分" if r.get("status") == "missing" and r["item_code"] in bonus
             else _points_cell(r, decimals),
             chinese_dates(r["explanation_zh"]), f"第 {r['source_item']} 项" if r["source_item"] else "",
             cited.get(r["movement_id"], "")] for r in rows]
    if not body:
        body = [["本单位没有扣分或加分", "", "", "", "", "", ""]]
    return Table(header=["指标", "实际值", "目标值", "分数变动", "说明", "方案依据", "台账出处"],
                 rows=body, align="lcccllll", widths=[18, 7, 7, 8, 36, 9, 18],
                 red=[r.get("status") == "missing" and r["item_code"] not in bonus for r in rows] or None,
                 after=after)


def scorecard_panel(ranked: pl.DataFrame | None, movements: pl.DataFrame | None,
                    causes: pl.DataFrame | None = None, sources: pl.DataFrame | None = None,
                    decimals: dict[str, int] | None = None,
                    bonus_items: dict[str, frozenset[str]] | None = None) -> Panel:
    title = "单位得分卡：扣分与加分从何而来"
    if ranked is None or movements is None:
        return missing_panel("02_scorecards", title, "扣分加分明细")
    panel = Panel(key="02_scorecards", title=title, note=(
        "瀑布图自分值起，逐项减去扣分、加上加分，得到总分：变动最大的 "
        f"{WATERFALL_STEPS} 项单列，其余合为“其他”，方案的分组封顶、数据缺失未计分等组合规则另列一步；"
        "图下为决定等次的情形及原因，和扣了分或加了分的每条计分规则：实际值、目标值、分数变动、说明、"
        "方案依据及台账出处。"))
    for unit in ranked.to_dicts():
        places = (decimals or {}).get(unit["scheme_code"], DEFAULT_DECIMALS)
        moves = movements.filter(pl.col("scheme_code") == unit["scheme_code"],
                                 pl.col("unit_code") == unit["unit_code"])
        # 数据缺失 and 不适用 rows are listed though they move nothing (issues 14 and 32)
        missing = (pl.col("status").is_in(["missing", "not_applicable"]) if "status" in moves.columns
                   else pl.lit(False))
        moved = (moves.filter((pl.col("points") != 0) | missing)
                 .with_columns(_order=pl.col("item_code").str.extract_all(r"\d+").cast(pl.List(pl.Int64)))
                 .sort("_order", "item_code", "movement_kind").drop("_order"))
        panel.figures.append(waterfall_figure(unit, moved, places))
        index = len(panel.figures) - 1
        unit_causes = None if causes is None else causes.filter(pl.col("scheme_code") == unit["scheme_code"])
        cause = cause_table(unit_causes, unit["unit_code"], after=index,
                            caption=f"{unit['unit_name']}：决定等次的情形及其原因")
        if cause is not None:
            panel.tables.append(cause)
        table = movement_table(moved, sources, places, index,
                               (bonus_items or {}).get(unit["scheme_code"], frozenset()))
        table.caption = f"{unit['unit_name']}：扣分、加分及数据缺失的指标"
        panel.tables.append(table)
    return panel


def _points_cell(row: dict, decimals: int = DEFAULT_DECIMALS) -> str:
    if row.get("status") == "missing" and not float(row["points"]):
        return MISSING_ZH
    if row.get("status") == "not_applicable":
        return NOT_APPLICABLE_ZH
    return points(row["points"], decimals, signed=True)


def _number(value) -> str:
    """A measured value or target: at most two decimals, no trailing zeros."""
    if value is None:
        return "—"
    return f"{round(float(value), 2):g}"


def _count(value) -> str:
    return "—" if value is None else str(int(value))


# ---------- air calendar


def _level_scale(levels: pl.DataFrame) -> tuple[list, list[int], list[str]]:
    """A discrete colourscale over z = 0 (invalid day) … 6, in the official colours."""
    colours = [INVALID_COLOUR] + levels.sort("level")["colour"].to_list()
    names = ["无效"] + levels.sort("level")["category"].to_list()
    n = len(colours)
    scale = []
    for i, colour in enumerate(colours):
        scale += [[i / n, colour], [(i + 1) / n, colour]]
    return scale, list(range(n)), names


def _calendar_grid(unit_days: pl.DataFrame, year: int) -> tuple[list, list]:
    """Months (rows) × day of month (columns): z = AQI level (0 for an invalid day),
    None where the date does not exist or has no data yet."""
    by_date = {r["obs_date"]: r for r in unit_days.iter_rows(named=True)}
    z, text = [], []
    for month in range(1, 13):
        z_row, t_row = [], []
        for day in range(1, 32):
            try:
                d = date(year, month, day)
            except ValueError:
                z_row.append(None)
                t_row.append("")
                continue
            r = by_date.get(d)
            if r is None:
                z_row.append(None)
                t_row.append(f"{d}：无数据")
            elif not r["is_valid_day"] or r["aqi"] is None:
                z_row.append(0)
                t_row.append(f"{d}：无效日")
            else:
                z_row.append(r["level"])
                pollutant = f"，首要污染物 {r['primary_pollutants']}" if r.get("primary_pollutants") else ""
                t_row.append(f"{d}：AQI {r['aqi']}（{r['category']}）{pollutant}")
        z.append(z_row)
        text.append(t_row)
    return z, text


def without_stations(daily: pl.DataFrame | None, ranked: pl.DataFrame | None) -> str:
    """A note naming the assessed units that have no monitoring station data (their air items
    are scored on published annual figures, shown in the target table), so the air panels and
    the scorecards tell one story."""
    if ranked is None:
        return ""
    have = set() if daily is None else set(daily["unit_code"].to_list())
    names = [r["unit_name"] for r in ranked.iter_rows(named=True) if r["unit_code"] not in have]
    if not names:
        return ""
    return (f"{'、'.join(dict.fromkeys(names))}：无自动监测站逐日数据，不在本图中；其空气质量指标按公布的"
            "年度数据考核（见“距年度目标”表与得分卡）。")


def air_calendar_panel(daily: pl.DataFrame | None, levels: pl.DataFrame | None, year: int,
                       unit_order: list[str], note: str = "") -> Panel:
    title = "空气质量日历：每日 AQI 类别"
    if daily is None or levels is None:
        return missing_panel("03_air_calendar", title, "每日空气质量")
    if daily.is_empty():
        return no_data_panel("03_air_calendar", title, f"{year} 年没有空气质量监测数据（无任何单位的日均值）")
    units = _ordered_units(daily, unit_order)
    cols = 2
    rows = (len(units) + 1) // cols
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[name for _, name in units],
                        horizontal_spacing=0.05, vertical_spacing=0.09 / max(rows / 3, 1))
    scale, ticks, names = _level_scale(levels)
    for i, (code, _) in enumerate(units):
        z, text = _calendar_grid(daily.filter(pl.col("unit_code") == code), year)
        fig.add_trace(go.Heatmap(
            z=z, x=list(range(1, 32)), y=[f"{m}月" for m in range(1, 13)], text=text,
            hoverinfo="text", zmin=-0.5, zmax=len(ticks) - 0.5, colorscale=scale, xgap=1, ygap=1,
            showscale=i == 0,
            colorbar={"tickvals": ticks, "ticktext": names, "title": {"text": "类别"}, "len": 0.6}),
            row=i // cols + 1, col=i % cols + 1)
    fig.update_yaxes(autorange="reversed", tickfont={"size": 10})
    fig.update_xaxes(tickvals=[1, 5, 10, 15, 20, 25, 31], tickfont={"size": 10})
    return Panel(key="03_air_calendar", title=title, figures=[styled(fig, 80 + 300 * rows)],
                 note="每格一天（行：月份，列：日），颜色为 HJ 633-2012 表2 的空气质量指数类别官方颜色；"
                      "灰色为有效监测不足的无效日，空白为无数据或尚未到来的日期。" + note)


def _ordered_units(daily: pl.DataFrame, unit_order: list[str]) -> list[tuple[str, str]]:
    """Units in ranking order, then any other unit in the mart (e.g. the city as a whole)."""
    names = dict(daily.select("unit_code", "unit_name").unique().iter_rows())
    ordered = [c for c in unit_order if c in names] + sorted(c for c in names if c not in unit_order)
    return [(c, names[c]) for c in ordered]


# ---------- air monthly and year to date


def air_monthly_panel(monthly: pl.DataFrame | None, targets: pl.DataFrame, unit_order: list[str]) -> Panel:
    title = "空气质量逐月走势与目标"
    if monthly is None:
        return missing_panel("04_air_monthly", title, "每日空气质量")
    if monthly.is_empty():
        return no_data_panel("04_air_monthly", title, "本年度没有空气质量月度统计（无监测数据）")
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.08,
                        subplot_titles=["优良天数比率（%）", "PM2.5 月均浓度（μg/m³）"])
    for n, (code, name) in enumerate(_ordered_units(monthly, unit_order)):
        unit = monthly.filter(pl.col("unit_code") == code).sort("obs_month")
        months = [f"{m}月" for m in unit["obs_month"]]
        for col, column in ((1, "good_day_ratio"), (2, "pm2_5_mean")):
            fig.add_trace(go.Scatter(x=months, y=unit[column].to_list(), name=name, legendgroup=code,
                                     showlegend=col == 1, mode="lines+markers", **unit_line(n),
                                     hovertemplate=f"{name} %{{x}}：%{{y}}<extra></extra>"), row=1, col=col)
    months = [f"{m}月" for m in sorted(monthly["obs_month"].unique().to_list())]
    for col, measure in ((1, "air.good_day_ratio"), (2, "air.pm2_5_annual_mean")):
        for k, (target, names) in enumerate(_targets_by_value(targets, measure)):
            # a dashed line per target, named in the legend (labels on the chart overlapped the lines)
            fig.add_trace(go.Scatter(x=months, y=[target] * len(months), mode="lines",
                                     name=f"目标 {target:g}（{names}）", hoverinfo="skip",
                                     line={"color": "#C62828", "dash": ["dash", "dot"][k % 2], "width": 1.5}),
                          row=1, col=col)
    fig.update_layout(legend={"orientation": "h", "y": -0.15})
    return Panel(key="04_air_monthly", title=title, figures=[styled(fig, 520)],
                 note="月度值由日均值计算（优良天数比率 = AQI ≤ 100 的天数 ÷ 有效天数；PM2.5 月均 = 有效日"
                      "日均浓度的算术平均）；红色虚线为方案的年度目标。")


def _targets_by_value(targets: pl.DataFrame, measure: str) -> list[tuple[float, str]]:
    rows = targets.filter(pl.col("measure_code") == measure)
    grouped = rows.group_by("target").agg(pl.col("unit_name").sort()).sort("target")
    return [(t, "、".join(n)) for t, n in grouped.iter_rows()]


def scored_values(movements: pl.DataFrame | None) -> dict[tuple[str, str], float]:
    """(unit, measure) → the annual value scoring used (fct_score_movements.measure_value): for a
    unit without monitoring stations it is the published annual figure (data/raw/measures)."""
    if movements is None or "measure_code" not in movements.columns:
        return {}
    used = movements.filter(pl.col("measure_value").is_not_null(), pl.col("measure_code").is_not_null())
    pairs = used.select("unit_code", "measure_code", "measure_value").iter_rows()
    return {(u, m): float(v) for u, m, v in pairs}


def target_gap_panel(gaps: pl.DataFrame | None, names: dict[str, str], unit_order: list[str],
                     as_of: date, movements: pl.DataFrame | None = None) -> Panel:
    title = "距年度目标：截至目前与全年剩余时段须达到的水平"
    if gaps is None:
        return missing_panel("05_air_target_gap", title, "空气质量目标差距")
    if gaps.is_empty():
        return no_data_panel("05_air_target_gap", title, "本年度考核方案没有空气质量年度目标")
    position = {code: i for i, code in enumerate(unit_order)}
    rows = sorted(gaps.to_dicts(), key=lambda r: (position.get(r["unit_code"], 99), r["item_code"]))
    scored = scored_values(movements)
    verdicts, values, requirements = [], [], []
    for r in rows:
        published = scored.get((r["unit_code"], r["measure_code"]))
        if r["year_to_date_value"] is None and published is not None:
            # no station data: scoring read the published annual figure; say so, one answer
            met = (published >= float(r["target"]) if r["measure_code"] in data.HIGHER_IS_BETTER
                   else published <= float(r["target"]))
            verdicts.append("已达标" if met else "未达标")
            values.append(f"{_number(published)}（公布数据）")
            requirements.append("本单位无自动监测站数据，考核采用公布的年度数据")
        else:
            verdicts.append(data.gap_verdict(r))
            values.append(_number(r["year_to_date_value"]))
            requirements.append(chinese_dates(r["requirement"] or r["reason"]) or "—")
    table = Table(
        header=["考核单位", "指标", "年度目标", f"截至{as_of.month}月{as_of.day}日", "已计天数", "剩余天数",
                "余下时段须达到", "判断"],
        rows=[[names.get(r["unit_code"], r["unit_code"]), r["item_name"], _number(r["target"]), value,
               _count(r["days_so_far"]), _count(r["days_left"]), need, v]
              for r, value, need, v in zip(rows, values, requirements, verdicts, strict=True)],
        align="llcccclc", widths=[10, 16, 7, 10, 6, 6, 32, 12],
        fills={(i, 7): data.verdict_colour(v) for i, v in enumerate(verdicts)})
    return Panel(key="05_air_target_gap", title=title, tables=[table],
                 note="余下时段须达到：假定余下每天均为有效日，全年要达到目标，余下日子须满足的条件"
                      "（年均浓度：(目标 × 全年天数 − 已累计) ÷ 剩余天数；优良天数：至少须有的优良天数；"
                      "重度及以上污染：至多可有的天数）。绿色为已达标或目前达标，橙色为目前未达标，红色为"
                      "未达标或已无法达标，灰色为缺少数据或不能按日推算（不表示达标）。")


# ---------- water


def water_panel(monthly: pl.DataFrame | None, classes: pl.DataFrame | None, names: dict[str, str],
                coverage: pl.DataFrame | None = None) -> Panel:
    title = "地表水：断面逐月水质类别与目标"
    if monthly is None or classes is None:
        return missing_panel("06_water", title, "地表水断面逐月水质类别")
    if monthly.is_empty():
        return no_data_panel("06_water", title, "本年度没有地表水断面监测数据")
    sections = (monthly.select("section_code", "section_name", "unit_code", "target_class").unique()
                .sort("unit_code", "section_code"))
    label_of = dict(classes.select("class", "label_zh").iter_rows())
    labels = [f"{names.get(u, u or '')} {n}（目标{label_of.get(t, '—')}）"
              for _, n, u, t in sections.iter_rows()]
    months = list(range(1, 13))
    cell = {(r["section_code"], r["obs_month"]): r for r in monthly.iter_rows(named=True)}
    z = [[(cell.get((code, m)) or {}).get("class") for m in months] for code in sections["section_code"]]
    text = [[label_of.get(v, "") if v is not None else "" for v in row] for row in z]
    colours = classes.sort("class")["colour"].to_list()
    n = len(colours)
    scale = [pair for i, c in enumerate(colours) for pair in ([i / n, c], [(i + 1) / n, c])]
    fig = go.Figure(go.Heatmap(
        z=z, x=[f"{m}月" for m in months], y=labels, text=text, texttemplate="%{text}", zmin=0.5,
        zmax=n + 0.5, colorscale=scale, xgap=2, ygap=2, hovertemplate="%{y} %{x}：%{text}<extra></extra>",
        colorbar={"tickvals": list(range(1, n + 1)), "ticktext": classes.sort("class")["label_zh"].to_list(),
                  "title": {"text": "水质类别"}}))
    misses = [(f"{m}月", labels[i]) for i, code in enumerate(sections["section_code"]) for m in months
              if (cell.get((code, m)) or {}).get("meets_target") is False]
    if misses:
        fig.add_trace(go.Scatter(x=[x for x, _ in misses], y=[y for _, y in misses], mode="markers",
                                 name="未达目标", hoverinfo="skip",
                                 marker={"symbol": "square-open", "size": 30, "color": "black",
                                         "line": {"width": 2}}))
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_layout(showlegend=True, legend={"orientation": "h", "y": 1.0, "x": 0, "yanchor": "bottom"})
    return Panel(key="06_water", title=title, figures=[styled(fig, 140 + 26 * len(labels))],
                 note="颜色为 GB 3838-2002 水质类别（Ⅰ～劣Ⅴ类）；纵轴注明断面的考核目标类别，"
                      "黑框为当月未达到目标的断面。" + without_data_note(coverage, "water"))


# ---------- data quality


def gates_table(gates: pl.DataFrame) -> Table:
    colour = {"阻断发布": "#FFCDD2", "警告": "#FFE0B2", "已隔离问题行": "#FFF9C4", "通过": "#C8E6C9"}
    rows = gates.to_dicts()
    return Table(header=["质控检查", "闸门状态", "检查项", "未通过项", "已隔离的行（按类）"],
                 rows=[[no_codes(r["title"]), r["status"], str(r["expectations"]), str(r["failing"]),
                        str(r.get("quarantined") or "—")] for r in rows],
                 align="lcccl", widths=[40, 12, 8, 8, 32], caption="质控闸门",
                 fills={(i, 1): colour.get(r["status"], "white") for i, r in enumerate(rows)})


def completeness_figure(completeness: pl.DataFrame) -> go.Figure:
    stations = completeness.select("station_code", "station_name").unique().sort("station_code")
    labels = [f"{c} {n or ''}" for c, n in stations.iter_rows()]
    months = sorted(completeness["obs_month"].unique().to_list())
    lookup = {(r["station_code"], r["obs_month"]): r["completeness"]
              for r in completeness.iter_rows(named=True)}
    z = [[lookup.get((code, m)) for m in months] for code in stations["station_code"]]
    fig = go.Figure(go.Heatmap(
        z=z, x=[f"{m}月" for m in months], y=labels, zmin=0, zmax=100, xgap=2, ygap=2,
        colorscale=[[0, "#C62828"], [0.75, "#FFEB3B"], [0.9, "#C8E6C9"], [1, "#2E7D32"]],
        text=[[("" if v is None else f"{v:.1f}") for v in row] for row in z], texttemplate="%{text}",
        hovertemplate="%{y} %{x}：完整率 %{z}%<extra></extra>", colorbar={"title": {"text": "%"}}))
    fig.update_yaxes(autorange="reversed", automargin=True)
    return styled(fig, 150 + 34 * len(labels), "各站逐月数据完整率（%）")


def quality_panel(gates: pl.DataFrame | None, completeness: pl.DataFrame | None, report_link: str) -> Panel:
    title = "数据质量：质控闸门与各站逐月数据完整率"
    # a year without any air hour (issue 32): every station at 0 % says nothing; 无数据 does
    no_hours = completeness is not None and (completeness.is_empty()
                                             or not (completeness["completeness"].fill_null(0) > 0).any())
    figures = [completeness_figure(completeness)] if completeness is not None and not no_hours else []
    tables = [gates_table(gates)] if gates is not None else []
    missing = "；".join(m for m in (
        "本期未发布质控闸门结果" if gates is None else "",
        "本期未发布站点日统计，完整率暂缺" if completeness is None else "",
        f"{NO_DATA_ZH}：本年度没有空气站点小时数据，完整率不绘图" if no_hours else "") if m)
    link = f"详细报告（问题行、文件）：{report_link}。" if report_link and gates is not None else ""
    return Panel(key="07_quality", title=title, figures=figures, tables=tables,
                 missing=missing + ("。" if missing else ""),
                 note=link + ("完整率 = 当月 PM2.5 日均值有效的天数 ÷ 标准要求的有效天数"
                                    "（GB 3095-2012 表4），截至统计日，最高 100%。"))


# ---------- department duties (seed 002)

DUTY_STATUSES = [("not_reported", "未报送", MISSING_RED), ("not_done", "未完成", "#EF6C00"),
                 ("partial", "部分完成", "#F9A825"), ("done", "完成", "#2E7D32")]
ROLE_MARKS = {"lead": "牵", "cooperating": "配"}


def duty_matrix_figure(duties: pl.DataFrame) -> go.Figure:
    """Department × duty, coloured by status; 牵/配 mark the department's role, a black frame an
    overdue duty; the hover names the lead department and the deadline."""
    items = duties.select("item_code", "item_order").unique().sort("item_order")["item_code"].to_list()
    # departments in the seed's order: by the order of their own duties (二、(一)…(十七))
    units = (duties.group_by("unit_code", "unit_name").agg(pl.col("item_order").max())
             .sort("item_order", "unit_code"))
    order = {code: n for n, (code, _, _) in enumerate(DUTY_STATUSES, 1)}
    cell = {(r["unit_code"], r["item_code"]): r for r in duties.iter_rows(named=True)}
    rows = [[cell.get((u, i)) for i in items] for u in units["unit_code"]]
    z = [[order[c["status"]] if c else None for c in row] for row in rows]
    text = [[ROLE_MARKS.get(c["duty_role"] or "", "") if c else "" for c in row] for row in rows]
    hover = [[(f"{c['unit_name']} {c['item_code']} {c['item_name']}<br>{c['status_zh']}"
               f"（牵头：{c['lead_unit_zh']}；时限：{c['deadline'] or '—'}"
               f"{'，逾期未完成' if c['is_overdue'] else ''}）") if c else "" for c in row]
             for row in rows]
    n = len(DUTY_STATUSES)
    scale = [pair for k, (_, _, colour) in enumerate(DUTY_STATUSES)
             for pair in ([k / n, colour], [(k + 1) / n, colour])]
    fig = go.Figure(go.Heatmap(
        z=z, x=items, y=units["unit_name"].to_list(), text=text, texttemplate="%{text}",
        customdata=hover, hovertemplate="%{customdata}<extra></extra>", zmin=0.5, zmax=n + 0.5,
        colorscale=scale, xgap=1, ygap=1,
        colorbar={"tickvals": list(range(1, n + 1)), "ticktext": [zh for _, zh, _ in DUTY_STATUSES],
                  "title": {"text": "完成情况"}}))
    late = duties.filter(pl.col("is_overdue"))
    if late.height:
        fig.add_trace(go.Scatter(x=late["item_code"].to_list(), y=late["unit_name"].to_list(),
                                 mode="markers", name="逾期未完成", hoverinfo="skip",
                                 marker={"symbol": "square-open", "size": 14, "color": "black",
                                         "line": {"width": 2}}))
    fig.update_xaxes(type="category", tickangle=-90, tickfont={"size": 9})
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_layout(showlegend=True, legend={"orientation": "h", "y": 1.0, "x": 0, "yanchor": "bottom"})
    return styled(fig, 160 + 24 * units.height)


def overdue_table(duties: pl.DataFrame) -> Table:
    late = duties.filter(pl.col("is_overdue")).sort("unit_code", "item_order")
    columns = [("unit_name", "部门"), ("item_code", "职责编号"), ("item_name", "职责"),
               ("lead_unit_zh", "牵头单位"), ("deadline", "时限"), ("status_zh", "完成情况")]
    rows = [[str(r[c]) if r[c] is not None else "—" for c, _ in columns] for r in late.iter_rows(named=True)]
    return Table(header=[zh for _, zh in columns], rows=rows or [["—"] * len(columns)], align="lclllc",
                 widths=[14, 8, 48, 14, 10, 8], caption=f"逾期未完成的职责（{late.height} 项）")


def duty_panel(duties: pl.DataFrame | None) -> Panel | None:
    """The completion matrix of a duties scheme (fct_duty_completion); none in a year without one."""
    if duties is None or duties.height == 0:
        return None
    counts = dict(duties.group_by("status_zh").len().iter_rows())
    summary = "、".join(f"{zh} {counts.get(zh, 0)}" for _, zh, _ in reversed(DUTY_STATUSES))
    as_of = duties["status_as_of"].max()
    return Panel(
        key="06b_duties", title="部门职责完成情况（目标任务分解）",
        figures=[duty_matrix_figure(duties)], tables=[overdue_table(duties)],
        note=(f"截至 {as_of}：{duties.height} 项部门职责，{summary}；逾期未完成 "
              f"{duties.filter(pl.col('is_overdue')).height} 项。颜色为部门台账最新一行的完成情况，"
              "没有台账行的职责为“未报送”（不视为完成）；格中“牵”为牵头、“配”为配合，"
              "悬停可见牵头单位与时限（年底前 → 12 月 31 日，按期 → 方案规定的日期）。"))
