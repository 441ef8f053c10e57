"""Files as offices really send them (issue 31), in whole runs on copies of the session's sample
run, each the way a night run goes (the hourly air path for one month, everything downstream in
full). Must show: each damaged input either stops the run naming file, sheet or line with the last
release byte-identical, or is quarantined — the reason naming the suspected unit or the window,
the count by class in the console's summary — while every score it does not reach equals the
clean run's and the item it reaches is 待核 (never scored as if the row did not exist); and a scan
of the published release finds none of the corpus's personal names, IDs or phone numbers.

The damaged copies are tests/test_ledgers_office_files.py's corpus (tests/corpus/office_files/,
its README says how each was made) — for the quarantine classes the same damage made in the
sample's own files, one row each (a file where most rows fail is unusable as a whole and
blocks) — plus remarks carrying names, an ID and a phone number."""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.lib.settings import Settings
from tests.conftest import environment_restored
from tests.test_ledgers_office_files import FORMULAS, HIDDEN_SHEET, write_corpus

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

NIGHT = ("2024-12", "2024-12")
PERSONAL = ["李某", "张三家", "450702198506123016", "13907715678"]
NAMED_REMARKS = "ledgers/生态环境局/通报约谈_备注含姓名.csv"


def copy_of(sample_run: Settings, root: Path) -> Settings:
    settings = Settings(data_dir=root / "data")
    shutil.copytree(sample_run.data_dir, settings.data_dir, symlinks=True)
    return settings


def run_night(settings: Settings):
    from pipelines.run import run_pipeline

    with environment_restored():
        os.environ["ECOSCORE_DATA_DIR"] = str(settings.data_dir)
        os.environ.pop("ECOSCORE_WAREHOUSE", None)
        return run_pipeline(settings, 2024, ephemeral=True, months=NIGHT)


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def write_named_remarks(raw: Path) -> None:
    """zhongma's B3 praise notice again (a bonus, seed 001 加分) with remarks naming people."""
    with (raw / "ledgers" / "sample" / "qinzhou_2024_通报约谈.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    row = {**rows[3], "evidence_ref": "BY-2024-007-R",
           "description": "经办人李某核实；农户张三家（身份证 450702198506123016，电话 13907715678）"}
    path = raw / NAMED_REMARKS
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(row), lineterminator="\n")
        writer.writeheader()
        writer.writerow(row)


def damage_in_place(raw: Path) -> None:
    """The corpus's wrong-unit amount and out-of-window date, made in the sample's own files (a
    file where most rows fail is a whole file unusable, which blocks: one row each here)."""
    money = raw / "ledgers" / "sample" / "qinzhou_2024_资金投入.csv"
    money.write_text(money.read_text(encoding="utf-8").replace(",1,58,万元,", ",1,400000,万元,", 1),
                     encoding="utf-8")
    notices = raw / "ledgers" / "sample" / "qinzhou_2024_通报约谈.csv"
    with notices.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["event_date"] = "2023-12-20"  # lingshan 5.1's first notice, a year early
    columns = [c for c in rows[0] if c != "scheme_code"]  # and no 方案编码 column
    with notices.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def quarantined_run(sample_run: Settings, tmp_path_factory: pytest.TempPathFactory):
    """The wrong-unit amount, the row dated outside the year and the named remarks."""
    settings = copy_of(sample_run, tmp_path_factory.mktemp("office_quarantine"))
    damage_in_place(settings.raw_dir)
    write_named_remarks(settings.raw_dir)
    result = run_night(settings)
    assert result.success, "quarantined rows must not stop the run"
    return settings, result.run_id


def scores(release: Path, stem: str) -> pl.DataFrame:
    return pl.read_parquet(release / f"{stem}.parquet")


def test_items_the_quarantine_does_not_reach_score_as_the_clean_run(sample_run, quarantined_run):
    settings, _ = quarantined_run
    keys = ["scheme_code", "unit_code", "item_code"]
    clean = scores(sample_run.current_release, "fct_unit_item_scores")
    damaged = scores(settings.current_release, "fct_unit_item_scores")
    reached = {("qinzhou_2024", "qinnan", "B2"), ("qinzhou_2024", "lingshan", "5.1"),
               ("qinzhou_2024", "zhongma", "B3")}  # B3: the named remark is a valid row
    untouched = damaged.filter(~pl.struct(keys).map_elements(
        lambda k: (k["scheme_code"], k["unit_code"], k["item_code"]) in reached, return_dtype=pl.Boolean))
    columns = [*keys, "score", "bonuses", "deductions", "status"]
    assert untouched.select(columns).sort(keys).equals(
        clean.join(untouched.select(keys), on=keys).select(columns).sort(keys))


def test_an_item_that_lost_a_row_is_pending_and_hands_no_point_back(sample_run, quarantined_run):
    """qinnan B2 (seed 001 加分(11) shape) lost its 58 万元 row typed as 400000; lingshan 5.1
    (seed 000: 被通报2次以上的本项不得分) lost a notice dated 2023-12-20 — which used to raise
    灵山县 77.32 → 77.72."""
    settings, _ = quarantined_run
    items = scores(settings.current_release, "fct_unit_item_scores")
    for unit, item in (("qinnan", "B2"), ("lingshan", "5.1")):
        row = items.filter((pl.col("unit_code") == unit) & (pl.col("item_code") == item)).row(0, named=True)
        assert row["status"] == "pending" and row["composition_zh"].startswith("待核："), row
        assert row["score_with_bonuses"] == 0
    clean = dict(scores(sample_run.current_release, "fct_unit_scores")
                 .select("unit_code", "total_score").iter_rows())
    damaged = dict(scores(settings.current_release, "fct_unit_scores")
                   .select("unit_code", "total_score").iter_rows())
    assert damaged["lingshan"] == clean["lingshan"]  # the notice's effect is withheld, not undone
    assert damaged["qinnan"] <= clean["qinnan"]  # a wild amount adds nothing


def test_the_console_counts_the_quarantine_by_class(quarantined_run):
    from pipelines.quality.summary import warning_items

    settings, run_id = quarantined_run
    line = dict(warning_items(settings, run_id))["数据质量 quality"]
    assert "部门台账 · 金额有误 1" in line and "部门台账 · 日期不在考核年度 1" in line, line
    quarantine = scores(settings.current_release, "quarantine_ledgers")
    reasons = " | ".join(quarantine.filter(
        pl.col("source_file") == "ledgers/sample/qinzhou_2024_资金投入.csv")["reason"].to_list())
    assert "疑似按 元 填写（即 40 万元）" in reasons


def test_a_scan_of_the_published_release_finds_no_personal_data(quarantined_run):
    settings, _ = quarantined_run
    release = settings.current_release.resolve()
    parts = [str(pl.read_parquet(p).rows()) for p in release.rglob("*.parquet")]
    with duckdb.connect(str(release / "ecoscore.duckdb"), read_only=True) as con:
        for schema, table in con.execute("select schema_name, table_name from duckdb_tables()").fetchall():
            parts.append(str(con.execute(f'select * from "{schema}"."{table}"').fetchall()))
    parts += [p.read_text(encoding="utf-8", errors="ignore") for p in release.rglob("*.html")]
    text = "\n".join(parts)
    for secret in PERSONAL:
        assert secret not in text, secret
    # the remark was read — masked at ingest, as the writer's warehouse holds it
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        (remark,) = con.execute("select description from raw.ledger_rows where source_file = ?",
                                [NAMED_REMARKS]).fetchone()
    assert remark.startswith("经办人[姓名已隐去]核实;农户[姓名已隐去](身份证 [证件号已隐去]"), remark


@pytest.mark.parametrize(("file", "named"), [
    (HIDDEN_SHEET, "工作表「下半年」被隐藏"),
    (FORMULAS, "没有保存计算结果"),
])
def test_a_file_hiding_data_stops_the_run_naming_it_and_keeps_the_release(
        sample_run: Settings, tmp_path: Path, file: str, named: str):
    from pipelines.quality.summary import failure_lines

    settings = copy_of(sample_run, tmp_path)
    live = settings.current_release.resolve()
    before = tree_digest(live)
    write_corpus(tmp_path / "corpus")
    (settings.raw_dir / file).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(tmp_path / "corpus" / file, settings.raw_dir / file)
    result = run_night(settings)
    assert not result.success
    shown = "\n".join(failure_lines(settings, result))
    assert file in shown and named in shown, shown
    assert settings.current_release.resolve() == live and tree_digest(live) == before


def test_a_feed_cut_inside_its_last_field_stops_the_run_naming_the_line(
        sample_run: Settings, tmp_path: Path):
    """An O3 of 87 cut to 8 used to load: annual statistics moved, items stayed "scored"."""
    from pipelines.quality.summary import failure_lines

    settings = copy_of(sample_run, tmp_path)
    live = settings.current_release.resolve()
    before = tree_digest(live)
    feed = settings.raw_dir / "air" / "station_hourly_2024-12.csv"
    lines = feed.read_text(encoding="utf-8").splitlines()
    feed.write_text("\n".join([*lines[:-1], lines[-1][:-1]]), encoding="utf-8")
    result = run_night(settings)
    assert not result.success
    shown = "\n".join(failure_lines(settings, result))
    assert f"air/station_hourly_2024-12.csv: 第 {len(lines)} 行不完整，文件被截断" in shown, shown
    assert settings.current_release.resolve() == live and tree_digest(live) == before
