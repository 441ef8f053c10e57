"""Issue 16: a ledger row belongs to the year of its scheme. In January the closing year and the
new one are both scored from the same ledger folder: a row naming the other year's scheme is that
year's run's business (counted, neither used nor quarantined). Issue 31: a row without a scheme
dated outside the assessment year is quarantined (never handed to another year on its date
alone: that dropped a 2024 notice dated 2023-12-20 and raised the unit's score).
`ledger-check` works in a scratch copy, never the live warehouse."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.lib.settings import Settings

HEADER = ("scheme_code,unit_code,item_code,event_date,event_kind,quantity,status,evidence_ref,"
          "description\n")
ROWS = [
    # dated in a year with a scheme (fangchenggang_2022) but naming none: quarantined here
    ",lingshan,2.2,2022-05-01,fire_point,1,confirmed,HD-2022-1,2022 年的火点",
    "fangchenggang_2022,sthjj,3,2022-06-01,notice,1,confirmed,TB-2022-1,2022 年方案的通报",
    # no scheme of 2021: outside the assessment year, quarantined as before
    ",lingshan,2.2,2021-05-01,fire_point,1,confirmed,HD-2021-1,无方案年度的火点",
    # this year's row loads
    "qinzhou_2024,lingshan,2.2,2024-05-01,fire_point,1,confirmed,HD-2024-T1,本年度的火点",
]
FILE = "ledgers/跨年度/fire.csv"


@pytest.mark.e2e  # runs dbt (the pipeline's ledger/as-of path)
def test_rows_naming_another_years_scheme_are_counted_others_outside_it_quarantined(
        data_settings: Settings):
    from pipelines.ledgers.check import check_ledgers

    path = data_settings.raw_dir / FILE
    path.parent.mkdir(parents=True)
    path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    result = check_ledgers(data_settings, 2024)
    report = result["files"].filter(pl.col("source_file") == FILE).row(0, named=True)
    assert (report["rows_read"], report["rows_loaded"], report["rows_quarantined"],
            report["rows_other_year"]) == (4, 1, 2, 1)
    quarantined = result["quarantine"].filter(pl.col("source_file") == FILE)
    assert quarantined["source_row"].to_list() == [2, 4]
    assert all(r.startswith("日期不在考核年度 2024 年") for r in quarantined["reason"])
    # the sample's own 2024 rows are all this year's; its 2023 rows (qinzhou_2023) are 2023's
    sample = result["files"].filter(pl.col("source_file").str.contains("sample/.*_2024_"))
    assert sample["rows_other_year"].sum() == 0
    prior = result["files"].filter(pl.col("source_file").str.contains("sample/qinzhou_2023_"))
    assert prior.height == 6 and (prior["rows_other_year"] == prior["rows_read"]).all()
    assert prior["rows_quarantined"].sum() == 0
    # checked in a scratch copy: the live warehouse was never created, the scratch is gone
    assert not data_settings.warehouse_path.exists()
    assert not list((data_settings.data_dir / "scratch").glob("ledger-check-*"))
