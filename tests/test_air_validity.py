"""Air validity rules on the sample's designed station-days (sample/air.py OUTAGES):
on 2024-09-10 灵山县's station 3104A keeps exactly 20 valid hours and 3105A exactly 19.
GB 3095-2012 表4 (2018 amendment) / HJ 663-2013 §4: a 24-hour mean needs 20 valid hours, a
day's maximum 8-hour O3 needs 14 valid 8-hour windows. The edge cases themselves are dbt unit
tests beside the models (models/intermediate/air/_air__models.yml); these check that the
sample's real rows go through the same rules end to end."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

DAY = "2024-09-10"


def station_day(live_db, station: str, day: str) -> dict:
    cur = live_db.execute("select * from intermediate.int_air__station_daily "
                          "where station_code = ? and obs_date = ?::date", [station, day])
    return dict(zip([d[0] for d in cur.description], cur.fetchone(), strict=True))


def unit_day(live_db, unit: str, day: str) -> dict:
    cur = live_db.execute("select * from intermediate.int_air__unit_daily "
                          "where unit_code = ? and obs_date = ?::date", [unit, day])
    return dict(zip([d[0] for d in cur.description], cur.fetchone(), strict=True))


def test_a_station_day_with_exactly_20_valid_hours_has_a_24h_mean(live_db):
    # GB 3095-2012 表4: "每日至少有20个小时平均浓度值"
    row = station_day(live_db, "3104A", DAY)
    assert row["pm2_5_hours"] == 20
    assert row["pm2_5_24h"] is not None


def test_a_station_day_with_19_valid_hours_has_no_24h_mean(live_db):
    row = station_day(live_db, "3105A", DAY)
    assert row["pm2_5_hours"] == 19
    assert row["pm2_5_24h"] is None
    assert row["o3_1h_max"] is None  # the day's max 1-hour O3 follows the same 20-hour rule


def test_a_day_with_fewer_than_14_valid_8h_windows_has_no_max_8h(live_db):
    # HJ 663-2013 §4 / GB 3095-2012 表4: 14 valid 8-hour means among those ending 08:00–24:00
    row = station_day(live_db, "3104A", DAY)
    assert row["o3_8h_windows"] < 14
    assert row["o3_8h_max"] is None


def test_the_unit_mean_leaves_out_the_invalid_station_and_rounds_half_even(live_db):
    # SPEC §2.2: the unit's value is the mean over its stations with a valid daily value;
    # GB/T 8170 (as HJ 663 requires): rounded half to even before the IAQI lookup
    station = station_day(live_db, "3104A", DAY)
    unit = unit_day(live_db, "lingshan", DAY)
    assert unit["n_stations_reporting"] == 2
    assert unit["pm2_5_24h_stations"] == 1
    expected = Decimal(str(station["pm2_5_24h"])).quantize(Decimal("1"), rounding=ROUND_HALF_EVEN)
    assert unit["pm2_5_24h"] == expected


def test_a_day_without_a_valid_max_8h_o3_is_not_a_valid_day(live_db):
    # a valid day needs all seven daily values, each valid under its own rule
    day = live_db.execute("select is_valid_day, o3_8h_max from marts.fct_air_unit_daily "
                          "where unit_code = 'lingshan' and obs_date = ?::date", [DAY]).fetchone()
    assert day == (False, None)
