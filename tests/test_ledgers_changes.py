"""Changed ledger files (issue 6, build 6): a new or edited file is re-read alone (by content
hash); rows of a removed file disappear on the next run; the report says which files changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.ledgers import ingest
from pipelines.lib.settings import Settings

HEADER = "unit_code,item_code,event_date,event_kind,evidence_ref\n"


def write(path: Path, *rows: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    raw = tmp_path / "data" / "raw" / "ledgers"
    write(raw / "a.csv", "lingshan,1.1,2024-03-05,fire_point,HD-1")
    write(raw / "b.csv", "pubei,1.1,2024-03-06,fire_point,HD-2")
    write(raw / "c.csv", "qinnan,1.1,2024-03-07,fire_point,HD-3")
    return Settings(data_dir=tmp_path / "data")


def test_the_first_run_reads_every_file_as_new(settings):
    report = ingest.ingest_ledgers(settings)
    assert report.new == ["ledgers/a.csv", "ledgers/b.csv", "ledgers/c.csv"]
    assert report.rows.height == 3


def test_only_the_edited_file_is_read_again(settings, monkeypatch):
    ingest.ingest_ledgers(settings)
    write(settings.raw_dir / "ledgers" / "b.csv", "pubei,1.1,2024-03-06,fire_point,HD-2",
          "pubei,1.1,2024-03-08,fire_point,HD-4")
    read = []
    original = ingest.read_ledger_file
    monkeypatch.setattr(ingest, "read_ledger_file",
                        lambda path, label, digest: read.append(label) or original(path, label, digest))
    report = ingest.ingest_ledgers(settings)
    assert read == ["ledgers/b.csv"]
    assert (report.new, report.changed, report.unchanged) == ([], ["ledgers/b.csv"],
                                                              ["ledgers/a.csv", "ledgers/c.csv"])
    assert report.rows.height == 4


def test_rows_of_a_removed_file_disappear(settings):
    ingest.ingest_ledgers(settings)
    (settings.raw_dir / "ledgers" / "c.csv").unlink()
    report = ingest.ingest_ledgers(settings)
    assert report.removed == ["ledgers/c.csv"]
    assert sorted(report.rows["source_file"].unique().to_list()) == ["ledgers/a.csv", "ledgers/b.csv"]


def test_row_ids_are_stable_across_runs(settings):
    first = ingest.ingest_ledgers(settings).rows["ledger_row_id"].sort().to_list()
    (settings.raw_dir / "ledgers" / "a.csv").touch()
    assert ingest.ingest_ledgers(settings).rows["ledger_row_id"].sort().to_list() == first


def test_the_file_table_says_new_changed_or_unchanged(settings):
    ingest.ingest_ledgers(settings)
    write(settings.raw_dir / "ledgers" / "a.csv", "lingshan,1.1,2024-03-09,fire_point,HD-9")
    write(settings.raw_dir / "ledgers" / "d.csv", "qinbei,1.1,2024-03-07,fire_point,HD-5")
    files = ingest.ingest_ledgers(settings).files
    assert dict(files.select("source_file", "change").iter_rows()) == {
        "ledgers/a.csv": "changed", "ledgers/b.csv": "unchanged", "ledgers/c.csv": "unchanged",
        "ledgers/d.csv": "new"}
