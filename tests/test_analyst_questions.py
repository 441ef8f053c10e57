"""Issue 35 "must show": three questions a bureau analyst asks, answered by the SQL printed in
docs/analysts.md on the published warehouse alone (the release's `ecoscore.duckdb`). Each test
runs the document's own query and checks its answer against what the marts, the ledgers and the
scheme say, computed here another way."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.lib.files import read_yaml
from pipelines.lib.settings import PROJECT_ROOT, Settings

DOC = PROJECT_ROOT / "docs" / "analysts.md"


def queries() -> dict[str, str]:
    """The document's SQL blocks by their first line's label (-- Q1: …)."""
    found = {}
    for block in re.findall(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S):
        label = re.match(r"-- (Q\d( why)?):", block)
        assert label, block.splitlines()[0]
        found[label.group(1)] = block
    return found


def ask(settings: Settings, label: str) -> pl.DataFrame:
    con = duckdb.connect(str(settings.current_release / "ecoscore.duckdb"), read_only=True)
    try:
        return con.sql(queries()[label]).pl()
    finally:
        con.close()


def mart(settings: Settings, name: str) -> pl.DataFrame:
    return pl.read_parquet(settings.current_release / f"{name}.parquet")


def test_the_document_asks_the_three_questions():
    assert set(queries()) == {"Q1", "Q2", "Q3", "Q3 why"}


def test_q1_which_departments_ledger_entries_cost_points(sample_run: Settings):
    """Points lost through ledger entries, by department: every movement made from ledger rows
    (its source keys name rows of fct_ledger_events) counts once, for its department; the fire
    points whose 责任部门 column names 农业农村局 (data/raw/ledgers/sample/qinzhou_2024_火点.csv,
    3 fire points) cost it 0.6 (seed 001 5(2)② 每通报1处火点扣0.2分)."""
    answer = ask(sample_run, "Q1")
    rows = set(mart(sample_run, "fct_ledger_events")["ledger_row_id"])
    moves = mart(sample_run, "fct_score_movements").filter(pl.col("points") < 0)
    from_ledgers = moves.filter(pl.col("source_keys").map_elements(
        lambda keys: bool(set(keys.split(",")) & rows), return_dtype=pl.Boolean))
    expected = {(r["scheme_code"], r["department_name"]): -r["points"] for r in from_ledgers.group_by(
        "scheme_code", "department_name").agg(pl.col("points").sum()).iter_rows(named=True)}
    assert {(r["scheme_code"], r["department_name"]): r["points_lost"]
            for r in answer.iter_rows(named=True)} == expected
    farm = answer.filter(pl.col("department_name") == "钦州市农业农村局").row(0, named=True)
    assert farm["points_lost"] == Decimal("0.6") and farm["ledger_rows"] == 2
    # the departments' losses are the ledger rows' own, where a movement is one event's
    events = mart(sample_run, "fct_ledger_events").filter(pl.col("points_moved") < 0)
    assert set(events["department_name"]) <= set(answer["department_name"])
    assert answer.filter(pl.col("scheme_code") == "qinzhou_2024")["department_name"][0] == "钦州市生态环境局"


def test_q2_how_each_units_rank_moved_month_over_month(sample_run: Settings):
    """Each unit's rank at every recorded month end (the sample run records 30 November,
    re-scored, and 31 December, its own scores), the change against the month before."""
    answer = ask(sample_run, "Q2")
    scores = mart(sample_run, "fct_unit_scores")
    assert answer.height == 2 * scores.height
    december = answer.filter(pl.col("month_end") == pl.date(2024, 12, 31))
    assert december.join(scores, on=["scheme_code", "unit_name"]).filter(
        (pl.col("score_rank") != pl.col("score_rank_right"))
        | (pl.col("total_score") != pl.col("total_score_right"))).height == 0
    for (_, _), unit in answer.group_by("scheme_code", "unit_name"):
        unit = unit.sort("month_end")
        november, dec = unit.row(0, named=True), unit.row(1, named=True)
        assert str(november["month_end"]) == "2024-11-30" and november["rank_change"] is None
        assert dec["rank_change"] == november["score_rank"] - dec["score_rank"]
        assert dec["total_change"] == dec["total_score"] - november["total_score"]
    # 浦北县's fire point of 6 December (seed 001 5(2)②: 0.2) is after 30 November: December
    # costs it at least that much
    pubei = answer.filter(pl.col("unit_name") == "浦北县").sort("month_end")
    assert pubei["total_change"][1] <= Decimal("-0.2")


def test_q3_which_unit_lost_most_points_on_air_and_why(sample_run: Settings):
    """Air items are those whose measure is an air measure (the scheme files); what an item
    lost includes what overflowed into the total: 钦南区's 国控站点异常偏高天数 (seed 001 5(1)⑤,
    0 points, overflow_to_total) takes 4 from the total beyond its 1 of deductions."""
    answer = ask(sample_run, "Q3")
    air = {(body["scheme"]["code"], item["code"])
           for path in sorted((PROJECT_ROOT / "data" / "raw" / "schemes").glob("*_2024.yaml"))
           for body in [read_yaml(path)] for item in body["items"]
           if str(item.get("measure", "")).startswith("air.")}
    items = mart(sample_run, "fct_unit_item_scores").filter(
        pl.struct("scheme_code", "item_code").map_elements(
            lambda r: (r["scheme_code"], r["item_code"]) in air, return_dtype=pl.Boolean))
    lost = items.group_by("scheme_code", "unit_name").agg(
        (pl.col("points") - pl.col("score") + pl.col("overflow_deductions")).sum().alias("lost"))
    assert {(r["scheme_code"], r["unit_name"]): r["points_lost"] for r in answer.iter_rows(named=True)} == \
        {(r["scheme_code"], r["unit_name"]): r["lost"] for r in lost.iter_rows(named=True)}
    top = answer.row(0, named=True)
    assert (top["unit_name"], top["points_lost"]) == ("灵山县", Decimal("10"))
    qinnan = answer.filter(pl.col("unit_name") == "钦南区").row(0, named=True)
    assert (qinnan["deductions"], qinnan["overflow_deductions"], qinnan["points_lost"]) == \
        (Decimal("1"), Decimal("4"), Decimal("5"))
    why = ask(sample_run, "Q3 why")
    # the movements add up to what was lost, each with its sentence and the seed's item
    assert -why["points"].sum() == top["points_lost"]
    assert why.filter(pl.col("explanation_zh").is_null() | pl.col("source_item").is_null()).height == 0
    assert any("优良天数比率 94%" in text for text in why["explanation_zh"])


@pytest.mark.parametrize("label", ["Q1", "Q2", "Q3"])
def test_the_same_sql_runs_on_the_parquet_files(sample_run: Settings, label: str, tmp_path: Path):
    """The Parquet files answer the same (open_marts: one view per file, no `marts.` prefix)."""
    from pipelines.analysis.notebooks import open_marts

    con = open_marts(sample_run.current_release)
    try:
        from_parquet = con.sql(queries()[label].replace("marts.", "")).pl()
    finally:
        con.close()
    assert from_parquet.equals(ask(sample_run, label))
