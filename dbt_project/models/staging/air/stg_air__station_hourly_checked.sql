{#- Every raw row, parsed, with what is wrong with it. stg_air__station_hourly keeps the good
    part, stg_air__quarantine lists the rest with a reason: nothing is dropped silently.
    Materialised (incrementally, by day) so the strings are parsed once per run, not once per
    model reading them; `obs_date` is the natural day of the hour (the file's month for a row
    whose time cannot be read), the key the incremental window deletes and inserts by.

    Built for a national year (15 M rows) in one pass over the feed: a cell's problem and text
    as written are kept only where it has one (`cell_faults`, a list, null on a clean row; the
    time as written only on a row with a problem), and duplicates are found on a hash of
    station and hour first, so only the few candidate rows are sorted to tell the first copy
    from the others. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    tags=['air_hourly_path'],
    pre_hook="{{ air_window_delete('obs_date') }}",
) }}
{%- set cols = air_raw_columns() %}

-- `not materialized`: the feed is read where it is used, never copied whole into a CTE
with source as not materialized (
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

parsed as not materialized (
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

-- a station-hour reported more than once: candidates by hash, then the exact key decides
duplicate_candidates as (
    select hash(station_code, timepoint) as station_hour_hash
    from parsed
    where timepoint is not null
    group by station_hour_hash
    having count(*) > 1
),

duplicate_copies as (
    select
        source_file,
        source_row,
        row_number() over (
            partition by station_code, timepoint order by source_file, source_row
        ) as copy_number
    from parsed
    where timepoint is not null
        and hash(station_code, timepoint) in (select station_hour_hash from duplicate_candidates)
),

labelled as not materialized (
    select
        p.*,
        s.station_code is not null as is_known_station,
        -- the hour a value averages starts at period_start; its natural day is that hour's date
        case
            when s.feed_hour_label = 'start' then p.timepoint
            else p.timepoint - interval 1 hour
        end as period_start
    from parsed as p
    left join stations as s using (station_code)
),

in_window as not materialized (
    select
        * exclude (feed_month),
        coalesce(period_start::date, (feed_month || '-01')::date) as obs_date
    from labelled
    where {{ air_window_where("coalesce(period_start::date, (feed_month || '-01')::date)") }}
),

checked as (
    select
        ---------- lineage, ids
        w.source_file,
        w.source_row,
        w.station_code,
        w.timepoint,
        w.period_start,
        w.obs_date,
        w.is_known_station,
        ---------- row problems (the whole row is quarantined)
        case
            when w.timepoint is null then '时间无法识别'
            when not w.is_known_station then '站点不在站点名录中'
            when d.copy_number > 1 then '同一站点同一时刻重复'
            when w.timepoint > current_timestamp::timestamp + interval 1 hour then '时间在未来'
        end as row_problem,
        w.timepoint_raw,
        ---------- cell problems (the value is treated as missing)
        {%- for c in cols %}
        case
            when w.{{ c }}_parsed is null and w.{{ c }}_raw is not null
                and not list_contains({{ air_missing_tokens() }}, lower(trim(w.{{ c }}_raw)))
                then '不是数值'
            when w.{{ c }}_parsed < b.{{ c }}_min then '负值'
            when w.{{ c }}_parsed > b.{{ c }}_max
                then '超出物理上限 ' || b.{{ c }}_max::varchar || ' ' || b.{{ c }}_unit
        end as {{ c }}_problem,
        w.{{ c }}_raw,
        case
            when w.{{ c }}_parsed between b.{{ c }}_min and b.{{ c }}_max then w.{{ c }}_parsed
        end as {{ c }}{{ "," if not loop.last }}
        {%- endfor %}
    from in_window as w
    left join duplicate_copies as d using (source_file, source_row)
    cross join bounds_wide as b
),

final as (
    select
        checked.* exclude (
            timepoint_raw,
            {%- for c in cols %} {{ c }}_raw, {{ c }}_problem{{ "," if not loop.last }}{% endfor %}
        ),
        ---------- what is wrong, with the text as written (what the quarantine reports)
        case
            when row_problem is not null
                {%- for c in cols %} or {{ c }}_problem is not null{% endfor %}
                then timepoint_raw
        end as timepoint_raw,
        -- one list, null on a clean row, instead of twelve mostly empty columns
        case
            when {% for c in cols %}{{ c }}_problem is not null{{ " or " if not loop.last }}{% endfor %}
                then list_filter([
                    {%- for c in cols %}
                    {'column_name': '{{ c }}', 'value': {{ c }}_raw, 'reason': {{ c }}_problem}{{ "," if not loop.last }}
                    {%- endfor %}
                ], lambda f: f.reason is not null)
        end as cell_faults
    from checked
)

select * from final
