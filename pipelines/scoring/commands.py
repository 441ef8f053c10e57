"""`ecoscore explain`: one unit's item — the rule (quoted source), the measure, every movement
with its explanation and source rows, and the composed item score — from the published
warehouse copy (read-only). `ecoscore scheme draft`: a scheme drafted from the government's
table (pipelines/scoring/draft)."""

from __future__ import annotations

import argparse
import sys

import duckdb

from pipelines.lib.settings import get_settings

ITEM_SQL = """
select s.scheme_code, s.scheme_year, s.unit_name, s.item_name, s.points, s.deductions, s.bonuses,
       s.score, s.self_score, s.composition_zh, i.source_seed, i.source_item, i.source_text,
       s.status, s.missing_points
from marts.fct_unit_item_scores as s
join marts.fct_score_movements as i using (scheme_code, unit_code, item_code)
where s.unit_code = ? and s.item_code = ? and (? is null or s.scheme_year = ?)
  and (? is null or s.scheme_code = ?)
limit 1
"""

# 数据缺失 shown in red where a terminal reads it (plain text when piped)
RED, RESET = ("\033[31m", "\033[0m") if sys.stdout.isatty() else ("", "")

MOVES_SQL = """
select rule_shape, movement_kind, points, cap_cut, measure_code, measure_value, target,
       source_keys, explanation_zh
from marts.fct_score_movements
where unit_code = ? and item_code = ? and scheme_code = ?
order by movement_id
"""


def explain(unit: str, item: str, year: int | None, scheme: str | None) -> str:
    """The explanation as printed; raises LookupError when nothing is published for it."""
    path = get_settings().current_release / "ecoscore.duckdb"
    if not path.exists():
        raise LookupError(f"{path}: 尚无已发布的结果，请先运行 ecoscore run")
    with duckdb.connect(str(path), read_only=True) as con:
        head = con.execute(ITEM_SQL, [unit, item, year, year, scheme, scheme]).fetchone()
        if head is None:
            raise LookupError(f"没有找到单位 {unit} 的指标 {item}（年份 {year or '任意'}）")
        moves = con.execute(MOVES_SQL, [unit, item, head[0]]).fetchall()
    (scheme_code, scheme_year, unit_name, item_name, points, deductions, bonuses, score, self_score,
     composition, seed, seed_item, seed_text, status, missing_points) = head
    lines = [f"{scheme_code} {scheme_year} · {unit_name} · {item} {item_name}（分值 {float(points):g}）",
             f"规则 seed {seed} {seed_item}: {seed_text}"]
    for shape, kind, pts, cut, measure, value, target, keys, text in moves:
        capped = f"（封顶少计 {float(cut):g}）" if cut else ""
        lines.append(f"  [{shape}/{kind}] {float(pts):+g} 分{capped}  {text}")
        if measure:
            lines.append(f"      指标 {measure} = {value}，目标 {target}")
        if keys:
            lines.append(f"      来源 {keys}")
    if status == "missing":
        lines.append(f"{RED}数据缺失{RESET}：本项规则找不到输入数据，{float(missing_points):g} 分未计入")
    lines.append(f"扣分 {float(deductions):g}，加分 {float(bonuses):g}，本项得分 {float(score):g}"
                 + (f"（自评 {float(self_score):g}）" if self_score is not None else ""))
    if composition:
        lines.append(f"组合规则: {composition}")
    return "\n".join(lines)


def cmd_explain(args: argparse.Namespace) -> int:
    try:
        print(explain(args.unit, args.item, args.year, args.scheme))
    except LookupError as err:
        print(err)
        return 1
    return 0


def cmd_scheme_check(args: argparse.Namespace) -> int:
    """`ecoscore scheme check FILE`: exit 2 when the file is invalid, 1 on data errors."""
    from pathlib import Path

    from pipelines.scoring.check import check_scheme, render
    from pipelines.scoring.scheme import SchemeError

    warehouse = Path(args.warehouse) if args.warehouse else \
        get_settings().current_release / "ecoscore.duckdb"
    try:
        report = check_scheme(Path(args.file), args.year, warehouse)
    except SchemeError as err:
        print(f"错误：{err}", file=sys.stderr)
        return 2
    print(render(report))
    return 1 if report.errors else 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("explain", help="一个单位一项指标的得分说明 (rule, measure, movements)")
    parser.add_argument("--unit", required=True, help="unit code, e.g. ziyuan")
    parser.add_argument("--item", required=True, help="item code, e.g. 5.1.1")
    parser.add_argument("--year", type=int, default=None)
    parser.add_argument("--scheme", default=None, help="scheme code when several score the unit")
    parser.set_defaults(func=cmd_explain)
    register_scheme(subparsers)


def register_scheme(subparsers: argparse._SubParsersAction) -> None:
    """`ecoscore scheme …`: scheme files — `check` one against the data, `draft` one from the
    government's own table."""
    from pipelines.scoring.draft.command import register_draft

    scheme = subparsers.add_parser("scheme", help="考核方案文件: check（核对）、draft（从评分表起草）")
    actions = scheme.add_subparsers(dest="scheme_command", required=True)
    check = actions.add_parser(
        "check", help="validate a scheme file and show, per item, what it reads and for how many "
                      "units the data is there (published warehouse copy)")
    check.add_argument("file", help="scheme YAML, e.g. data/raw/schemes/qinzhou_2024.yaml")
    check.add_argument("--year", type=int, default=None, help="data year (default: the scheme's year)")
    check.add_argument("--warehouse", default=None,
                       help="warehouse to read (default: the published read-only copy)")
    check.set_defaults(func=cmd_scheme_check)
    register_draft(actions)
