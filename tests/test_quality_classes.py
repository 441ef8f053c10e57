"""Visible (issue 31, item 6): every quarantine class is counted in the console summary and, by
class, in the quality report and the dashboard's data-quality panel — PM sent in mg/m³ was
quarantined but named nowhere a person looks."""

from __future__ import annotations

import json

from pipelines.lib.settings import Settings
from pipelines.publish.dashboard.data import quality_gates
from pipelines.quality.report import write_report
from pipelines.quality.suites import Finding
from pipelines.quality.summary import warning_items

AIR = "空气站点小时数据（stg_air__quarantine）"
LEDGERS = "部门台账（int_ledgers__events / int_ledgers__quarantine）"


def write_suite(folder, name: str, title: str, findings: list[Finding]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.json").write_text(json.dumps(
        {"suite": name, "title": title, "suite_file": f"{name}.yaml",
         "findings": [f.to_dict() for f in findings]}, ensure_ascii=False), encoding="utf-8")


def test_each_quarantine_class_is_counted_in_console_report_and_dashboard(data_settings: Settings):
    run = "run-1"
    folder = data_settings.quality_dir / run
    write_suite(folder, "air", AIR, [
        Finding("air", "e", "pm2_5", "quarantined", "疑似以 mg/m³ 报送：本站该月全部不采用", 720, 9000)])
    write_suite(folder, "ledger_events", LEDGERS, [
        Finding("ledger_events", "e", "amount", "quarantined", "金额有误", 2, 90),
        Finding("ledger_events", "e", "event_date", "quarantined", "日期有误", 1, 90),
        Finding("ledger_events", "e", "unit_code", "pass", "单位有误", 0, 90)])
    console = dict(warning_items(data_settings, run))["数据质量 quality"]
    assert console == ("已隔离的行 quarantined rows: 723（空气站点小时数据 · 疑似以 mg/m³ 报送 720、"
                       "部门台账 · 金额有误 2、部门台账 · 日期有误 1）")
    page = write_report(data_settings, run).read_text(encoding="utf-8")
    assert "已隔离的行（按类）：空气站点小时数据 · 疑似以 mg/m³ 报送 720 行；部门台账 · 金额有误 2 行" in page
    release = data_settings.data_dir / "release"
    write_suite(release / "quality", "ledger_events", LEDGERS, [
        Finding("ledger_events", "e", "amount", "quarantined", "金额有误", 2, 90)])
    gates = quality_gates(release)
    assert gates.row(0, named=True)["quarantined"] == "金额有误 2 行"
