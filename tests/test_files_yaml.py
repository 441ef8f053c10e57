"""A duplicated YAML key (issue 31): the one reader (pipelines/lib/files.py read_yaml) names the
file as well as both lines — an expectation suite, a calendar or a scenario file too, not only
a scheme."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipelines.lib.files import read_yaml


def test_a_duplicated_key_names_the_file_and_both_lines(tmp_path: Path):
    path = tmp_path / "expectations" / "ledger_events.yaml"
    path.parent.mkdir()
    path.write_text("name: ledger_events\ntitle: 部门台账\nname: again\n", encoding="utf-8")
    with pytest.raises(yaml.YAMLError) as raised:
        read_yaml(path)
    assert str(raised.value).splitlines()[0] == f"{path}: 第 3 行: 键 name 重复（第 1 行已有同名键）"


def test_a_file_that_does_not_parse_names_the_file(tmp_path: Path):
    path = tmp_path / "scenario.yaml"
    path.write_text("settings: [1\n", encoding="utf-8")
    with pytest.raises(yaml.YAMLError, match=str(path)):
        read_yaml(path)
