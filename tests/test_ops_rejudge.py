"""Issue 15 part 2, incremental runs: a station-month's wrong-unit judgement reads the station's
other months, so a run can change the judgement of a month outside its window; the air asset
then rebuilds that month (pipelines/dbt/assets.py::months_to_rejudge)."""

from __future__ import annotations

import datetime as dt

from pipelines.dbt.assets import month_end, months_to_rejudge

MARCH = (dt.date(2024, 2, 29), dt.date(2024, 3, 31))  # a run of March: its days plus one before


def test_a_judgement_changed_outside_the_window_rebuilds_that_month():
    applied = {("3108A", dt.date(2024, 1, 1), "pm10")}
    current = {("3108A", dt.date(2024, 3, 1), "pm10"), ("3108A", dt.date(2024, 5, 1), "pm2_5")}
    # January lifted and May raised by March's data; March itself is rebuilt by the run
    assert months_to_rejudge(current, applied, MARCH) == (dt.date(2024, 1, 1), dt.date(2024, 5, 31))


def test_judgements_unchanged_or_inside_the_window_rebuild_nothing():
    same = {("3106A", dt.date(2024, 4, 1), "pm2_5")}
    assert months_to_rejudge(same, same, MARCH) is None
    assert months_to_rejudge({("3106A", dt.date(2024, 3, 1), "pm2_5")}, set(), MARCH) is None


def test_month_end_of_february_in_a_leap_year():
    assert month_end(dt.date(2024, 2, 1)) == dt.date(2024, 2, 29)
    assert month_end(dt.date(2024, 12, 1)) == dt.date(2024, 12, 31)
