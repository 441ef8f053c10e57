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

