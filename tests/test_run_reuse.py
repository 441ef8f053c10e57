"""`ecoscore run` when nothing changed (issue 19 part 3, `make demo` with a warm cache): a plain
run whose year was last published by `ecoscore run` from the same raw files, code, settings and
Beijing date computes nothing again and shows the published scores; any change computes again."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from pipelines import cli, run
from pipelines.lib.settings import Settings


def publish(settings: Settings, run_id: str, year: int = 2024) -> None:
    """A live release of `year` as the publish step leaves it: releases/<id>/release.json and the
    year's `current` link."""
    release = settings.marts_dir / "releases" / run_id
    release.mkdir(parents=True)
    (release / "release.json").write_text(json.dumps({"run_id": run_id, "year": year}),
                                          encoding="utf-8")
    link = settings.marts_dir / str(year) / "current"
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.is_symlink():
        link.unlink()
    link.symlink_to(Path("..") / "releases" / run_id)


def test_same_inputs_reuse_and_any_change_computes_again(data_settings: Settings,
                                                         monkeypatch: pytest.MonkeyPatch):
    publish(data_settings, "r1")
    first = run.run_fingerprint(data_settings, 2024, "")
    run.remember_run(data_settings, 2024, first, "r1")
    assert run.up_to_date_release(data_settings, 2024, run.run_fingerprint(data_settings, 2024, "")) == "r1"
    assert run.run_fingerprint(data_settings, 2023, "") != first  # another year
    ledger = next((data_settings.raw_dir / "ledgers").rglob("*.csv"))
    ledger.write_text(ledger.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # one byte more
    assert run.up_to_date_release(data_settings, 2024, run.run_fingerprint(data_settings, 2024, "")) is None
    # the next day (overdue duties and open years follow the Beijing date)
    today = run.run_fingerprint(data_settings, 2024, "")
    monkeypatch.setattr("pipelines.lib.calendar.beijing_date", lambda now=None: dt.date(2030, 1, 2))
    assert run.run_fingerprint(data_settings, 2024, "") != today


def test_a_later_publish_by_another_way_of_running_is_not_reused(data_settings: Settings):
    publish(data_settings, "r1")
    fingerprint = run.run_fingerprint(data_settings, 2024, "")
    run.remember_run(data_settings, 2024, fingerprint, "r1")
    publish(data_settings, "r2")  # the nightly schedule or the UI published since
    assert run.up_to_date_release(data_settings, 2024, fingerprint) is None


def test_the_command_reuses_and_force_computes(data_settings: Settings,
                                               monkeypatch: pytest.MonkeyPatch, capsys):
    publish(data_settings, "r1")
    run.remember_run(data_settings, 2024, run.run_fingerprint(data_settings, 2024, ""), "r1")
    computed = []

    def fake_run(settings, year, as_of, months, full_refresh, reopen_reason, month_ends=""):
        computed.append(year)
        return 1, None, "stopped here"

    monkeypatch.setattr(cli, "run_guarded", fake_run)
    monkeypatch.setattr(cli, "report_run", lambda *args: None)
    monkeypatch.setattr(cli, "print_summary", lambda *args: print("SUMMARY"))
    assert cli.main(["run", "--year", "2024"]) == 0 and computed == []
    out = capsys.readouterr().out
    assert "2024 年结果已是最新 (up to date)" in out and "r1" in out and "SUMMARY" in out
    assert cli.main(["run", "--year", "2024", "--force"]) == 1 and computed == [2024]
    assert cli.main(["run", "--year", "2024", "--as-of", "2024-09-30"]) == 1 and computed == [2024, 2024]


def test_a_symlink_loop_in_raw_is_walked_once(data_settings: Settings):
    """A folder linked back up the tree (raw/ledgers/again → raw/) would make a walk that follows
    links (a shard's raw/ links to shared feeds) go round for ever; each folder counts once."""
    first = run.run_fingerprint(data_settings, 2024, "")
    (data_settings.raw_dir / "ledgers" / "again").symlink_to(data_settings.raw_dir, target_is_directory=True)
    files = run._tree_files(data_settings.raw_dir)
    assert len(files) == len(set(files)) and not any("again" in p.parts for p in files)
    assert run.run_fingerprint(data_settings, 2024, "") == first  # nothing new to read
