"""Every invalid argument (issue 31, item 9) exits 2 with one line on stderr naming the argument
and what is accepted — before any pipeline work, never a traceback. Each case used to end in a
traceback, run the whole pipeline first, or exit 1."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines import cli
from pipelines.lib.settings import Settings


@pytest.fixture
def no_pipeline(monkeypatch: pytest.MonkeyPatch, data_settings: Settings) -> Settings:
    """Any pipeline work fails the test: the check must come first."""
    def refuse(*args, **kwargs):
        raise AssertionError("pipeline work started before the arguments were checked")

    monkeypatch.setattr(cli, "run_and_report", refuse)
    return data_settings


def one_line_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    try:
        code = cli.main(argv)
    except SystemExit as stop:  # argparse's own errors
        code = stop.code
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and "Traceback" not in err, err
    return err


@pytest.mark.parametrize(("argv", "names", "accepted"), [
    (["run", "--year", "1999"], "--year 1999", "可选年度: 2020、2022、2023、2024"),
    (["run", "--year", "abc"], "--year", "invalid int value"),
    (["run", "--year", "2024", "--as-of", "2024/06/30"], "--as-of 2024/06/30", "YYYY-MM-DD"),
    (["run", "--year", "2024", "--as-of", "2024-02-30"], "--as-of 2024-02-30", "YYYY-MM-DD"),
    (["run", "--year", "2024", "--as-of", "2099-01-01"], "--as-of 2099-01-01", "今天或之前"),
    (["run", "--year", "2024", "--as-of", "2023-06-30"], "--as-of 2023-06-30", "2024-01-01 至"),
    (["backfill", "--from", "2024-13-01", "--to", "2024-12-31"], "--from 2024-13-01", "YYYY-MM-DD"),
    (["backfill", "--from", "2024-05-01", "--to", "2024-04-01"], "--from 2024-05-01", "不晚于 --to"),
    (["backfill", "--from", "1999-01-01", "--to", "1999-02-01"], "--to 1999", "可选年度"),
    (["scheme", "check", "data/raw/schemes/no_such_scheme.yaml"], "no_such_scheme.yaml", "方案 YAML"),
])
def test_an_invalid_argument_exits_2_naming_it_before_any_work(
        argv: list[str], names: str, accepted: str, no_pipeline: Settings,
        capsys: pytest.CaptureFixture[str]):
    err = one_line_exit_2(argv, capsys)
    assert names in err and accepted in err, err


def test_explain_an_unknown_unit_exits_2_listing_the_units(
        data_settings: Settings, capsys: pytest.CaptureFixture[str]):
    release = data_settings.current_release
    release.mkdir(parents=True)
    with duckdb.connect(str(release / "ecoscore.duckdb")) as con:
        con.execute("create schema marts")
        con.execute("create table marts.fct_unit_item_scores as select 'qinzhou_2024' as scheme_code, "
                    "2024 as scheme_year, 'lingshan' as unit_code, '灵山县' as unit_name")
    err = one_line_exit_2(["explain", "--unit", "nobody", "--item", "5.1"], capsys)
    assert "nobody" in err and "灵山县 lingshan" in err, err


def test_the_pipeline_is_not_reached_for_a_valid_year_check(no_pipeline: Settings):
    """The check can pass: 2024 has a scheme, and an as-of inside it is returned as given."""
    cli.check_year(no_pipeline, 2024)
    assert cli.check_as_of("2024-06-30", 2024) == "2024-06-30"
    assert Path(no_pipeline.raw_dir / "schemes").is_dir()
