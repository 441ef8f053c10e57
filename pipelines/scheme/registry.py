"""The registries that make the contract between schemes and data: every measure a scheme can
read (`dbt_project/seeds/registry/registry_measures.csv`) and every ledger event kind
(`dbt_project/seeds/registry/registry_event_kinds.csv`). They are dbt seeds, so the warehouse,
the data dictionary and scheme validation read the same rows."""

from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipelines.lib.settings import DBT_PROJECT_DIR

REGISTRY_DIR = DBT_PROJECT_DIR / "seeds" / "registry"
MEASURES_CSV = REGISTRY_DIR / "registry_measures.csv"
EVENT_KINDS_CSV = REGISTRY_DIR / "registry_event_kinds.csv"
LEDGER_RANGES_CSV = REGISTRY_DIR / "registry_ledger_ranges.csv"


@dataclass(frozen=True)
class Measure:
    code: str
    domain: str  # air, water, ecology (published values only), ledger
    producing_model: str  # the dbt model (or raw input) that produces it
    unit_zh: str
    label_zh: str
    grain: str
    event_kinds: tuple[str, ...]  # ledger measures: the event kinds they are computed from


@dataclass(frozen=True)
class EventKindRow:
    code: str
    label_zh: str
    ledger: str
    deduction: bool


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def measures() -> dict[str, Measure]:
    return {r["measure_code"]: Measure(
        code=r["measure_code"], domain=r["domain"], producing_model=r["producing_model"],
        unit_zh=r["unit_zh"], label_zh=r["label_zh"], grain=r["grain"],
        event_kinds=tuple(k for k in r["event_kinds"].split("|") if k))
        for r in _rows(MEASURES_CSV)}


@cache
def event_kinds() -> dict[str, EventKindRow]:
    return {r["event_kind"]: EventKindRow(code=r["event_kind"], label_zh=r["label_zh"],
                                          ledger=r["ledger_kind"],
                                          deduction=r["is_deduction"].strip().lower() == "true")
            for r in _rows(EVENT_KINDS_CSV)}


def nearest(code: str, candidates: list[str] | set[str]) -> str | None:
    """The closest valid code to a misspelt one (air.pm25_annual_mean → air.pm2_5_annual_mean)."""
    found = difflib.get_close_matches(code, sorted(candidates), n=1, cutoff=0.6)
    return found[0] if found else None


def did_you_mean(code: str, candidates: list[str] | set[str]) -> str:
    """「，是否应为 X？」 or nothing, for an error message."""
    best = nearest(code, candidates)
    return f"，是否应为 {best}？" if best else ""


@cache
def ledger_units() -> dict[tuple[str, str], str]:
    """{(event kind, amount | quantity): the unit its ledger column states} — the template's
    headers (金额（万元）, 数量（处）); the ranges themselves are checked in dbt
    (int_ledgers__row_problems)."""
    return {(r["event_kind"], r["value_column"]): r["unit_zh"] for r in _rows(LEDGER_RANGES_CSV)}
