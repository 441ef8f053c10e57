"""What-if scenarios: re-score in a scratch copy of the writer's warehouse, never touching
published results.

A scenario changes inputs at the layer where a person thinks about them, then re-runs only the
dbt models downstream of what changed:
- `air.<pollutant>.<period>=<value>`: the unit's daily concentration of that pollutant is set to
  <value> on every day of the period (YYYY, YYYY-MM or YYYY-MM-DD) in `int_air__unit_daily`, so
  "December PM2.5 averages 30" is read as every December day at 30; AQI, ratios, means and
  scores follow from the models.
- `--excuse LEDGER_ROW_ID`: that ledger event becomes excused (经核实剔除) in `int_ledgers__events`.
Scenarios are small YAML files ({year, unit, set: {key: value}, excuse: [ids]}) to share."""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from pipelines.lib import dbt_launcher
from pipelines.lib.console import stage
from pipelines.lib.files import read_yaml
from pipelines.lib.names import Choice, UnknownNameError, resolve
from pipelines.lib.settings import Settings
from pipelines.lib.warehouse import snapshot

AIR_POLLUTANTS = {"pm2_5": "pm2_5_24h", "pm10": "pm10_24h", "so2": "so2_24h", "no2": "no2_24h",
                  "co": "co_24h", "o3_1h": "o3_1h_max", "o3_8h": "o3_8h_max"}
SET_PATTERN = re.compile(r"^air\.(?P<pollutant>[a-z0-9_]+)\.(?P<period>\d{4}(-\d{2}(-\d{2})?)?)$")


class ScenarioError(ValueError):
    """A scenario cannot be applied; the message says which setting and why."""


@dataclass
class Scenario:
    year: int
    unit: str
    settings: dict[str, float] = field(default_factory=dict)
    excused: list[str] = field(default_factory=list)

    @classmethod
    def from_yaml(cls, path: Path) -> Scenario:
        body = read_yaml(path) or {}
        missing = [k for k in ("year", "unit") if k not in body]
        if missing:
            raise ScenarioError(f"{path}: 缺少 {', '.join(missing)}")
        return cls(year=int(body["year"]), unit=str(body["unit"]),
                   settings={str(k): float(v) for k, v in (body.get("set") or {}).items()},
                   excused=[str(x) for x in body.get("excuse") or []])


def parse_setting(text: str) -> tuple[str, float]:
    """'air.pm2_5.2024-12=30' → ('air.pm2_5.2024-12', 30.0)."""
    key, sep, value = text.partition("=")
    try:
        return key.strip(), float(value)
    except ValueError as err:
        raise ScenarioError(f"--set {text}: 应为 key=数值 (expected key=number)") from err if sep else err


def _air_override(con: duckdb.DuckDBPyConnection, unit: str, key: str, value: float) -> int:
    match = SET_PATTERN.match(key)
    if not match or match["pollutant"] not in AIR_POLLUTANTS:
        raise ScenarioError(
            f"{key}: 无法识别。格式 air.<污染物>.<YYYY|YYYY-MM|YYYY-MM-DD>，污染物: "
            f"{', '.join(AIR_POLLUTANTS)}")
    column, period = AIR_POLLUTANTS[match["pollutant"]], match["period"]
    fmt = {4: "%Y", 7: "%Y-%m", 10: "%Y-%m-%d"}[len(period)]
    return con.execute(
        f"update intermediate.int_air__unit_daily set {column} = ? "
        f"where unit_code = ? and strftime(obs_date, '{fmt}') = ? returning 1",
        [value, unit, period]).fetchall().__len__()


def _excuse(con: duckdb.DuckDBPyConnection, ledger_row_id: str) -> None:
    changed = con.execute(
        "update intermediate.int_ledgers__events set status = 'excused', "
        "approval_ref = coalesce(approval_ref, '情景分析') where ledger_row_id = ? returning 1",
        [ledger_row_id]).fetchall()
    if not changed:
        raise ScenarioError(f"--excuse {ledger_row_id}: 台账中没有这一行 (no such ledger row)")


def apply_scenario(db: Path, scenario: Scenario) -> list[str]:
    """Write the scenario's changes into the scratch warehouse; returns the changed models."""
    changed: list[str] = []
    con = duckdb.connect(str(db))
    try:
        for key, value in scenario.settings.items():
            if _air_override(con, scenario.unit, key, value) == 0:
                raise ScenarioError(f"{key}: {scenario.unit} 在该时段没有数据")
            changed.append("int_air__unit_daily")
        for row_id in scenario.excused:
            _excuse(con, row_id)
            changed.append("int_ledgers__events")
    finally:
        con.close()
    return sorted(set(changed))


def rerun_downstream(db: Path, models: list[str], year: int, workdir: Path) -> None:
    """dbt run of every model strictly downstream of the changed ones, on the scratch copy."""
    selection = [f"{m}+" for m in models]
    dbt_launcher.invoke(["run", "--select", *selection, "--exclude", *models], warehouse=db,
                        target_path=workdir / "target", vars={"year": year})


def models_rebuilt(workdir: Path) -> str:
    """'12 个模型 models' from dbt's run_results.json of the re-run (for the console)."""
    try:
        results = json.loads((workdir / "target" / "run_results.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    return f"{len(results.get('results', []))} 个模型 models"


def read_scores(db: Path, year: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        items = con.sql(f"select * from marts.fct_unit_item_scores where scheme_year = {year}").pl()
        units = con.sql(f"select * from marts.fct_unit_scores where scheme_year = {year}").pl()
    finally:
        con.close()
    return items, units


def run_scenario(settings: Settings, scenario: Scenario) -> dict[str, pl.DataFrame]:
    """Before/after item scores of the unit and the ranking, from a scratch re-score."""
    # the scenario year's own release (data/marts/<year>/current), else the newest year's
    release = settings.year_release(scenario.year)
    live = (release if release.exists() else settings.current_release) / "ecoscore.duckdb"
    if not live.exists():
        raise FileNotFoundError(f"{live}: 尚无已发布的数仓，请先运行 ecoscore run")
    published_items, published_units = read_scores(live, scenario.year)
    units = [Choice(code, name) for code, name in
             published_units.select("unit_code", "unit_name").unique().iter_rows()]
    try:  # the code or the Chinese name
        scenario.unit = resolve(scenario.unit, units, "unit")
    except UnknownNameError as err:
        raise ScenarioError(f"{scenario.year} 年考核单位: {err}") from None
    with tempfile.TemporaryDirectory() as scratch:
        db = Path(scratch) / "whatif.duckdb"
        with stage("scenario") as said:
            # the published copy holds the marts only (issue 31): the scenario changes the
            # intermediate models of a snapshot of the writer's warehouse, before and after alike
            snapshot(settings, db)
            before_items, before_units = read_scores(db, scenario.year)
            models = apply_scenario(db, scenario)
            said.note = f"改动 changed {', '.join(models) or '—'}"
        if models:
            with stage("models") as said:
                rerun_downstream(db, models, scenario.year, Path(scratch))
                said.note = models_rebuilt(Path(scratch))
        after_items, after_units = read_scores(db, scenario.year)
    keys = ["scheme_code", "unit_code", "item_code"]
    items = (before_items.select(*keys, "item_name", pl.col("score").alias("score_before"))
             .join(after_items.select(*keys, pl.col("score").alias("score_after")), on=keys)
             .filter(pl.col("unit_code") == scenario.unit)
             .with_columns((pl.col("score_after") - pl.col("score_before")).alias("change"))
             .sort(keys))
    ukeys = ["scheme_code", "unit_code"]
    ranking = (before_units.select(*ukeys, "unit_name", pl.col("total_score").alias("total_before"),
                                   pl.col("score_rank").alias("rank_before"))
               .join(after_units.select(*ukeys, pl.col("total_score").alias("total_after"),
                                        pl.col("score_rank").alias("rank_after")), on=ukeys)
               .sort("scheme_code", "rank_after", nulls_last=True))
    return {"items": items, "ranking": ranking}


def format_report(scenario: Scenario, result: dict[str, pl.DataFrame]) -> str:
    from pipelines.lib.console import table  # columns aligned by display width (Chinese names)

    lines = [f"情景分析 what-if — {scenario.unit} {scenario.year}",
             *(f"  设定 set {k} = {v:g}" for k, v in scenario.settings.items()),
             *(f"  剔除 excuse {x}" for x in scenario.excused), ""]
    lines += table(["方案", "指标", "指标名称", "原得分", "情景得分", "变化"],
                   [[r["scheme_code"], r["item_code"], r["item_name"][:16], f"{float(r['score_before']):.2f}",
                     f"{float(r['score_after']):.2f}", f"{float(r['change']):+.2f}"]
                    for r in result["items"].iter_rows(named=True)], "lllrrr")
    rows = []
    for r in result["ranking"].iter_rows(named=True):
        mark = "←" if r["unit_code"] == scenario.unit else ""
        # a unit with most of its items missing has no rank (数据缺失，不排名): shown as —
        before, after = (("—" if r[k] is None else r[k]) for k in ("rank_before", "rank_after"))
        rows.append([r["scheme_code"], r["unit_name"], f"{float(r['total_before']):.2f}", before,
                     f"{float(r['total_after']):.2f}", after, mark])
    lines += ["", *table(["方案", "单位", "原总分", "原排名", "情景总分", "情景排名", ""], rows, "llrrrrl")]
    return "\n".join(lines)
