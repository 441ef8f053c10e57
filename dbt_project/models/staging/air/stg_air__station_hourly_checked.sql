{#- Every raw row, parsed, with what is wrong with it. stg_air__station_hourly keeps the good
    part, stg_air__quarantine lists the rest with a reason: nothing is dropped silently.
    Materialised (incrementally, by day) so the strings are parsed once per run, not once per
    model reading them; `obs_date` is the natural day of the hour (the file's month for a row
    whose time cannot be read), the key the incremental window deletes and inserts by. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    tags=['air_hourly_path'],
    pre_hook="{{ air_window_delete('obs_date') }}",
) }}
{%- set cols = air_raw_columns() %}

with source as (
    select * from {{ source('raw_air', 'air_station_hourly') }}
),

stations as (
    select * from {{ ref('stg_air__stations') }}
),

bounds as (
    select * from {{ ref('std_air_physical_bounds') }}
),

-- one row holding every pollutant's bounds: a cross join, not six joins over the feed
bounds_wide as (
    select
        {%- for c in cols %}
        any_value(min_value) filter (where column_name = '{{ c }}') as {{ c }}_min,
        any_value(max_value) filter (where column_name = '{{ c }}') as {{ c }}_max,
        any_value(unit) filter (where column_name = '{{ c }}') as {{ c }}_unit{{ "," if not loop.last }}
        {%- endfor %}
    from bounds
),

parsed as (
    select
        ---------- lineage
        source_file,
        source_row::integer as source_row,
        feed_month,
        ---------- ids
        upper(trim(stationcode)) as station_code,
        timepoint as timepoint_raw,
        {{ air_parse_timepoint('timepoint') }} as timepoint,
        ---------- measures (raw text and parsed value)
        {%- for c in cols %}
        {{ c }} as {{ c }}_raw,
        {{ air_parse_value(c) }} as {{ c }}_parsed{{ "," if not loop.last }}
        {%- endfor %}
    from source
),

with_period as (
    select
        parsed.*,
        stations.station_code is not null as is_known_station,
        -- the hour a value averages starts at period_start; its natural day is that hour's date
        case
            when stations.feed_hour_label = 'start' then parsed.timepoint
            else parsed.timepoint - interval 1 hour
        end as period_start
    from parsed
    left join stations using (station_code)
),

in_window as (
    select
        * exclude (feed_month),
        coalesce(period_start::date, (feed_month || '-01')::date) as obs_date
    from with_period
    where {{ air_window_where("coalesce(period_start::date, (feed_month || '-01')::date)") }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by station_code, timepoint order by source_file, source_row
        ) as copy_number
    from in_window
),

final as (
    select
        ranked.* exclude (
            {%- for c in cols %}{{ c }}_parsed{{ ", " if not loop.last }}{% endfor -%}
        ),
        ---------- row problems (the whole row is quarantined)
        case
            when ranked.timepoint is null then '时间无法识别'
            when not ranked.is_known_station then '站点不在站点名录中'
            when ranked.copy_number > 1 then '同一站点同一时刻重复'
            when ranked.timepoint > current_timestamp::timestamp + interval 1 hour then '时间在未来'
        end as row_problem,
        ---------- cell problems (the value is treated as missing)
        {%- for c in cols %}
        case
            when ranked.{{ c }}_raw is not null
                and lower(trim(ranked.{{ c }}_raw)) not in {{ air_missing_tokens() }}
                and ranked.{{ c }}_parsed is null then '不是数值'
            when ranked.{{ c }}_parsed < b.{{ c }}_min then '负值'
            when ranked.{{ c }}_parsed > b.{{ c }}_max
                then '超出物理上限 ' || b.{{ c }}_max::varchar || ' ' || b.{{ c }}_unit
        end as {{ c }}_problem,
        case
            when ranked.{{ c }}_parsed between b.{{ c }}_min and b.{{ c }}_max
                then ranked.{{ c }}_parsed
        end as {{ c }}{{ "," if not loop.last }}
        {%- endfor %}
    from ranked
    cross join bounds_wide as b
)

select * from final
