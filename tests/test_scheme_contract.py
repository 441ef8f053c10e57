"""The checked contract between schemes and data (issue 14), without a pipeline run: the measure
and event-kind registries, validation errors that name file, path and the nearest valid code,
duplicated YAML keys, what each item reads, and the block gate on missing data."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import polars as pl
import pytest
import yaml

from pipelines.lib.settings import PROJECT_ROOT
from pipelines.quality.frames import FRAMES
from pipelines.quality.suites import BLOCK, PASS, WARN, load_suites, validate
from pipelines.scheme import registry
from pipelines.scheme.check import check_scheme
from pipelines.scheme.loader import SchemeError, load_scheme, load_schemes, scheme_tables

SCHEMES = PROJECT_ROOT / "data" / "raw" / "schemes"
DEMO = SCHEMES / "qinzhou_2024.yaml"


def variant(tmp_path: Path, change) -> Path:
    body = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    change(body)
    path = tmp_path / "variant.yaml"
    path.write_text(yaml.safe_dump(body, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def item(body: dict, code: str) -> dict:
    return next(i for i in body["items"] if i["code"] == code)


# ---------- bullet 1: a misspelt measure fails loudly


def test_misspelled_measure_is_rejected_with_file_path_and_suggestion(tmp_path: Path):
    """Issue 14 case 1 on qinzhou item 1.2 (seed 001 5(1)② PM2.5): `air.pm25_annual_mean` used to
    score full points for every unit; now the file, the place and the right code are named."""
    path = variant(tmp_path, lambda b: item(b, "1.2").update(measure="air.pm25_annual_mean"))
    with pytest.raises(SchemeError) as err:
        load_scheme(path)
    message = str(err.value)
    assert message.startswith(f"{path}: items/")
    assert "(1.2)/measure: 未知的指标数据项(measure) air.pm25_annual_mean" in message
    assert "是否应为 air.pm2_5_annual_mean？" in message


def test_misspelled_measure_in_a_rule_parameter_is_rejected(tmp_path: Path):
    """qinzhou item 3.1 (seed 003 一.1 monthly waiver): measures named in the rule are checked too."""
    path = variant(tmp_path, lambda b: item(b, "3.1")["rule"].update(
        months_below_measure="water.section_month_below_target_charged"))
    with pytest.raises(SchemeError, match=r"\(3.1\)/rule/months_below_measure: 未知的指标数据项.*"
                                          r"是否应为 water.section_months_below_target_charged"):
        load_scheme(path)


def test_unknown_event_kind_is_rejected_with_suggestion(tmp_path: Path):
    """qinzhou item 2.2 (seed 001 5(2)② 火点): `fire_points` is not a registered event kind."""
    path = variant(tmp_path, lambda b: item(b, "2.2")["rule"].update(event_kinds=["fire_points"]))
    with pytest.raises(SchemeError, match=r"\(2.2\)/rule/event_kinds/0: 未知的台账事项类型 fire_points，"
                                          r"是否应为 fire_point？"):
        load_scheme(path)


def test_unknown_rule_parameter_is_rejected_with_suggestion(tmp_path: Path):
    """qinzhou item 1.2 (seed 001 5(1)② "最高扣3分"): `caps` instead of `cap` used to be a schema
    message hard to read; now the parameter, the nearest name and the shape's parameters."""
    path = variant(tmp_path, lambda b: item(b, "1.2")["rule"].update(caps=3))
    with pytest.raises(SchemeError, match=r"\(1.2\)/rule/caps: 规则 step_shortfall 没有参数 caps，"
                                          r"是否应为 cap？（可用参数: amount_per_step, cap, "):
        load_scheme(path)


def test_unknown_item_field_is_rejected_with_suggestion(tmp_path: Path):
    path = variant(tmp_path, lambda b: item(b, "1.2").update(measures="air.pm2_5_annual_mean"))
    with pytest.raises(SchemeError, match=r"\(1.2\)/measures: 未知的指标字段 measures，是否应为 measure？"):
        load_scheme(path)


# ---------- bullet 3: a duplicated YAML key fails loudly


def test_duplicated_key_is_an_error_naming_file_and_both_lines(tmp_path: Path):
    """Issue 14 case 3: `points: 3` then `points: 30` in one item (PyYAML would keep 30 and make
    base points 127); now the file and both lines are named."""
    lines = DEMO.read_text(encoding="utf-8").splitlines()
    at = next(n for n, line in enumerate(lines) if line.strip() == "points: 3")
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    lines.insert(at + 1, f"{indent}points: 30")
    path = tmp_path / "duplicated.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SchemeError, match=rf"duplicated.yaml: 第 {at + 2} 行: 键 points 重复"
                                          rf"（第 {at + 1} 行已有同名键）"):
        load_scheme(path)


def test_duplicated_key_in_a_flow_mapping_is_an_error(tmp_path: Path):
    text = DEMO.read_text(encoding="utf-8").replace(
        "{code: zhongma, name: 中马钦州产业园区, kind: park}",
        "{code: zhongma, name: 中马钦州产业园区, kind: park, code: qinnan}")
    path = tmp_path / "flow.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SchemeError, match=r"flow.yaml: 第 \d+ 行: 键 code 重复"):
        load_scheme(path)


# ---------- registries


def test_every_bundled_scheme_reads_only_registered_measures_and_kinds():
    """The bundled schemes pass the registry checks; qinzhou 3.1 (seed 003 一.1 "年均值达到年度
    目标的，月度扣分免扣") reads water.annual_targets_all_met, not a measure that exists nowhere."""
    schemes = load_schemes(SCHEMES)
    reads = scheme_tables(schemes, PROJECT_ROOT / "data" / "raw")["item_reads"]
    measures = set(reads.filter(pl.col("read_kind") == "measure")["code"])
    assert measures <= set(registry.measures())
    assert set(reads.filter(pl.col("read_kind") == "event_kind")["code"]) <= set(registry.event_kinds())
    demo = reads.filter(pl.col("scheme_code") == "qinzhou_2024", pl.col("item_code") == "3.1")
    assert "water.annual_targets_all_met" in set(demo["code"])
    assert "water.unit_annual_mean_met" not in measures


def test_measure_registry_rows_are_complete():
    with registry.MEASURES_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len({r["measure_code"] for r in rows}) == len(rows)
    for r in rows:
        assert r["measure_code"].startswith(r["domain"] + "."), r
        assert r["label_zh"] and r["grain"] and r["producing_model"], r
        assert set(filter(None, r["event_kinds"].split("|"))) <= set(registry.event_kinds()), r


def test_ledger_measures_read_their_event_kinds(tmp_path: Path):
    """qinzhou 2.3 (seed 001 5(4)① 按完成比例得分) reads ledger.completion_pct, computed from
    count_done and count_required rows: both kinds count as read (no unread-row warning)."""
    schemes = [load_scheme(DEMO)]
    reads = scheme_tables(schemes, PROJECT_ROOT)["item_reads"].filter(pl.col("item_code") == "2.3")
    assert set(zip(reads["read_kind"], reads["code"], strict=True)) == {
        ("measure", "ledger.completion_pct"), ("event_kind", "count_done"),
        ("event_kind", "count_required")}


def test_missing_data_policy_is_checked_and_defaults_to_flag(tmp_path: Path):
    assert scheme_tables([load_scheme(DEMO)], PROJECT_ROOT)["schemes"]["missing_data"].to_list() == ["flag"]
    path = variant(tmp_path, lambda b: b["scheme"].update(missing_data="ignore"))
    with pytest.raises(SchemeError, match=r"scheme/missing_data: 'ignore' is not one of"):
        load_scheme(path)


# ---------- bullet 2: block stops publishing with the list


@pytest.mark.xdist_group("great_expectations")  # one worker imports GX
def test_block_policy_fails_the_blocking_gate_with_what_is_missing():
    """missing_data: block: a missing item is a blocking finding listing scheme/unit/item; under
    flag the same row is a warning."""
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute("""create table marts.fct_unit_item_scores as select * from (values
        ('s', 'ghost', '1.1', 3.0, 0.0, 'missing', 'block'),
        ('s', 'lingshan', '1.1', 3.0, 2.4, 'scored', 'block'),
        ('f', 'ghost', '1.2', 3.0, 0.0, 'missing', 'flag'))
        as t(scheme_code, unit_code, item_code, points, score, status, missing_data)""")
    frame, parameters = FRAMES["mart_unit_item_scores"](con, 2024, "")
    suite = next(s for s in load_suites() if s.name == "mart_unit_item_scores")
    findings = {f.why: f for f in validate(suite, frame, parameters)}
    blocked = next(f for why, f in findings.items() if "missing_data: block" in why)
    assert blocked.level == BLOCK and blocked.where() == "s/ghost/1.1"
    flagged = next(f for why, f in findings.items() if "missing_data: flag" in why)
    assert flagged.level == WARN and flagged.where() == "f/ghost/1.2"
    assert all(f.level == PASS for why, f in findings.items() if "missing_data" not in why)


# ---------- scheme check without data


def test_scheme_check_without_a_warehouse_validates_and_says_so(tmp_path: Path):
    report = check_scheme(DEMO, None, tmp_path / "none.duckdb")
    assert report.warehouse is None and not report.errors
    assert any("没有已发布的数仓" in w for w in report.warnings)
    assert [c.code for c in report.items][:2] == ["1.1", "1.2"]


def test_registry_labels_are_the_glossary_labels():
    """One Chinese label per term: the registries repeat the glossary's, never another one."""
    with (PROJECT_ROOT / "dbt_project" / "seeds" / "glossary.csv").open(encoding="utf-8") as handle:
        glossary = {r["term"]: r["label_zh"] for r in csv.DictReader(handle)}
    for code, measure in registry.measures().items():
        assert glossary.get(code.split(".", 1)[1]) == measure.label_zh, code
    for code, kind in registry.event_kinds().items():
        assert glossary.get(code) == kind.label_zh, code


def test_dashboard_ranking_shows_missing_data_in_red():
    """Issue 14: a unit not ranked for missing data reads 数据缺失·不排名 in red, without a rank,
    below the ranked units; a ranked unit with gaps shows their count in red."""
    from pipelines.publish.dashboard.data import ranking
    from pipelines.publish.dashboard.panels import ranking_table

    base = {"scheme_code": "s", "base_points": 100.0, "deductions": 0.0, "bonuses": 0.0,
            "deductions_with_overflow": 0.0, "missing_points": 0.0}
    scores = pl.DataFrame([
        {**base, "unit_code": "ghost", "unit_name": "幽灵区", "total_score": 40.0, "score_rank": None,
         "grade": None, "is_ranked": False, "missing_items": 12, "missing_points": 60.0},
        {**base, "unit_code": "a", "unit_name": "甲县", "total_score": 90.0, "score_rank": 1,
         "grade": "优秀", "is_ranked": True, "missing_items": 1, "deductions": 10.0,
         "deductions_with_overflow": 10.0},
    ])
    rows = ranking(scores, None).to_dicts()
    assert [r["unit_code"] for r in rows] == ["a", "ghost"]
    table = ranking_table(rows, 2)
    cells = {h: [row[i] for row in table.rows] for i, h in enumerate(table.header)}
    assert cells["排名"] == ["1", "—"]
    assert cells["等次"] == ["优秀", "数据缺失·不排名"]
    assert cells["数据缺失"] == ["1 项", "12 项"]
    assert cells["未计分"] == ["0.00", "60.00"]  # 100.00 − 0.00 − 60.00 + 0.00 = 40.00 as printed
    assert table.red == [False, True]


def test_scheme_check_cli_exits_2_on_an_invalid_file(tmp_path: Path, capsys):
    """`ecoscore scheme check` on the misspelt qinzhou 1.2 measure: exit 2, the message on stderr."""
    from pipelines.cli import main

    path = variant(tmp_path, lambda b: item(b, "1.2").update(measure="air.pm25_annual_mean"))
    assert main(["scheme", "check", str(path), "--warehouse", str(tmp_path / "none.duckdb")]) == 2
    assert "是否应为 air.pm2_5_annual_mean" in capsys.readouterr().err
    assert main(["scheme", "check", str(DEMO), "--warehouse", str(tmp_path / "none.duckdb")]) == 0
    assert "没有已发布的数仓" in capsys.readouterr().out


def test_scheme_check_lists_not_applicable_apart_from_missing_001_14_1(tmp_path: Path):
    """seed 001 14(1) "（无治理面积任务的，此项不计分）": a unit whose ledger records the task as 0 is
    不适用 — listed apart, not warned about; a unit with no record at all is 数据缺失."""
    def change(body: dict) -> None:
        body["scheme"]["not_applicable"] = {"policy": "exclude", "source": {
            "seed": "001", "item": "14(1)", "text": "（无治理面积任务的，此项不计分）"}}
        item(body, "2.3")["not_applicable"] = {"when": "no_task", "source": {
            "seed": "001", "item": "14(1)", "text": "（无治理面积任务的，此项不计分）"}}
    path = variant(tmp_path, change)
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema intermediate; create schema staging")
        con.execute("""create table intermediate.int_scoring__ledger_measures as select * from (values
            ('qinzhou_2024', 'lingshan', '2.3', 'ledger.count_required', 0.0, 'r1'),
            ('qinzhou_2024', 'pubei', '2.3', 'ledger.count_required', 10.0, 'r2'),
            ('qinzhou_2024', 'pubei', '2.3', 'ledger.completion_pct', 90.0, 'r2,r3'),
            ('qinzhou_2024', 'qinnan', '2.3', 'ledger.completion_pct', 100.0, 'r4,r5'),
            ('qinzhou_2024', 'qinbei', '2.3', 'ledger.completion_pct', 100.0, 'r6,r7')
            ) as t(scheme_code, unit_code, item_code, measure_code, measure_value, source_keys)""")
        con.execute("""create table intermediate.int_scoring__measures as select * from (values
            ('lingshan', 2024, 'air.good_day_ratio', 97.0)) as t(unit_code, measure_year, measure_code,
            measure_value)""")
        con.execute("""create table intermediate.int_ledgers__events as select * from (values
            ('qinzhou_2024', 'lingshan', '2.3', 'count_required', 'ledgers/x.csv')) as t(scheme_code,
            unit_code, item_code, event_kind, source_file)""")
        con.execute("""create table staging.stg_scoring__peers as select * from (values
            ('pg', 'good_day_ratio', 2024, 'lingshan', 1)) as t(peer_group, indicator, peer_year,
            unit_code, published_rank)""")
    from pipelines.scheme.check import render

    report = check_scheme(path, 2024, warehouse)
    coverage = next(c for c in report.items if c.code == "2.3")
    assert coverage.not_applicable == ["lingshan"]
    assert coverage.without_data == ["zhongma"]  # no record at all: 数据缺失
    text = render(report)
    assert "← 数据缺失: zhongma  ← 不适用: lingshan" in text
    assert "不适用的指标（方案规定此项不计分，不计入应得分；不是数据缺失）：\n  2.3 " in text
    assert not any("lingshan" in w for w in report.warnings if "2.3" in w)
