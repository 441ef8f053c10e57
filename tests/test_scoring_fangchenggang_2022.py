"""The 防城港 2022 sample (seed 000, data/samples/fangchenggang_2022, `make demo-2022`): a year with
department ledgers and no air or water data at all publishes (issue 32), the domains shown as
无数据 in the dashboard, the office files and the run summary; each department's share scored as
seed 000 writes it. One pipeline run of its own on a copy of the sample folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from pipelines.lib.settings import PROJECT_ROOT, Settings
from tests.conftest import run_once

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
SAMPLE = PROJECT_ROOT / "data" / "samples" / "fangchenggang_2022"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("fcg")
    shutil.copytree(SAMPLE / "raw", root / "data" / "raw", symlinks=False)
    return run_once(Settings(data_dir=root / "data"), 2022)


def release(settings: Settings) -> Path:
    return settings.year_release(2022)


def test_the_year_without_air_or_water_publishes_000(run: Settings):
    """No air feed, no water file, no registry: ingest loads empty inputs and the run publishes."""
    assert (release(run) / "fct_unit_scores.parquet").exists()
    assert not (run.raw_dir / "air").exists() and not (run.raw_dir / "water").exists()


def test_each_department_scores_its_shares_as_written_000_items_3_to_9(run: Settings):
    """seed 000 items 3–9 (lead / cooperating shares, each earned by a completion record; items 6
    and 8 "秋冬季污染防治攻坚行动期间，被市污染防治攻坚战领导小组办公室通报2次以上的，本项不得分",
    the campaign 1 Jan – 28 Feb and 1 Sep – 31 Dec 2022), the sample's ledger: every share done
    except 市卫生健康委 on 4 (0.1) and 市大数据和行政审批局 on 9 (0.1); 市工业和信息化局 notified twice
    in October and November on 6 (its 0.1 zeroed); 市城市管理监督局 notified on 8 in May (outside
    the campaign) and December (once inside: kept). By hand:
    市生态环境局 3.0 + 2.5 + 3.2 + 3.2 + 3.2 + 1.9 = 17; 市城市管理监督局 0.3 + 0.1 + 0.2 + 0.2 + 0.2 = 1;
    市工业和信息化局 0.2 + 0 + 0.1 = 0.3; 市卫生健康委 0; 市大数据和行政审批局 0."""
    with duckdb.connect(str(release(run) / "ecoscore.duckdb"), read_only=True) as con:
        totals = dict(con.execute(
            "select unit_code, total_score::double from marts.fct_unit_scores").fetchall())
    assert totals == {"sthjj": 17.0, "cgj": 1.0, "nyncj": 0.6, "gaj": 0.4, "zjj": 0.4, "gxj": 0.3,
                      "hyj": 0.2, "jtysj": 0.2, "slj": 0.2, "tjj": 0.2, "wgltj": 0.1, "zrzyj": 0.1,
                      "dsjj": 0.0, "wsjkw": 0.0}


def test_no_data_is_shown_in_every_output(run: Settings):
    """Dashboard: each air and water panel says 无数据 instead of drawing (the run failed here on a
    figure of zero rows); office files: the workbook's 各领域数据 table and the 通报's data note;
    run summary: 数据 … 空气质量 无数据 · 地表水 无数据."""
    page = (release(run) / "dashboard" / "index.html").read_text(encoding="utf-8")
    for said in ("无数据：2022 年没有空气质量监测数据", "无数据：本年度没有地表水断面监测数据",
                 "无数据：本年度没有空气站点小时数据"):
        assert said in page
    office = release(run) / "office"
    sheet = load_workbook(next(office.glob("考核结果_*.xlsx")))["数据质量"]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "三、各领域数据（2022 年）" in cells and "无数据（本方案不读取）" in cells
    from docx import Document

    text = "\n".join(p.text for p in Document(next(office.glob("考核通报_*.docx"))).paragraphs)
    assert "本年度无空气质量数据" in text and "本年度无地表水数据" in text
    from pipelines.publish.coverage import coverage_line  # the line `ecoscore run` prints

    assert coverage_line(release(run), 2022).startswith(
        "数据 data 2022 年：空气质量 无数据 · 地表水 无数据 · 台账 有数据")
