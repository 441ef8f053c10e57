"""Seed 003 (XX市 2020 生态文明建设目标责任书), sections 一、水环境质量 and 二、大气环境质量, as
data/raw/schemes/xxcity_2020.yaml, scored end to end once on data/samples/xxcity_2020 (sample
monitoring and published values; targets are the scheme's clearly-labelled sample targets)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from pipelines.lib.settings import PROJECT_ROOT, Settings
from pipelines.scheme.loader import load_scheme

SCHEME = PROJECT_ROOT / "data" / "raw" / "schemes" / "xxcity_2020.yaml"


def test_xxcity_scheme_validates_and_sections_1_and_2_total_400_base_points():
    """Seed 003: 一、水环境质量(基本分200分), 二、大气环境质量(基本分200分)."""
    body = load_scheme(SCHEME).body
    items = {i["code"]: i for i in body["items"]}
    assert items["1"]["points"] == 200 and items["2"]["points"] == 200
    scored_base = [i for i in body["items"] if "rule" in i and i.get("kind", "base") == "base"]
    assert sum(i["points"] for i in scored_base) == 400
    # every item quotes seed 003 and its item number
    assert all(i["source"]["seed"] == "003" and i["source"]["item"] for i in body["items"])
    assert {i["source"]["item"] for i in scored_base} == {
        "一.1", "一.2(1)", "一.3", "一.4(1)", "一.4(2)", "二.1", "二.2", "二.3", "二.4"}


@pytest.fixture(scope="module")
def xxcity_release(xxcity_run: Settings) -> Path:
    """The session's one run (2020) on a copy of the sample (tests/conftest.py: xxcity_run)."""
    return xxcity_run.current_release


def _movements(release: Path, unit: str, item: str) -> dict[str, Decimal]:
    frame = pl.read_parquet(release / "fct_score_movements.parquet").filter(
        (pl.col("scheme_code") == "xxcity_2020") & (pl.col("unit_code") == unit)
        & (pl.col("item_code") == item))
    return {row["movement_kind"]: row["points"] for row in frame.iter_rows(named=True)}


def _score(release: Path, unit: str, item: str) -> Decimal:
    frame = pl.read_parquet(release / "fct_unit_item_scores.parquet").filter(
        (pl.col("scheme_code") == "xxcity_2020") & (pl.col("unit_code") == unit)
        & (pl.col("item_code") == item))
    return frame["score"].item()


def test_003_1_1_monthly_deductions_waived_by_the_annual_mean_and_class_bonus(xxcity_release):
    """003 一.1 "部分月份水质不达标的,每月次分别扣5分;水质反弹为劣Ⅴ类的,每月次10分 …
    年均值达到年度目标的,月度扣分免扣 … 升类的,每个断面加5分": 甲区's 国控 XX01 misses in two
    months but its annual mean is III (waived) and rose from IV (+5); 省控 XX02 misses in May (IV)
    and August (劣V) with an annual IV: −5 − 10 = −15."""
    assert _movements(xxcity_release, "jia", "1.1") == {"deduction": Decimal(-15), "bonus": Decimal(5)}
    assert _score(xxcity_release, "jia", "1.1") == 85


def test_003_1_2_cross_boundary_grade_and_bonus_capped_at_10(xxcity_release):
    """003 一.2(1) "优秀、良好、合格…分别得基本分60、45、30、10和0分": grade 2 (良好) → 45;
    (2) improvement 25 % → +3, "提高一个等级的,加10分(不重复加)", (3) "总加分不超过10分" → 10."""
    assert _score(xxcity_release, "jia", "1.2") == 45
    bonuses = pl.read_parquet(xxcity_release / "fct_unit_item_scores.parquet").filter(
        (pl.col("unit_code") == "jia") & pl.col("item_code").is_in(["B1.2.1", "B1.2.2"]))
    assert bonuses["bonuses"].sum() == 10


def test_003_1_3_class_6_months_provincial_10_local_5_halved_when_annual_v(xxcity_release):
    """003 一.3 "省控断面每月次扣10分 … 市控、县控及交接断面每月次扣5分 … 断面年均值达到或优于
    V类的,该断面月度扣分按50%计算": 甲区 省控 XX02 August 劣V (annual IV) 5 + 县控 XX03 August
    劣V (annual IV) 2.5 = −7.5; 乙县 市控 XX05 劣V all year (annual 劣V) 12 × 5 → 扣完为止 20."""
    assert _movements(xxcity_release, "jia", "1.3") == {"deduction": Decimal("-7.5")}
    assert _score(xxcity_release, "yi", "1.3") == 0


def test_003_1_4_drinking_water_interpolation_between_90_and_100(xxcity_release):
    """003 一.4(1) "90%≤达标率<100%的,得分=10分×(达标率-90%)÷10%": DW01 57 of 60
    factor-measurements within class III = 95 % → 5; 一.4(2) backup sources 92 % → 2."""
    assert _score(xxcity_release, "jia", "1.4.1") == 5
    assert _score(xxcity_release, "yi", "1.4.2") == 2


def test_003_2_2_good_days_between_ensure_and_strive_and_below(xxcity_release):
    """003 二.2 "达到确保目标值,得54分;在确保值和力争值之间的,按比例得分;未达到确保目标值的,
    每差1个百分点扣2分(其中…≥90%的部分,每差1个百分点扣1分)": sample 确保 91 / 力争 93;
    甲区 92.2 % → 54 + 6 × 1.2 / 2 = 57.6; 乙县 89.5 % → 54 − 1 × 1 − 2 × 0.5 = 52."""
    assert _score(xxcity_release, "jia", "2.2") == Decimal("57.6")
    assert _score(xxcity_release, "yi", "2.2") == 52


def test_003_2_3_pm10_16_at_target_plus_2_minus_3_per_microgram(xxcity_release):
    """003 二.3 "达到考核要求,得16分;…每改善1微克/立方米,加2分,加满为止;每增加1微克/立方米,
    扣3分": sample target 60; 甲区 61 → 13; 乙县 59 → 18."""
    assert _score(xxcity_release, "jia", "2.3") == 13
    assert _score(xxcity_release, "yi", "2.3") == 18


def test_003_2_4_dustfall_above_target_scores_nothing(xxcity_release):
    """003 二.4 "低于考核目标值得20分,高于考核目标值不得分": 乙县 4.3 > 4.0 → 0; 甲区 3.5 → 20."""
    assert _score(xxcity_release, "yi", "2.4") == 0
    assert _score(xxcity_release, "jia", "2.4") == 20


def test_xxcity_totals_are_base_minus_deductions_plus_bonuses(xxcity_release):
    """Both districts' totals by hand from the items above (400 base points each)."""
    totals = pl.read_parquet(xxcity_release / "fct_unit_scores.parquet").filter(
        pl.col("scheme_code") == "xxcity_2020")
    by_unit = {r["unit_code"]: r["total_score"] for r in totals.iter_rows(named=True)}
    assert by_unit == {"jia": Decimal("363.1"), "yi": Decimal("337.5")}


# ---------- seed 002 (雨花区 2020 department duties), tracked in the same 2020 sample run


def _duties(release: Path) -> pl.DataFrame:
    return pl.read_parquet(release / "fct_duty_completion.parquet").filter(
        pl.col("scheme_code") == "yuhua_2020")


def test_002_completion_matrix_has_every_department_duty_of_the_sample_year(xxcity_release):
    """seed 002: 17 departments × 8 通用考核内容 + 77 department duties = 213 rows; the sample's
    unreported duties are 未报送 (区两型社会建设服务中心 sent no ledger), never 完成."""
    duties = _duties(xxcity_release)
    assert duties.height == 17 * 8 + 77
    counts = dict(duties.group_by("status").len().iter_rows())
    assert counts == {"done": 197, "partial": 2, "not_done": 2, "not_reported": 12}
    silent = duties.filter(pl.col("unit_code") == "lxzx")
    assert silent.height == 9 and set(silent["status_zh"]) == {"未报送"}
    assert set(silent.filter(pl.col("item_code") == "2.11.1")["lead_unit_zh"]) == {"区两型社会建设服务中心"}


def test_002_overdue_duties_follow_the_ledger_dates_for_the_closed_year(xxcity_release):
    """年底前 duties not 完成 (二.（三）3 部分完成, 二.（六）1 未报送, 二.（十七）10 未完成) are overdue;
    二.（十七）5 完成 on 2020-10-20 after its 按期 date 2020-09-30 is done late, not overdue;
    二.（五）2 完成 2020-12-18 before 年底 is neither."""
    duties = _duties(xxcity_release)
    overdue = set(duties.filter(pl.col("is_overdue")).select("unit_code", "item_code").rows())
    assert overdue == {("zjj", "2.3.3"), ("swj", "2.6.1"), ("sthjfj", "2.17.10")}
    late = duties.filter(pl.col("is_completed_late"))
    assert late.select("unit_code", "item_code").rows() == [("sthjfj", "2.17.5")]
    on_time = duties.filter((pl.col("unit_code") == "nyj")
                            & (pl.col("item_code") == "2.5.2")).row(0, named=True)
    assert (on_time["status"], on_time["is_overdue"], on_time["is_completed_late"]) == ("done", False, False)


def test_002_duties_publish_no_contact_and_show_on_the_dashboard(xxcity_release):
    """The ledgers' contact column (示例联系人) stays out of the mart; the dashboard has the matrix."""
    duties = _duties(xxcity_release)
    assert not any(c.startswith("contact") for c in duties.columns)
    page = (xxcity_release / "dashboard" / "index.html").read_text(encoding="utf-8")
    assert "部门职责完成情况" in page and "逾期未完成的职责（3 项）" in page
    from pipelines.publish.duties import duty_summary_lines

    lines = duty_summary_lines(xxcity_release)
    assert "213 项部门职责，完成 197、部分完成 2、未完成 2、未报送 12；逾期未完成 3 项" in lines[0]
    assert [line.split()[1:3] for line in lines[1:]] == [
        ["区住房城乡建设局", "2.3.3"], ["区商务局", "2.6.1"], ["市生态环境局雨花分局", "2.17.10"]]
