"""`ecoscore scheme check FILE [--year Y]`: a scheme file against the data, before it is scored.

The file is validated (registries, duplicate keys, rule parameters); then, against the published
warehouse copy (read-only): for each scored item what it reads and for how many of its units the
data is there, units with no data at all, ledger rows of the scheme that no item reads, and the
measures the domains produce that no item uses. Items that do not apply to a unit (the item's
`not_applicable`, e.g. seed 001 14(1) 无治理面积任务的，此项不计分: the unit's ledger records the task
as 0) are listed apart: 不适用 is not 数据缺失. Errors (exit non-zero): the file is invalid, an
item whose data no unit has, a unit with no data for any item that reads a measure."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from pipelines.scheme import registry
from pipelines.scheme.loader import Scheme, duty_units, item_event_kinds, item_measures, load_scheme


@dataclass
class ItemCoverage:
    code: str
    name: str
    reads: list[str]
    units: list[str]
    with_data: list[str]
    needs_data: bool  # a measure item: no data = missing; an event item: no rows is an outcome
    bonus: bool  # a bonus without data adds nothing: a warning, never an error
    not_applicable: list[str] = field(default_factory=list)  # units the item does not apply to

    @property
    def without_data(self) -> list[str]:
        return [u for u in self.units if u not in self.with_data and u not in self.not_applicable]


@dataclass
class CheckReport:
    scheme: Scheme
    year: int
    warehouse: Path | None
    items: list[ItemCoverage] = field(default_factory=list)
    unread_rows: list[tuple[str, str, str, int]] = field(default_factory=list)  # item, kind, file, rows
    unused_measures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _assessed(item: dict[str, Any], body: dict[str, Any]) -> list[str]:
    if item.get("responsible"):
        return [r["unit"] for r in item["responsible"]]
    return item.get("units") or [u["code"] for u in body["units"] if u.get("assessed", True)]


# What the check reads: the marts a release publishes (fct_scoring_measures, fct_ledger_measures,
# fct_ledger_events, dim_peer_ranks: dbt marts under contract; its ecoscore.duckdb holds the
# published marts only), else — an older warehouse given with --warehouse — the models before them.
RELATIONS = {"MEASURES": ("marts.fct_scoring_measures", "intermediate.int_scoring__measures"),
             "LEDGER_MEASURES": ("marts.fct_ledger_measures", "intermediate.int_scoring__ledger_measures"),
             "EVENTS": ("marts.fct_ledger_events", "intermediate.int_ledgers__events"),
             "PEERS": ("marts.dim_peer_ranks", "staging.stg_scoring__peers")}


def relations(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """`sql` with each {NAME} replaced by the relation the database holds."""
    present = {f"{s}.{t}" for s, t in con.execute(
        "select schema_name, table_name from duckdb_tables() union all "
        "select schema_name, view_name from duckdb_views()").fetchall()}
    return sql.format(**{name: published if published in present else model
                         for name, (published, model) in RELATIONS.items()})


def _label(code: str) -> str:
    measure = registry.measures().get(code)
    kind = registry.event_kinds().get(code)
    return f"{code}（{(measure or kind).label_zh}）" if measure or kind else code


def _measure_units(con: duckdb.DuckDBPyConnection, scheme_code: str, item_code: str,
                   codes: list[str], year: int) -> set[str]:
    """Units with a value of every one of the item's measures (ledger measures: of this item)."""
    found: set[str] | None = None
    for code in codes:
        if code.startswith("ledger."):
            rows = con.execute(relations(con, """select distinct unit_code from {LEDGER_MEASURES}
                                  where scheme_code = ? and item_code = ? and measure_code = ?
                                    and measure_value is not null"""),
                               [scheme_code, item_code, code]).fetchall()
        else:
            rows = con.execute(relations(con, """select distinct unit_code from {MEASURES}
                                  where measure_code = ? and measure_year = ?
                                    and measure_value is not null"""), [code, year]).fetchall()
        units = {r[0] for r in rows}
        found = units if found is None else found & units
    return found or set()


def _event_units(con: duckdb.DuckDBPyConnection, scheme_code: str, item_code: str,
                 kinds: list[str]) -> set[str]:
    rows = con.execute(relations(con, """select distinct unit_code from {EVENTS}
                          where scheme_code = ? and item_code = ? and list_contains(?, event_kind)"""),
                       [scheme_code, item_code, kinds]).fetchall()
    return {r[0] for r in rows}


def _no_task_units(con: duckdb.DuckDBPyConnection, scheme_code: str, item_code: str) -> set[str]:
    """Units whose ledger records the item's task as 0 (not_applicable when: no_task)."""
    rows = con.execute("""select distinct unit_code from intermediate.int_scoring__ledger_measures
                          where scheme_code = ? and item_code = ? and measure_code = 'ledger.count_required'
                            and measure_value = 0""", [scheme_code, item_code]).fetchall()
    return {r[0] for r in rows}


def _peer_units(con: duckdb.DuckDBPyConnection, rule: dict[str, Any], year: int) -> set[str]:
    """Units with a published rank in the peer table a ranking rule reads."""
    rows = con.execute(relations(con, """select distinct unit_code from {PEERS}
                          where peer_group = ? and indicator = ? and peer_year = ?
                            and published_rank is not null"""),
                       [rule["peer_group"], rule["indicator"], year]).fetchall()
    return {r[0] for r in rows}


def _coverage(con: duckdb.DuckDBPyConnection | None, scheme: Scheme, year: int) -> list[ItemCoverage]:
    out = []
    for item in scheme.body["items"]:
        if "rule" not in item:
            continue
        measures = [code for _, code in item_measures(item)]
        kinds = item_event_kinds(item)
        rule = item["rule"]
        every_kind = rule["shape"] in ("veto", "grade_cap") and "event_kinds" not in rule
        ranking = rule["shape"] == "ranking"
        reads = [_label(c) for c in measures] + (
            ["台账 任何事项类型"] if every_kind else [f"台账 {_label(k)}" for k in kinds])
        if ranking:
            reads.append(f"排名表 {rule['peer_group']} · {rule['indicator']}")
        units = _assessed(item, scheme.body)
        with_data: set[str] = set()
        if con is not None and ranking:
            with_data = _peer_units(con, rule, year)
        elif con is not None and measures:
            with_data = _measure_units(con, scheme.code, item["code"], measures, year)
        elif con is not None and kinds:
            with_data = _event_units(con, scheme.code, item["code"], kinds)
        no_task = (_no_task_units(con, scheme.code, item["code"])
                   if con is not None and item.get("not_applicable", {}).get("when") == "no_task" else set())
        out.append(ItemCoverage(code=item["code"], name=item["name"], reads=reads, units=units,
                                with_data=[u for u in units if u in with_data and u not in no_task],
                                needs_data=bool(measures) or ranking,
                                bonus=item.get("kind", "bonus" if item["code"].startswith("B") else "base")
                                == "bonus",
                                not_applicable=[u for u in units if u in no_task]))
    return out


def _unread(con: duckdb.DuckDBPyConnection, scheme: Scheme) -> list[tuple[str, str, str, int]]:
    """Loaded ledger rows of this scheme whose item does not read their event kind (or whose
    item is not a scored item of the file)."""
    reads = {(i["code"], k) for i in scheme.body["items"] if "rule" in i for k in item_event_kinds(i)}
    rows = con.execute(relations(con, """
        select item_code, event_kind, source_file, count(*)
        from {EVENTS}
        where scheme_code = ?
        group by all order by all"""), [scheme.code]).fetchall()
    return [(r[0], r[1], r[2], int(r[3])) for r in rows if (r[0], r[1]) not in reads]


def _unused(con: duckdb.DuckDBPyConnection, scheme: Scheme, year: int) -> list[str]:
    used = {code for i in scheme.body["items"] for _, code in item_measures(i)}
    rows = con.execute(relations(con, """select distinct measure_code from {MEASURES}
                          where measure_year = ? and measure_value is not null order by 1"""),
                       [year]).fetchall()
    return [r[0] for r in rows if r[0] not in used]


def _judge(report: CheckReport) -> None:
    units = [u["code"] for u in report.scheme.body["units"] if u.get("assessed", True)]
    measured = [c for c in report.items if c.needs_data]  # measures and peer ranks
    for c in measured:
        if c.units and not c.with_data and not c.without_data:
            continue  # every unit is 不适用 here (listed apart), none is missing
        if c.units and not c.with_data and c.bonus:
            report.warnings.append(f"加分指标 {c.code}：考核的 {len(c.units)} 个单位都没有数据，不加分")
        elif c.units and not c.with_data:
            report.errors.append(f"指标 {c.code}：考核的 {len(c.units)} 个单位都没有数据"
                                 f"（{'、'.join(c.reads)}）")
        elif c.without_data:
            report.warnings.append(f"指标 {c.code}：{'、'.join(c.without_data)} 没有数据，将标为数据缺失")
    for unit in units:
        mine = [c for c in measured if unit in c.units and not c.bonus and unit not in c.not_applicable]
        if mine and not any(unit in c.with_data for c in mine):
            report.errors.append(f"单位 {unit}：{len(mine)} 项读取数据的指标全部没有数据"
                                 "（无站点、断面或台账）")
    if report.unread_rows:
        total = sum(n for *_, n in report.unread_rows)
        report.warnings.append(f"{total} 行台账没有指标读取（见上），不计分")


def check_scheme(path: Path, year: int | None, warehouse: Path | None) -> CheckReport:
    """Validate the file (SchemeError when invalid) and measure it against the warehouse."""
    scheme = load_scheme(path)
    year = year or scheme.year
    if warehouse is None or not warehouse.exists():
        report = CheckReport(scheme=scheme, year=year, warehouse=None)
        report.items = _coverage(None, scheme, year)
        report.warnings.append(f"没有已发布的数仓（{year} 年；先运行 ecoscore run --year {year}），"
                               "只做了文件校验")
        return report
    report = CheckReport(scheme=scheme, year=year, warehouse=warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        report.items = _coverage(con, scheme, year)
        report.unread_rows = _unread(con, scheme)
        report.unused_measures = _unused(con, scheme, year)
    _judge(report)
    return report


def _by_domain(codes: list[str]) -> list[str]:
    """`  air（7）: co_p95, comprehensive_index, …` wrapped, one block per domain."""
    out = []
    for domain in dict.fromkeys(c.split(".", 1)[0] for c in codes):
        names = [c.split(".", 1)[1] for c in codes if c.startswith(domain + ".")]
        text = textwrap.fill(", ".join(names), width=96, initial_indent=" " * 4, break_long_words=False,
                             subsequent_indent=" " * 4)
        out += [f"  {domain}（{len(names)}）:", text]
    return out


def render(report: CheckReport) -> str:
    s = report.scheme
    lines = [f"方案 {s.code}（{s.path}）：文件校验通过，{len(report.items)} 项计分指标，"
             f"数据缺失时 {s.body['scheme'].get('missing_data', 'flag')}"]
    duties = [i for i in s.body["items"] if "duty" in i]
    if duties:  # a duties scheme (seed 002): tracked to completion, points optional
        assigned = sum(len(duty_units(s.body, i)) for i in duties)
        lines.append(f"职责 {len(duties)} 项，分解到部门共 {assigned} 项（按台账 完成/部分完成/未完成 跟踪，"
                     "无台账行为未报送）")
    if report.warehouse is None:
        lines += [f"  {c.code:<10} {c.name}  读取 {'、'.join(c.reads) or '—'}" for c in report.items]
    else:
        where = report.warehouse.absolute()
        shown = where.relative_to(Path.cwd()) if where.is_relative_to(Path.cwd()) else where
        lines.append(f"数据：{shown}（{report.year} 年）")
        lines.append("指标        有数据的单位  读取")
        for c in report.items:
            gaps = c.without_data if c.needs_data else []
            mark = "  ← 数据缺失: " + "、".join(gaps) if gaps else ""
            mark += "  ← 不适用: " + "、".join(c.not_applicable) if c.not_applicable else ""
            lines.append(f"  {c.code:<10} {len(c.with_data):>2}/{len(c.units):<2}        "
                         f"{'、'.join(c.reads) or '—'}{mark}")
        applies = [c for c in report.items if c.not_applicable]
        lines.append("不适用的指标（方案规定此项不计分，不计入应得分；不是数据缺失）："
                     + ("无" if not applies else ""))
        lines += [f"  {c.code} {c.name}：{'、'.join(c.not_applicable)}" for c in applies]
        lines.append("没有指标读取的台账行（指标 · 事项类型 · 文件 · 行数）："
                     + ("无" if not report.unread_rows else ""))
        lines += [f"  {item} · {_label(kind)} · {src} · {n}" for item, kind, src, n in report.unread_rows]
        lines.append("各领域产出、本方案没有指标使用的数据项："
                     + ("无" if not report.unused_measures else ""))
        lines += _by_domain(report.unused_measures)
    lines += [f"警告：{w}" for w in report.warnings]
    lines += [f"错误：{e}" for e in report.errors]
    unchecked = "文件有效；未对照数据，能否计分待该年度数据发布后再查"
    verdict = "有错误" if report.errors else unchecked if report.warehouse is None else "可以计分"
    lines.append(f"结论：{verdict}")
    return "\n".join(lines)
