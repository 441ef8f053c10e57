"""Issue 34 items 3, 6 and 9: one way to write numbers and dates on every paper, and console
tables aligned for Chinese names (pipelines/lib/wording.py, pipelines/lib/console.table)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pipelines.lib.console import table
from pipelines.lib.wording import (
    balanced,
    beijing,
    chinese_dates,
    date_numerals,
    date_zh,
    no_codes,
    points,
    width,
)


def test_a_total_shown_is_the_sum_of_the_parts_shown():
    """浦北县 read 100.00 − 21.18 + 0.00 = 78.83: each part rounded on its own. The published
    total stands (it decides grade and rank); the deduction carries the last-digit difference."""
    base, deducted, missing, bonus, total = balanced(100, Decimal("21.175"), 0, Decimal("78.825"))
    assert (base, deducted, missing, bonus, total) == (Decimal("100.00"), Decimal("21.17"), Decimal("0.00"),
                                                       Decimal("0.00"), Decimal("78.83"))
    assert base - deducted - missing + bonus == total
    # the scheme's precision: one decimal
    assert balanced(100.4, Decimal("23.0826"), 0, Decimal("77.3174"), decimals=1)[-1] == Decimal("77.3")


def test_balancing_never_hides_a_wrong_total():
    with pytest.raises(AssertionError, match="不符"):
        balanced(100, 20, 0, 75)


def test_scores_round_half_up_with_a_true_minus_sign():
    """−1.12 beside "扣 1.125 分" was binary rounding: exact half up gives 1.13."""
    assert points(-1.125) == "−1.13"
    assert points(1.125, signed=True) == "+1.13"
    assert points(0, signed=True) == "0.00"
    assert points(78.825, decimals=1) == "78.8"
    assert points(None) == "—"


def test_dates_the_chinese_way_and_the_date_of_an_official_document():
    """GB/T 9704-2012 7.3.5.1: 成文日期 in Chinese numerals, 〇 for zero."""
    assert date_numerals(dt.date(2024, 12, 31)) == "二〇二四年十二月三十一日"
    assert date_numerals(dt.date(2025, 1, 6)) == "二〇二五年一月六日"
    assert date_numerals(dt.date(2020, 10, 20)) == "二〇二〇年十月二十日"
    assert date_zh(dt.date(2024, 7, 2)) == "2024年7月2日"
    assert chinese_dates("2024-07-02 一般突发环境事件：扣 2 分") == "2024年7月2日 一般突发环境事件：扣 2 分"
    assert chinese_dates("台账第 20240702 号") == "台账第 20240702 号"


def test_times_are_beijing_time():
    assert beijing("2024-12-31T18:30:00+00:00") == "2025-01-01 02:30（北京时间）"
    assert beijing(dt.datetime(2024, 6, 1, 0, 0)) == "2024-06-01 08:00（北京时间）"


def test_model_names_are_left_out_of_titles():
    assert no_codes("部门台账（int_ledgers__events / int_ledgers__quarantine）") == "部门台账"
    assert no_codes("空气站点小时数据（原始）") == "空气站点小时数据（原始）"


def test_console_tables_align_long_chinese_names():
    """The score table misaligned 中马钦州产业园区 (str.ljust counts a Chinese character as one)."""
    rows = [["中马钦州产业园区", "99.40"], ["钦南区", "97.40"], ["ab", "1.00"]]
    lines = table(["单位", "得分"], rows, "lr")
    assert len({width(line) for line in lines}) == 1
    assert lines[1].endswith("99.40") and lines[2].endswith("97.40")
