"""Finalised years (定稿): `ecoscore finalize --year Y` freezes the year's live release.

The record `data/marts/<year>/final.json` holds who, when and why, the release (run id) and a
manifest of every file in it with its SHA-256; `data/marts/<year>/history.jsonl` keeps every
finalisation and reopening. A finalised year is left alone: the nightly schedule and the ledger
sensor request no run for it, and a run that would publish it fails before switching anything
unless it is reopened (`ecoscore run --year Y --reopen --reason "…"`), which is recorded and
makes the year preliminary (初步) again until it is finalised anew."""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path

from pipelines.lib.settings import Settings
from pipelines.publish.release import final_record, live_release

FINAL_FILE = "final.json"
HISTORY_FILE = "history.jsonl"
PRELIMINARY = "初步"
FINAL = "定稿"


class FinalisedYearError(RuntimeError):
    """A finalised year would change (or cannot be finalised); the message says what to do."""


def who() -> str:
    """The person acting: ECOSCORE_USER, else the login name."""
    return os.environ.get("ECOSCORE_USER") or getpass.getuser()


def file_manifest(release: Path) -> dict[str, str]:
    """{path inside the release: sha256} of every file in it."""
    return {str(p.relative_to(release)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(release.rglob("*")) if p.is_file()}


def append_history(settings: Settings, year: int, entry: dict) -> None:
    path = settings.year_dir(year) / HISTORY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False) + "\n")


def status_zh(settings: Settings, year: int, reopen_reason: str = "") -> str:
    """What the dashboard says about the year: 初步 (preliminary) or 定稿 (final)."""
    record = final_record(settings, year)
    if record is not None and not reopen_reason:
        return (f"{FINAL}（{record['finalised_at'][:10]} 由 {record['finalised_by']} 定稿："
                f"{record['reason']}）")
    if reopen_reason:
        return f"{PRELIMINARY}（定稿后重新打开：{reopen_reason}；以再次定稿为准）"
    return f"{PRELIMINARY}（数据仍在更新，以定稿为准）"


def finalize(settings: Settings, year: int, reason: str, by: str | None = None,
             rebuild_dashboard=None) -> dict:
    """Freeze the year's live release; returns the record written. `rebuild_dashboard(status)`
    redraws the release's dashboard with the 定稿 status before the files are hashed."""
    release = live_release(settings, year)
    if release is None:
        raise FinalisedYearError(f"{year} 年尚无已发布的结果，无法定稿（先运行 ecoscore run --year {year}）")
    existing = final_record(settings, year)
    if existing is not None:
        raise FinalisedYearError(f"{year} 年已于 {existing['finalised_at']} 由 "
                                 f"{existing['finalised_by']} 定稿（{existing['run_id']}）")
    if not reason.strip():
        raise FinalisedYearError("定稿须写明理由 (--reason)")
    record = {"year": year, "run_id": release.name, "finalised_at": datetime.now(UTC).isoformat(),
              "finalised_by": by or who(), "reason": reason.strip()}
    if rebuild_dashboard is not None:
        rebuild_dashboard(f"{FINAL}（{record['finalised_at'][:10]} 由 {record['finalised_by']} "
                          f"定稿：{record['reason']}）")
    record["manifest"] = file_manifest(release)
    path = settings.year_dir(year) / FINAL_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path)
    append_history(settings, year, {k: v for k, v in record.items() if k != "manifest"}
                   | {"action": "finalise", "files": len(record["manifest"])})
    return record


def verify(settings: Settings, year: int) -> list[str]:
    """Files of the finalised release that differ from its manifest (empty: intact)."""
    record = final_record(settings, year)
    if record is None:
        return []
    release = settings.releases_dir / record["run_id"]
    now = file_manifest(release) if release.exists() else {}
    return sorted(name for name in set(record["manifest"]) | set(now)
                  if record["manifest"].get(name) != now.get(name))


def guard_publish(settings: Settings, year: int, reopen: bool, reason: str) -> None:
    """Before a run publishes `year`: a finalised year is published only when reopened with a
    reason."""
    record = final_record(settings, year)
    if record is None:
        return
    if not reopen:
        raise FinalisedYearError(
            f"{year} 年已定稿（{record['finalised_at'][:10]}，{record['finalised_by']}："
            f"{record['reason']}），本次运行不发布。如须改动："
            f"ecoscore run --year {year} --reopen --reason \"…\"")
    if not reason.strip():
        raise FinalisedYearError(f"重新打开 {year} 年的定稿须写明理由 (--reason)")


def record_reopen(settings: Settings, year: int, reason: str, run_id: str) -> None:
    """After a reopened run published `year`: the finalisation is lifted and recorded."""
    record = final_record(settings, year)
    if record is None:
        return
    append_history(settings, year, {"action": "reopen", "year": year, "run_id": run_id,
                                    "reopened_at": datetime.now(UTC).isoformat(),
                                    "reopened_by": who(), "reason": reason.strip(),
                                    "finalised_run_id": record["run_id"]})
    (settings.year_dir(year) / FINAL_FILE).unlink()
