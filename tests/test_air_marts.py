"""The air marts of the bundled 钦州 2024 sample (one pipeline run per session)."""

from __future__ import annotations


def test_station_outlier_days_are_the_sample_days_of_3102a(live_db) -> None:
    """seed 001 item 5(1)⑤: 3102A runs ~7 % above the other central stations on four PM days;
    each is one outlier day charged to the station's district (钦南区)."""
    days = live_db.execute("""
        select distinct obs_date::varchar from marts.fct_air_station_outlier_days
        where station_code = '3102A' and pollutant = 'PM2.5' and year(obs_date) = 2024
        order by 1""").fetchall()
    assert [d[0] for d in days] == ["2024-01-17", "2024-02-12", "2024-12-19", "2024-12-20"]
    district = live_db.execute("""select distinct district_unit_code
        from marts.fct_air_station_outlier_days where station_code = '3102A'""").fetchall()
    assert district == [("qinnan",)]


def test_fireworks_measure_covers_the_twelve_hours_of_chuxi(live_db) -> None:
    """seed 001 item 5(11)①: 除夕 2024-02-09 19:00 … 初一 06:00 = 12 hourly values."""
    rows = live_db.execute("""select n_hours_expected, window_start::varchar
        from marts.fct_air_event_window_means where unit_code = 'qinnan' and event_year = 2024""").fetchall()
    assert rows == [(12, "2024-02-09 19:00:00")]
    n = live_db.execute("""select count(*) from marts.fct_air_unit_measures
        where measure_code = 'air.fireworks_pm2_5_mean'""").fetchone()[0]
    assert n >= 5


def test_every_month_of_the_five_units_has_its_validity_flag(live_db) -> None:
    """GB 3095-2012 表4: 27 daily values a month, 25 in February."""
    rows = live_db.execute("""select count(*), count(distinct unit_code),
        bool_and(min_days = case when obs_month = 2 then 25 else 27 end)
        from marts.fct_air_unit_monthly
        where unit_code in ('qinnan', 'qinbei', 'lingshan', 'pubei', 'zhongma')
        and obs_year = 2024""").fetchone()
    assert rows == (60, 5, True)


def test_target_gap_has_a_requirement_or_a_reason_for_every_target(live_db) -> None:
    """Issue 3 item 4: each unit and air target gets what the rest of the year needs, or null
    with a reason."""
    bad = live_db.execute("""select count(*) from marts.fct_air_target_gap
        where (requirement is null) = (reason is null)""").fetchone()[0]
    assert bad == 0
