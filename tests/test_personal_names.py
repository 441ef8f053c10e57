"""Names in free text (issue 31, item 7): a remark naming a person after a label — 经办人李某,
农户张三家, 负责人王小明 — is masked at ingest by the one rule of pipelines/lib/personal.py, and the
same rule, as SQL, finds it in anything published. Words that only start like a label
(农户秸秆焚烧, 负责人员) stay as written."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.lib import personal


@pytest.mark.parametrize(("written", "masked"), [
    ("经办人李某已整改", "经办人[姓名已隐去]已整改"),
    ("农户张三家秸秆焚烧", "农户[姓名已隐去]秸秆焚烧"),
    ("负责人王小明现场核查", "负责人[姓名已隐去]现场核查"),
    ("当事人韦某某拒不整改", "当事人[姓名已隐去]拒不整改"),
    ("联系人：韦小芳", "联系人：[姓名已隐去]"),
])
def test_a_name_after_a_person_label_is_masked_and_found_by_the_gate(written: str, masked: str):
    assert personal.mask(written) == masked
    con = duckdb.connect()
    found, left = con.execute("select regexp_matches(?, ?), regexp_matches(?, ?)",
                              [written, personal.sql_pattern(), masked, personal.sql_pattern()]).fetchone()
    assert found and not left


@pytest.mark.parametrize("text", ["农户秸秆焚烧", "负责人员到场", "村民委员会",
                                  "被市污染防治攻坚战领导小组办公室通报"])
def test_words_that_only_start_like_a_label_stay_as_written(text: str):
    assert personal.mask(text) == text and not personal.has_personal_data(text)


def test_a_ledger_remark_naming_people_is_masked_at_ingest(tmp_path):
    from pipelines.ledgers.ingest import read_ledger_file

    path = tmp_path / "notices.csv"
    path.write_text("单位编码,指标编号,日期,事项类型,证据编号,说明,负责人\n"
                    "lingshan,5.1,2024-03-05,通报,TB-1,经办人李某未及时上报；农户张三家焚烧秸秆,王小明\n",
                    encoding="utf-8")
    result = read_ledger_file(path, "ledgers/notices.csv", "digest")
    (row,) = result.rows
    assert row["description"] == "经办人[姓名已隐去]未及时上报;农户[姓名已隐去]焚烧秸秆"  # NFKC: ；→;
    assert "王小明" not in str(result.rows) and result.contacts[0]["contact_name"] == "王小明"
