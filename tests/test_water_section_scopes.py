"""Issue 14 leftover: seed 003's provincial/local section split (一.1 “水十条”考核断面 / 一.3 省控 vs
市控、县控及交接断面) and its halving (一.3 "断面年均值达到或优于V类的，该断面月度扣分按50%计算") are the
scheme's parameters (scheme/water_section_scopes), validated with the scheme; the SQL of the split
is tested by the dbt unit test section_scopes_provincial_split_and_halving_003_1_3."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from pipelines.lib.settings import PROJECT_ROOT
from pipelines.scheme.loader import SchemeError, load_scheme, scheme_tables

XXCITY = PROJECT_ROOT / "data" / "raw" / "schemes" / "xxcity_2020.yaml"


def variant(tmp_path: Path, change) -> Path:
    body = yaml.safe_load(XXCITY.read_text(encoding="utf-8"))
    change(body)
    path = tmp_path / "variant.yaml"
    path.write_text(yaml.safe_dump(body, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_xxcity_declares_seed_003s_split_and_it_reaches_the_scheme_table_003_1_3():
    scheme = load_scheme(XXCITY)
    scopes = scheme.body["scheme"]["water_section_scopes"]
    assert scopes["source"]["seed"] == "003" and "50%" in scopes["source"]["text"]
    row = scheme_tables([scheme], PROJECT_ROOT)["schemes"].row(0, named=True)
    assert json.loads(row["water_section_scopes"])["provincial_levels"] == ["国控", "省控"]
    assert json.loads(row["water_section_scopes"])["halved_at_or_better_than"] == "V"


def test_reading_provincial_measures_without_the_split_is_an_error_003_1_3(tmp_path: Path):
    path = variant(tmp_path, lambda b: b["scheme"].pop("water_section_scopes"))
    with pytest.raises(SchemeError, match=r"items/\d+ \(1\.1\)/rule/months_below_measure: 指标数据项 "
                                          r"water\.provincial_section_months_below_target_charged "
                                          r"按断面级别划分.*water_section_scopes"):
        load_scheme(path)


@pytest.mark.parametrize(("key", "value", "message"), [
    ("provincial_levels", ["国控", "省级"], r"'省级' is not one of"),
    ("halved_at_or_better_than", "VI", r"'VI' is not one of"),
])
def test_the_split_names_known_levels_and_classes_003_1_3(tmp_path: Path, key, value, message):
    path = variant(tmp_path, lambda b: b["scheme"]["water_section_scopes"].update({key: value}))
    with pytest.raises(SchemeError, match=message):
        load_scheme(path)


def test_schemes_without_scoped_measures_need_no_split():
    assert load_scheme(PROJECT_ROOT / "data" / "raw" / "schemes" / "qinzhou_2024.yaml").body[
        "scheme"].get("water_section_scopes") is None
