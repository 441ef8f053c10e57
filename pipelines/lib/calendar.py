"""The assessment calendar: which year(s) a run scores, from the date in Beijing time.

An assessment year is scored all year long (初步, preliminary) and is still open in January of
the next year, when its December data and ledgers are still arriving; the deployment says until
when (ECOSCORE_CLOSE_BY, month-day, default 01-31). From then on, or once the year is finalised
(`ecoscore finalize`, 定稿), only the new year is scored. Nothing here names a year."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable
from pathlib import Path

import yaml

from pipelines.lib.files import read_yaml
from pipelines.lib.settings import Settings

BEIJING = dt.timezone(dt.timedelta(hours=8))
CLOSE_BY_ENV = "ECOSCORE_CLOSE_BY"
DEFAULT_CLOSE_BY = "01-31"


class CalendarError(ValueError):
    """A calendar setting that cannot be read."""


def beijing_date(now: dt.datetime | None = None) -> dt.date:
    """The calendar date in Beijing at `now` (a naive datetime is taken as UTC)."""
    now = now or dt.datetime.now(dt.UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    return now.astimezone(BEIJING).date()


def close_by(year: int, setting: str | None = None) -> dt.date:
    """The last day (inclusive) on which the year before `year` is still scored nightly:
    ECOSCORE_CLOSE_BY as MM-DD in January of `year` (default 01-31)."""
    text = (setting if setting is not None else os.environ.get(CLOSE_BY_ENV, "")).strip()
    text = text or DEFAULT_CLOSE_BY
    try:
        month, day = (int(part) for part in text.split("-"))
        closing = dt.date(year, month, day)
    except ValueError as err:
        raise CalendarError(f"{CLOSE_BY_ENV}={text!r}: 应为 MM-DD（如 01-31），一月内的日期"
                            " (expected MM-DD in January)") from err
    if month != 1:
        raise CalendarError(f"{CLOSE_BY_ENV}={text!r}: 上年度收尾截止日应在一月 (must be in January)")
    return closing


def current_year(now: dt.datetime | None = None) -> int:
    """The newest assessment year at `now`: the calendar year in Beijing."""
    return beijing_date(now).year


def open_years(now: dt.datetime | None = None, finalised: Iterable[int] = (),
               setting: str | None = None) -> list[int]:
    """The years a nightly run at `now` scores, oldest first: the current year, and in January
    up to the close-by date also the closing year, unless it is finalised."""
    today = beijing_date(now)
    done = set(finalised)
    years = [today.year - 1] if today <= close_by(today.year, setting) else []
    years.append(today.year)
    return [y for y in years if y not in done]


def final_record(settings: Settings, year: int) -> dict | None:
    """The 定稿 record of a finalised year (data/marts/<year>/final.json), else None."""
    path = settings.year_dir(year) / "final.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def finalised_years(settings: Settings) -> list[int]:
    if not settings.marts_dir.exists():
        return []
    return sorted(int(p.parent.name) for p in settings.marts_dir.glob("*/final.json")
                  if p.parent.name.isdigit())



class RunYearError(RuntimeError):
    """A run started without a year (the UI) cannot derive one; the message says why and what
    to set."""


def scheme_years(schemes_dir: Path) -> list[int]:
    """The years of the scheme files (scheme/year), read without validating them (the scoring
    domain validates when it loads a year's schemes)."""
    years = set()
    for path in sorted(schemes_dir.glob("*.y*ml")):
        try:
            body = read_yaml(path) or {}
            years.add(int(body["scheme"]["year"]))
        except (yaml.YAMLError, KeyError, TypeError, ValueError):
            continue  # an unreadable file is reported by the run that loads it
    return sorted(years)


def derive_run_year(settings: Settings, now: dt.datetime | None = None) -> int:
    """The year of a run started without one (the Dagster UI), as the nightly schedule derives
    it: the open years at `now` (Beijing time), finalised ones left out. Exactly one open year
    with a scheme file → that year; otherwise RunYearError naming the years, the missing scheme
    and the run config to set."""
    today = beijing_date(now)
    years = open_years(now, finalised=finalised_years(settings))
    config = "在 Launchpad 的运行配置中设置 resources: {run: {config: {year: <年度>}}}"
    if not years:
        raise RunYearError(f"未指定考核年度的运行：{today} 开放的考核年度均已定稿，没有可运行的年度"
                           f"（{config}，定稿年度须加 reopen/reopen_reason）")
    if len(years) > 1:
        each = "；".join(f"resources: {{run: {{config: {{year: {y}}}}}}}" for y in years)
        raise RunYearError(f"未指定考核年度的运行：{today} 同时开放 {len(years)} 个考核年度 "
                           f"{'、'.join(map(str, years))}（一月份，夜间调度各运行一次）；一次运行只评一个"
                           f"年度，请分别设置：{each}")
    year = years[0]
    schemes_dir = settings.raw_dir / "schemes"
    have = scheme_years(schemes_dir)
    if year not in have:
        listed = "、".join(map(str, have)) or "无"
        raise RunYearError(f"未指定考核年度的运行：按夜间调度的规则，{today} 开放的考核年度为 {year}，"
                           f"但 {schemes_dir} 中没有 {year} 年的考核方案文件（已有方案的年度：{listed}）。"
                           f"请添加 {year} 年的方案，或{config}")
    return year
