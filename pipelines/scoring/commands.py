"""`ecoscore explain`: one unit's item — the rule (quoted source), the measure, every movement
with its explanation and source rows, and the composed item score — from the published
warehouse copy (read-only). The `ecoscore scheme` commands live in pipelines/scheme/commands.py."""

from __future__ import annotations

import argparse
import sys

import duckdb

from pipelines.lib.names import published_choices, resolve
from pipelines.lib.settings import get_settings

MATCH_SQL = """
select distinct scheme_code, scheme_year, unit_code, unit_name
from marts.fct_unit_item_scores
where (unit_code = $unit or unit_name = $unit) and item_code = $item
  and ($year is null or scheme_year = $year) and ($scheme is null or scheme_code = $scheme)
order by scheme_year, scheme_code
"""

UNIT_SQL = """
select distinct scheme_code, unit_code, unit_name from marts.fct_unit_item_scores
where unit_code = $unit or unit_name = $unit order by all
"""

ITEM_SQL = """
select s.scheme_code, s.scheme_year, s.unit_name, s.item_name, s.points, s.deductions, s.bonuses,
       s.score, s.self_score, s.composition_zh, i.source_seed, i.source_item, i.source_text,
       s.status, s.missing_points
from marts.fct_unit_item_scores as s
join marts.fct_score_movements as i using (scheme_code, unit_code, item_code)
where s.scheme_code = ? and s.unit_code = ? and s.item_code = ?
limit 1
"""

# 数据缺失 shown in red where a terminal reads it (plain text when piped)
RED, RESET = ("\033[31m", "\033[0m") if sys.stdout.isatty() else ("", "")

MOVES_SQL = """
select m.rule_shape, m.movement_kind, m.points, m.cap_cut, m.measure_code, m.measure_value, m.target,
       m.source_keys, {rows} as source_rows_zh, m.explanation_zh
from marts.fct_score_movements as m
where m.unit_code = ? and m.item_code = ? and m.scheme_code = ?
order by m.movement_order
"""
# Each ledger row behind a movement by file and row (fct_movement_sources), never its hash; a
# release published before that mart prints the keys.
ROWS_SQL = """(
    select string_agg(s.source_zh, '；' order by s.event_date, s.source_file, s.source_row)
    from marts.fct_movement_sources as s where s.movement_id = m.movement_id
)"""
HAS_SOURCES_SQL = """
select count(*) from information_schema.tables
where table_schema = 'marts' and table_name = 'fct_movement_sources'
"""


def _number(value: object) -> str:
    return f"{float(value):g}"  # type: ignore[arg-type]


def _match(con: duckdb.DuckDBPyConnection, unit: str, item: str, year: int | None,
           scheme: str | None) -> tuple[str, str]:
    """(scheme_code, unit_code) of the one published item the arguments name; the unit is its
    code or its Chinese name. Raises LookupError naming what is missing or ambiguous."""
    params = {"unit": unit, "item": item, "year": year, "scheme": scheme}
    found = con.execute(MATCH_SQL, params).fetchall()
    if not found:
        units = con.execute(UNIT_SQL, {"unit": unit}).fetchall()
        if not units:
            raise LookupError(f"没有找到单位 {unit}（可用单位编码或中文名称，如 ziyuan 或 资源县）")
        where = "、".join(f"{s}" for s, _, _ in units)
        raise LookupError(f"单位 {units[0][2]}（{units[0][1]}）在方案 {where} 中没有指标 {item}"
                          + (f"（年份 {year}）" if year else "") + (f"（方案 {scheme}）" if scheme else ""))
    if len({row[0] for row in found}) > 1:
        listed = "、".join(f"{s}（{y} 年）" for s, y, _, _ in found)
        raise LookupError(f"单位 {found[0][3]} 的指标 {item} 在 {len(found)} 个方案中都有：{listed}。"
                          "请用 --scheme 指定是哪一个方案。")
    return found[0][0], found[0][2]


def _movement_lines(moves: list[tuple]) -> list[str]:
    """One line per movement, then its measure and where it comes from: a ledger row by its file
    (and sheet) and row, never by its hash (issue 32); other sources by their keys."""
    lines = []
    for shape, kind, pts, cut, measure, value, target, keys, rows, text in moves:
        capped = f"（封顶少计 {_number(cut)}）" if cut else ""
        lines.append(f"  [{shape}/{kind}] {float(pts):+g} 分{capped}  {text}")
        if measure:
            shown = _number(value) if value is not None else "缺少有效数据"
            lines.append(f"      指标 {measure} = {shown}"
                         + (f"，目标 {_number(target)}" if target is not None else ""))
        if rows:
            lines.append(f"      来源 {rows}")
        elif keys:
            lines.append(f"      来源 {keys}")
    return lines


def explain(unit: str, item: str, year: int | None, scheme: str | None) -> str:
    """The explanation as printed; raises LookupError when nothing is published for it or when
    several schemes hold the unit and item and no scheme was given."""
    settings = get_settings()
    # the year's own release (data/marts/<year>/current), else the newest year's
    release = settings.year_release(year) if year else settings.current_release
    path = (release if release.exists() else settings.current_release) / "ecoscore.duckdb"
    if not path.exists():
        raise LookupError(f"{path}: 尚无已发布的结果，请先运行 ecoscore run")
    unit = resolve(unit, published_choices(path, "unit", year), "unit")  # code or Chinese name
    if scheme:
        scheme = resolve(scheme, published_choices(path, "scheme", year), "scheme")
    with duckdb.connect(str(path), read_only=True) as con:
        scheme_code, unit_code = _match(con, unit, item, year, scheme)
        head = con.execute(ITEM_SQL, [scheme_code, unit_code, item]).fetchone()
        has_sources = con.execute(HAS_SOURCES_SQL).fetchone()[0]
        moves = con.execute(MOVES_SQL.format(rows=ROWS_SQL if has_sources else "null"),
                            [unit_code, item, scheme_code]).fetchall()
    (scheme_code, scheme_year, unit_name, item_name, points, deductions, bonuses, score, self_score,
     composition, seed, seed_item, seed_text, status, missing_points) = head
    lines = [f"{scheme_code} {scheme_year} · {unit_name} · {item} {item_name}（分值 {_number(points)}）",
             f"规则 seed {seed} {seed_item}: {seed_text}"]
    lines += _movement_lines(moves)
    if status == "missing":
        lines.append(f"{RED}数据缺失{RESET}：本项规则找不到输入数据，{_number(missing_points)} 分未计入")
    elif status == "pending":
        lines.append(f"{RED}待核{RESET}：本项有台账行被隔离（见组合规则与隔离清单），"
                     f"{_number(missing_points)} 分暂不计入，改正后重算")
    elif status == "not_applicable":
        lines.append("不适用：本项对该单位不适用（方案规定此项不计分），分值不计入应得分")
    elif status == "flagged":
        lines.append(f"{RED}待核实{RESET}：本项有台账行的严重程度不在规则分档中，已按基本分值计入（见上）")
    lines.append(f"扣分 {_number(deductions)}，加分 {_number(bonuses)}，本项得分 {_number(score)}"
                 + (f"（自评 {_number(self_score)}）" if self_score is not None else ""))
    if composition:
        lines.append(f"组合规则: {composition}")
    return "\n".join(lines)


def cmd_explain(args: argparse.Namespace) -> int:
    try:
        print(explain(args.unit, args.item, args.year, args.scheme))
    except LookupError as err:  # an unknown unit or item: an invalid argument (issue 31)
        print("ecoscore explain: " + " ".join(str(err).split()), file=sys.stderr)
        return 2
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("explain", help="一个单位一项指标的得分说明 (rule, measure, movements)")
    parser.add_argument("--unit", required=True, help="考核单位，代码或中文名，如 资源县 "
                                                      "(unit code or Chinese name)")
    parser.add_argument("--item", required=True, help="指标编号，如 5.1.1 (item code)")
    parser.add_argument("--year", type=int, default=None)
    parser.add_argument("--scheme", default=None,
                        help="scheme code or Chinese name; required when several schemes hold the "
                             "unit and item")
    parser.set_defaults(func=cmd_explain)
