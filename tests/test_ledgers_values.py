"""Cell values as departments write them (issue 6, build 3; SPEC §5)."""

from __future__ import annotations

from datetime import datetime

import pytest

from pipelines.ledgers import values


@pytest.mark.parametrize("written", ["2024-03-05", "2024/3/5", "2024年3月5日", "2024.3.5",
                                     "２０２４年３月５日", " 2024-3-5 ", "45356", "2024-03-05 00:00:00"])
def test_a_date_written_any_usual_way_reads_as_the_same_day(written):
    assert values.parse_date(values.clean_text(written)) == "2024-03-05"


def test_an_excel_date_cell_reads_as_its_day():
    assert values.clean_text(datetime(2024, 7, 1)) == "2024-07-01"


@pytest.mark.parametrize("written", ["2024-02-30", "3月5日", "12", "明天"])
def test_an_impossible_or_partial_date_reads_as_nothing(written):
    assert values.parse_date(values.clean_text(written)) is None


@pytest.mark.parametrize(("amount", "unit", "header", "yuan"), [
    ("3.5万元", None, None, "35000.00"),
    ("3.5", "万元", None, "35000.00"),
    ("3.5", None, "万", "35000.00"),
    ("１２,０００元", None, None, "12000.00"),
    ("12000", "元", None, "12000.00"),
])
def test_amounts_are_converted_to_yuan(amount, unit, header, yuan):
    assert values.parse_amount(values.clean_text(amount), unit, header) == yuan


def test_an_amount_whose_units_disagree_is_not_read():
    assert values.parse_amount("12000元", None, "万") is None


@pytest.mark.parametrize(("written", "number"), [("１６", "16"), ("16台", "16"), ("2.5", "2.5"),
                                                 ("0", "0"), ("-1", "-1")])
def test_a_quantity_reads_with_full_width_digits_and_a_unit_word(written, number):
    assert values.parse_number(values.clean_text(written)) == number


@pytest.mark.parametrize(("written", "code"), [("5（2）②", "5.2.2"), ("5(1)", "5.1"),
                                               ("5.2.2", "5.2.2"), ("b1.2", "b1.2"), ("B1", "B1")])
def test_item_numbers_follow_the_seed_numbering(written, code):
    # seed 001 item 5(2)② → "5.2.2"; 5(1) → "5.1" (LEDGER EVENTS CONTRACT)
    assert values.normalise_item_code(values.clean_text(written)) == code


def test_phone_numbers_in_free_text_are_masked():
    from pipelines.lib.personal import mask

    text = "联系 13812345678 或 0777-2812345"
    assert mask(text) == "联系 [电话已隐去] 或 [电话已隐去]"


def test_every_event_kind_has_its_chinese_label_in_the_glossary():
    import csv

    from pipelines.ledgers.kinds import EVENT_KINDS
    from pipelines.lib.settings import DBT_PROJECT_DIR

    with open(DBT_PROJECT_DIR / "seeds" / "glossary.csv", encoding="utf-8") as handle:
        glossary = {r["term"]: r["label_zh"] for r in csv.DictReader(handle)}
    assert {k.code: glossary.get(k.code) for k in EVENT_KINDS} == {k.code: k.label_zh for k in EVENT_KINDS}
