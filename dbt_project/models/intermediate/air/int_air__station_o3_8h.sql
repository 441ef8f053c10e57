{#- 8-hour moving means of O3 (GB 3095-2012 表4 / HJ 663-2013): a window holds the 8 hours
    ending at its last hour and is valid with at least 6 valid hours. Only windows ending
    08:00 … 24:00 count for the day (the 17 windows that lie inside the natural day), so a
    day's windows need no hour of another day. A window counts the valid hours among its 8
    whether or not the feed has a row for its last hour.
    One row per station-day (issue 21): the day's 24 hours are laid side by side and each
    window is a sum over 8 of them, kept in columns `o3_8h_hHH` (the window whose last hour
    starts at HH:00; null with fewer than 6 valid hours) and `n_valid_hours_hHH` — one grouping
    pass over the feed, no moving-window sort and no row per window (a national year would
    write 10.6 M of them). -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    tags=['air_hourly_path'],
    pre_hook="{{ air_window_delete('obs_date') }}",
) }}

with hourly as (
    select station_code, obs_date, hour(period_start) as hour_of_day, o3
    from {{ ref('stg_air__station_hourly') }}
    where {{ air_window_where('obs_date') }}
),

-- one row per station-day, hour h's value in o3_hHH (a station-hour is unique after staging)
day_hours as (
    select
        station_code,
        obs_date,
    {%- for h in range(24) %}
        any_value(o3) filter (where hour_of_day = {{ h }}) as o3_h{{ '%02d' % h }}{{ "," if not loop.last }}
    {%- endfor %}
    from hourly
    group by station_code, obs_date
),

-- the window whose last hour starts at hour e holds hours e-7 … e
windows as (
    select
        station_code,
        obs_date,
    {%- for e in range(7, 24) %}
        {% for h in range(e - 7, e + 1) %}(o3_h{{ '%02d' % h }} is not null)::integer{{ " + " if not loop.last }}{% endfor %}
            as n_valid_hours_h{{ '%02d' % e }},
        {% for h in range(e - 7, e + 1) %}coalesce(o3_h{{ '%02d' % h }}, 0){{ " + " if not loop.last }}{% endfor %}
            as o3_sum_h{{ '%02d' % e }}{{ "," if not loop.last }}
    {%- endfor %}
    from day_hours
),

final as (
    select
        station_code,
        obs_date,
        {%- for e in range(7, 24) %}
            n_valid_hours_h{{ '%02d' % e }}::bigint as n_valid_hours_h{{ '%02d' % e }},
            case
                when n_valid_hours_h{{ '%02d' % e }} >= 6
                    then o3_sum_h{{ '%02d' % e }} / n_valid_hours_h{{ '%02d' % e }}
            end as o3_8h_h{{ '%02d' % e }},
        {%- endfor %}
        ---------- the day's valid windows (GB 3095-2012 表4: ≥ 14 make a daily maximum)
        {% for e in range(7, 24) %}(n_valid_hours_h{{ '%02d' % e }} >= 6)::integer{{ " + " if not loop.last }}{% endfor %}
            as o3_8h_windows,
        greatest(
            {%- for e in range(7, 24) %}
                case
                    when n_valid_hours_h{{ '%02d' % e }} >= 6
                        then o3_sum_h{{ '%02d' % e }} / n_valid_hours_h{{ '%02d' % e }}
                end{{ "," if not loop.last }}
            {%- endfor %}
        ) as o3_8h_largest
    from windows
)

select * from final
