"""Scheme files are validated before anything runs; errors name the file and the place."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipelines.lib.settings import PROJECT_ROOT
from pipelines.scheme.loader import SchemeError, load_scheme, load_schemes

DEMO = PROJECT_ROOT / "data" / "raw" / "schemes" / "qinzhou_2024.yaml"


def write_variant(tmp_path: Path, change) -> Path:
    body = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    change(body)
    path = tmp_path / "variant.yaml"
    path.write_text(yaml.safe_dump(body, allow_unicode=True), encoding="utf-8")
    return path


def test_bundled_schemes_are_valid():
    schemes = load_schemes(DEMO.parent)
    assert "qinzhou_2024" in {s.code for s in schemes}


def test_unknown_rule_shape_is_rejected_with_its_location(tmp_path: Path):
    path = write_variant(tmp_path, lambda b: b["items"][0]["rule"].update(shape="lottery"))
    with pytest.raises(SchemeError, match=r"variant.yaml: items/0/rule/shape"):
        load_scheme(path)


def test_missing_rule_parameter_is_rejected(tmp_path: Path):
    path = write_variant(tmp_path, lambda b: b["items"][1]["rule"].pop("step"))
    with pytest.raises(SchemeError, match=r"items/1/rule.*'step' is a required property"):
        load_scheme(path)


def test_the_report_block_is_validated(tmp_path: Path):
    """Issue 34: the 通报's issuer, 机关代字, 主送 and the decimals of every published score are the
    scheme's (scheme.report); a misspelt field or decimals out of range is refused, naming it."""
    assert load_scheme(DEMO).body["scheme"]["report"]["issuer"] == "钦州市生态环境保护委员会办公室"
    path = write_variant(tmp_path, lambda b: b["scheme"]["report"].update(decimals=6))
    with pytest.raises(SchemeError, match=r"scheme/report/decimals"):
        load_scheme(path)
    path = write_variant(tmp_path, lambda b: b["scheme"]["report"].update(signer="某某"))
    with pytest.raises(SchemeError, match=r"scheme/report.*signer"):
        load_scheme(path)


def test_negative_cap_is_rejected(tmp_path: Path):
    path = write_variant(tmp_path, lambda b: b["items"][0]["rule"].update(cap=-1))
    with pytest.raises(SchemeError, match=r"items/0/rule/cap"):
        load_scheme(path)


def test_target_for_an_undeclared_unit_is_rejected(tmp_path: Path):
    path = write_variant(tmp_path, lambda b: b["items"][0]["targets"].update(nowhere=90))
    with pytest.raises(SchemeError, match=r"未在 units 中定义的单位: nowhere"):
        load_scheme(path)


def test_yaml_syntax_error_names_the_file(tmp_path: Path):
    path = tmp_path / "broken.yaml"
    path.write_text("scheme: [unclosed\n", encoding="utf-8")
    with pytest.raises(SchemeError, match=r"broken.yaml: YAML 无法解析"):
        load_scheme(path)


def test_pool_naming_a_missing_item_is_rejected(tmp_path: Path):
    # seed 001 5(5)–(11): "不设基础分…从第（1）—（4）项得分中扣分" — the named items must exist
    path = write_variant(tmp_path, lambda b: b["items"][1].update(points=0, charged_to=["9.9"]))
    with pytest.raises(SchemeError, match=r"items/1 \(1.2\)/charged_to: 指标 9.9 不存在"):
        load_scheme(path)


def test_pool_cycle_is_rejected(tmp_path: Path):
    def cycle(body):
        body["items"][0]["charged_to"] = ["1.2"]
        body["items"][1]["charged_to"] = ["1.1"]
    with pytest.raises(SchemeError, match=r"charged_to 形成循环: 1.1 → 1.2 → 1.1"):
        load_scheme(write_variant(tmp_path, cycle))


def test_ziyuan_scheme_encodes_100_base_points_and_a_bonus_cap_of_10():
    # seed 001: 总分 100; 二、加分项 "加分上限不超过10分"
    scheme = load_scheme(DEMO.parent / "ziyuan_2024.yaml")
    base = sum(i["points"] for i in scheme.body["items"] if "rule" in i and i.get("kind") != "bonus")
    assert base == 100
    assert scheme.body["scheme"]["bonus_cap"] == 10
