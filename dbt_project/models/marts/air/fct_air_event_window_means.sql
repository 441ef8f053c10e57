{#- Mean hourly PM2.5 of each unit over each configured event window (seed 001 item 5(11)①:
    "除夕19点至初一6点PM2.5小时均值浓度"). A unit's hourly value is the mean over its
    assessment stations reporting that hour (SPEC §2.2); the window's value is the mean of those
    hourly values, rounded half-even to one decimal. Windows are in feed timepoints (the hour's
    end label), both ends included: 19:00 … 06:00 = 12 hourly values. A scheme that names its own
    window (item `measure_window`, seed 001 5(11)①: "2025年1月28日（除夕）19点至29日初一6点" for
    the 2024 scheme) gives its units that window for the scheme year, in place of the registry's
    (registry/event_windows.csv, the 除夕 of the calendar year). -#}

with hourly as (
    select * from {{ ref('stg_air__station_hourly') }}
),

unit_stations as (
    -- counted stations only (对照点 never count; issue 33)
    select * from {{ ref('stg_air__unit_stations') }}
    where is_counted
),

registry_windows as (
    select * from {{ ref('stg_air__event_windows') }}
),

scheme_windows as (
    -- the scheme's own window, for each unit of the scheme
    select distinct
        units.unit_code,
        'fireworks' as event_code,
        '除夕烟花爆竹时段' as event_name,
        schemes.scheme_year as event_year,
        (items.measure_window ->> 'start')::timestamp as window_start,
        (items.measure_window ->> 'end')::timestamp as window_end
    from {{ ref('stg_scheme__items') }} as items
    inner join {{ ref('stg_scheme__schemes') }} as schemes using (scheme_code)
    inner join {{ ref('stg_scheme__units') }} as units using (scheme_code)
    where items.measure_code = 'air.fireworks_pm2_5_mean' and items.measure_window is not null
),

windows as (
    select unit_code, event_code, event_name, event_year, window_start, window_end from scheme_windows
    union all
    select units.unit_code, w.event_code, w.event_name, w.event_year, w.window_start, w.window_end
    from registry_windows as w
    cross join (select distinct unit_code from unit_stations) as units
    anti join scheme_windows as sw
        on sw.unit_code = units.unit_code and sw.event_code = w.event_code and sw.event_year = w.event_year
),

unit_hours as (
    select
        unit_stations.unit_code,
        any_value(unit_stations.unit_name) as unit_name,
        windows.event_code,
        windows.event_year,
        hourly.timepoint,
        avg(hourly.pm2_5) as pm2_5,
        count(hourly.pm2_5) as n_stations,
        string_agg(
            hourly.source_file || ':' || hourly.source_row::varchar, ';'
            order by hourly.source_file, hourly.source_row
        ) as source_keys
    from windows
    inner join unit_stations using (unit_code)
    inner join hourly
        on
            hourly.station_code = unit_stations.station_code
            and hourly.timepoint between windows.window_start and windows.window_end
            and hourly.obs_date between unit_stations.valid_from and unit_stations.valid_to
    group by unit_stations.unit_code, windows.event_code, windows.event_year, hourly.timepoint
),

final as (
    select
        unit_hours.unit_code,
        any_value(unit_hours.unit_name) as unit_name,
        unit_hours.event_code,
        any_value(windows.event_name) as event_name,
        unit_hours.event_year,
        any_value(windows.window_start) as window_start,
        any_value(windows.window_end) as window_end,
        round_even(avg(unit_hours.pm2_5)::decimal(18, 6), 1) as pm2_5_mean,
        max(unit_hours.pm2_5) as pm2_5_max_hour,
        count(unit_hours.pm2_5) as n_hours,
        (date_diff('hour', any_value(windows.window_start), any_value(windows.window_end)) + 1)
            as n_hours_expected,
        string_agg(unit_hours.source_keys, ';' order by unit_hours.timepoint) as source_keys
    from unit_hours
    inner join windows using (unit_code, event_code, event_year)
    group by unit_hours.unit_code, unit_hours.event_code, unit_hours.event_year
)

select * from final
