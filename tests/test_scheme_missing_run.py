"""Issue 14 case 2, end to end: a unit added to the demo scheme with no station, section or
ledger row used to score 88.00 (良好) and outrank units with real data. One pipeline run on a
copy of the session's sample run folder with that unit (ghost, 幽灵区) added to qinzhou_2024.yaml
(the unit has no station, so the hourly air path redoes one month only, the way a night run
does; the scheme and everything downstream of it are rebuilt in full); under the scheme's
default missing_data: flag its items read 数据缺失 in every mart, explain and the dashboard, it
gets no grade and no rank, and `ecoscore scheme check` names it as an error."""

from __future__ import annotations

import os
from collections.abc import Iterator

import duckdb
import pytest

from pipelines.lib.settings import Settings
from tests.conftest import environment_restored

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

GHOST = "  - {code: ghost, name: 幽灵区, kind: district}\n"


@pytest.fixture(scope="module")
def ghost_run(sample_run: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    import shutil

    from pipelines.cli import run_pipeline

    settings = Settings(data_dir=tmp_path_factory.mktemp("ghost") / "data")
    shutil.copytree(sample_run.data_dir, settings.data_dir, symlinks=True)
    scheme = settings.raw_dir / "schemes" / "qinzhou_2024.yaml"
    text = scheme.read_text(encoding="utf-8")
    anchor = "  - {code: qinbei, name: 钦北区, kind: district}\n"
    text = text.replace(anchor, anchor + GHOST)
    # its air targets too: a step rule needs every unit's target (issue 32), data or not
    for target in ("96.4", "27.2"):
        text = text.replace(f"qinbei: {target}}}", f"qinbei: {target}, ghost: {target}}}")
    scheme.write_text(text, encoding="utf-8")
    with environment_restored():
        os.environ["ECOSCORE_DATA_DIR"] = str(settings.data_dir)
        os.environ.pop("ECOSCORE_WAREHOUSE", None)
        result = run_pipeline(settings, 2024, ephemeral=True, months=("2024-12", "2024-12"))
        assert result.success, "the run with a unit without data failed"
        yield settings


@pytest.fixture(scope="module")
def db(ghost_run: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(ghost_run.current_release / "ecoscore.duckdb"), read_only=True)
    yield con
    con.close()


def test_unit_without_data_gets_no_grade_and_no_rank(db: duckdb.DuckDBPyConnection):
    """The unit with no data is not ranked as if it had scored; the five real units keep ranks
    1–5 among themselves."""
    rows = {r[0]: r[1:] for r in db.execute("""
        select unit_code, score_rank, grade, is_ranked, is_complete, missing_items, base_items,
               missing_points, base_points, grade_note_zh
        from marts.fct_unit_scores where scheme_code = 'qinzhou_2024'""").fetchall()}
    rank, grade, ranked, complete, missing, base, lost, points, note = rows["ghost"]
    assert (rank, grade, ranked, complete) == (None, None, False, False)
    # its event items (no notice, no fire point) are results, not gaps: what is missing is more
    # than half of its points (air 10, water 35, 2.3 completion, 4.5 lateness)
    assert lost * 2 > points
    assert note.startswith(f"数据缺失（{missing}/{base} 项、")
    assert note.endswith("不评定等次、不排名")
    assert sorted(r[0] for u, r in rows.items() if u != "ghost") == [1, 2, 3, 4, 5]


def test_missing_items_are_a_status_and_credit_no_points(db: duckdb.DuckDBPyConnection):
    """qinzhou 1.1 (seed 001 5(1)① 优良天数比率, 10 → 3 points): no air station, so status
    missing, score 0 and its points in missing_points, in the item mart and the movements."""
    status, score, points, missing_points, note = db.execute("""
        select status, score, points, missing_points, composition_zh from marts.fct_unit_item_scores
        where unit_code = 'ghost' and item_code = '1.1'""").fetchone()
    assert (status, float(score), float(missing_points)) == ("missing", 0.0, float(points))
    assert note.startswith("数据缺失：本项未计分")
    kinds = db.execute("""
        select list(movement_kind order by movement_kind) from marts.fct_score_movements
        where unit_code = 'ghost' and item_code = '1.1' and status = 'missing'""").fetchone()[0]
    assert kinds == ["deduction", "missing_data"]
    others = db.execute("""select count(*) from marts.fct_unit_item_scores
                           where unit_code <> 'ghost' and item_code = '1.1' and status = 'missing'""")
    assert others.fetchone() == (0,)


def test_explain_and_dashboard_show_missing_data(ghost_run: Settings):
    from pipelines.scoring.commands import explain

    assert "数据缺失" in explain("ghost", "1.1", 2024, "qinzhou_2024")
    page = (ghost_run.current_release / "dashboard" / "index.html").read_text(encoding="utf-8")
    assert "数据缺失·不排名" in page


def test_scheme_check_names_the_unit_without_data(ghost_run: Settings):
    from pipelines.scheme.check import check_scheme

    report = check_scheme(ghost_run.raw_dir / "schemes" / "qinzhou_2024.yaml", None,
                          ghost_run.current_release / "ecoscore.duckdb")  # its published names
    assert any(e.startswith("单位 ghost：") for e in report.errors)
    coverage = {c.code: c for c in report.items}
    assert coverage["1.1"].without_data == ["ghost"]
    assert not [e for e in report.errors if "ghost" not in e]


def test_ledger_file_report_warns_about_rows_no_item_reads(db: duckdb.DuckDBPyConnection):
    """The sample's 火点台账_gbk.csv records fire points under item 1.1 (an air-quality item that
    reads no ledger): the rows load but can never score, and the file report says so."""
    unread, status = db.execute("""
        select rows_unread, status_zh from marts.fct_ledger_file_report
        where source_file like '%火点台账_gbk.csv'""").fetchone()
    assert unread == 3
    assert "警告：3 行的事项类型没有指标读取，不计分" in status
