"""Names over codes (issue 19 part 5): one resolver for every CLI option that names a unit or a
scheme; code or Chinese name; a helpful list, nearest first, when nothing matches."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.lib.names import (
    Choice,
    UnknownNameError,
    resolve,
    scheme_file_choices,
    scheme_path,
)
from pipelines.lib.settings import PROJECT_ROOT

SCHEMES = PROJECT_ROOT / "data" / "raw" / "schemes"
QINZHOU_UNITS = [Choice("zhongma", "中马钦州产业园区"), Choice("lingshan", "灵山县"),
                 Choice("pubei", "浦北县"), Choice("qinnan", "钦南区"), Choice("qinbei", "钦北区")]


@pytest.mark.parametrize("value", ["lingshan", "灵山县", "LingShan", " 灵山县 ", "灵山"])
def test_a_unit_is_named_by_code_name_or_a_unique_part_of_its_name(value: str) -> None:
    assert resolve(value, QINZHOU_UNITS, "unit") == "lingshan"


def test_an_unknown_unit_lists_every_unit_nearest_first() -> None:
    with pytest.raises(UnknownNameError) as err:
        resolve("灵三县", QINZHOU_UNITS, "unit")
    lines = str(err.value).splitlines()
    assert "没有单位 unit「灵三县」" in lines[0]
    assert lines[1].split() == ["灵山县", "lingshan"], "the nearest first"
    listed = {line.split()[-1] for line in lines[1:]}
    assert listed == {c.code for c in QINZHOU_UNITS}


def test_a_misspelt_code_puts_the_right_one_first() -> None:
    with pytest.raises(UnknownNameError) as err:
        resolve("qinan", QINZHOU_UNITS, "unit")
    assert str(err.value).splitlines()[1].split()[-1] == "qinnan"


def test_a_part_naming_several_units_is_refused_with_those_units() -> None:
    with pytest.raises(UnknownNameError) as err:
        resolve("钦", QINZHOU_UNITS, "unit")  # one character: never a partial match
    with pytest.raises(UnknownNameError) as err:
        resolve("北县", [*QINZHOU_UNITS, Choice("x", "河北县")], "unit")
    text = str(err.value)
    assert "可指多个" in text and "pubei" in text and "x" in text.split()
    assert "lingshan" not in text


def test_the_bundled_schemes_are_named_by_code_name_or_government() -> None:
    choices = scheme_file_choices(SCHEMES)
    assert resolve("qinzhou_2024", choices, "scheme") == "qinzhou_2024"
    assert resolve("钦州市 2024 年度生态环境保护目标考核（演示方案）", choices, "scheme") == "qinzhou_2024"
    assert resolve("钦州市 2024 年度", choices, "scheme") == "qinzhou_2024"
    with pytest.raises(UnknownNameError):  # 2023 and 2024: the government alone names two
        resolve("钦州市", choices, "scheme")
    assert scheme_path("钦州市 2024", SCHEMES) == SCHEMES / "qinzhou_2024.yaml"
    assert scheme_path(str(SCHEMES / "ziyuan_2024.yaml")) == SCHEMES / "ziyuan_2024.yaml"


def test_an_unknown_scheme_lists_the_schemes_with_their_codes() -> None:
    with pytest.raises(UnknownNameError) as err:
        scheme_path("qinzhou_2022", SCHEMES)
    lines = str(err.value).splitlines()
    assert "没有方案 scheme「qinzhou_2022」" in lines[0]
    assert lines[1].split()[-1] in {"qinzhou_2023", "qinzhou_2024"}
    assert {"ziyuan_2024", "xxcity_2020", "fangchenggang_2022"} <= {line.split()[-1] for line in lines}


# one command per option kind -------------------------------------------------------------------

def test_ledger_template_takes_the_unit_and_the_scheme_by_chinese_name(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """The issue's example: `ecoscore ledger-template --unit 灵山县` (and the scheme by its
    government's name)."""
    from pipelines.cli import main

    out = tmp_path / "灵山县.xlsx"
    assert main(["ledger-template", "--scheme", "钦州市 2024 年度", "--unit", "灵山县", "-o", str(out)]) == 0
    assert out.exists()
    assert str(out) in capsys.readouterr().out


def test_ledger_template_with_an_unknown_unit_lists_the_units(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture) -> None:
    from pipelines.cli import main

    code = main(["ledger-template", "--scheme", str(SCHEMES / "qinzhou_2024.yaml"), "--unit", "灵山",
                 "-o", str(tmp_path / "a.xlsx")])
    assert code == 0  # a unique part of the name is enough
    code = main(["ledger-template", "--scheme", "qinzhou_2024", "--unit", "浦南县",
                 "-o", str(tmp_path / "b.xlsx")])
    err = capsys.readouterr().err
    assert code == 2
    assert "没有单位 unit「浦南县」" in err and "浦北县  pubei" in err and "钦南区  qinnan" in err


def test_export_with_an_unknown_scheme_lists_the_schemes(tmp_path: Path, monkeypatch,
                                                         capsys: pytest.CaptureFixture) -> None:
    from pipelines.cli import main

    monkeypatch.setenv("ECOSCORE_DATA_DIR", str(PROJECT_ROOT / "data"))
    code = main(["export", "--year", "2024", "--scheme", "梧州市", "-o", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "没有方案 scheme「梧州市」" in err and "qinzhou_2024" in err


def test_explain_takes_the_unit_and_the_scheme_by_chinese_name(sample_run, monkeypatch,
                                                               capsys: pytest.CaptureFixture) -> None:
    """explain --unit 灵山县 --scheme 钦州市 names the same item as the codes (published units and
    schemes)."""
    from pipelines.cli import main

    monkeypatch.setenv("ECOSCORE_DATA_DIR", str(sample_run.data_dir))
    assert main(["explain", "--unit", "lingshan", "--item", "1.2", "--scheme", "qinzhou_2024"]) == 0
    by_code = capsys.readouterr().out
    assert main(["explain", "--unit", "灵山县", "--item", "1.2", "--scheme", "钦州市"]) == 0
    assert capsys.readouterr().out == by_code
    assert main(["explain", "--unit", "灵三县", "--item", "1.2"]) == 2  # an invalid argument (issue 31)
    err = capsys.readouterr().err
    assert "没有单位 unit「灵三县」" in err and len(err.strip().splitlines()) == 1
    assert err.split("nearest first）: ")[1].split()[:2] == ["灵山县", "lingshan"]


def test_whatif_with_an_unknown_unit_lists_the_published_units(sample_run, monkeypatch,
                                                               capsys: pytest.CaptureFixture) -> None:
    """whatif --unit: refused before any re-score, the units of the year listed, nearest first,
    as one error block; the command's log file is named."""
    from pipelines.cli import main

    monkeypatch.setenv("ECOSCORE_DATA_DIR", str(sample_run.data_dir))
    assert main(["whatif", "--year", "2024", "--unit", "浦北", "--set", "air.pm2_5.2024-99=1"]) == 1
    assert "air.pm2_5.2024-99" in capsys.readouterr().err  # 浦北 named pubei; the setting is wrong
    assert main(["whatif", "--year", "2024", "--unit", "灵三县", "--set", "air.pm2_5.2024-12=30"]) == 1
    captured = capsys.readouterr()
    assert "没有单位 unit「灵三县」" in captured.err and "灵山县  lingshan" in captured.err
    assert "日志 log:" in captured.out
