{#- Every raw row, parsed, with what is wrong with it. stg_air__station_hourly keeps the good
    part, stg_air__quarantine lists the rest with a reason: nothing is dropped silently.
    Materialised (incrementally, by day) so the strings are parsed once per run, not once per
    model reading them; `obs_date` is the natural day of the hour (the file's month for a row
    whose time cannot be read), the key the incremental window deletes and inserts by.

    Built for a national year (15 M rows) in one pass over the feed: a cell's problem and text
    as written are kept only where it has one (`cell_faults`, a list, null on a clean row; the
    time as written only on a row with a problem), and duplicates are found on a hash of
    station and hour first, so only the few candidate rows are compared.

    A station-hour sent more than once (issue 15 part 1): when every copy carries the same
    values (compared as parsed, a missing cell equal only to a missing cell), the copies
    collapse into the first (by file, then row) and the others are listed as merged; when any
    value differs, no copy is used — order decides nothing — and every copy is quarantined with
    all versions' values in its reason (a copy that fills a missing cell differs too: only a
    correction file that says so could settle it, and the feed has none). -#}
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

duplicate_rows as (
    select *
    from parsed
    where
        timepoint is not null
        and hash(station_code, timepoint) in (select station_hour_hash from duplicate_candidates)
),

-- per station-hour sent twice or more: which columns differ between the copies, and each
-- differing column's values as every copy wrote them (file and row)
duplicate_groups as (
    select
        station_code,
        timepoint,
        count(*) as n_copies,
    {%- for c in cols %}
        case
            when count(distinct coalesce({{ c }}_parsed::varchar, '缺测')) > 1
                then
                    string_agg(
                        coalesce(nullif(trim({{ c }}_raw), '-;'), '缺测') || '（' || source_file
                        || ' 第 ' || source_row::varchar || ' 行）',
                        '、' order by source_file, source_row
                    )
        end as {{ c }}_versions{{ "," if not loop.last }}
    {%- endfor %}
    from duplicate_rows
    group by station_code, timepoint
    having count(*) > 1
),

duplicate_copies as (
    select
        r.source_file,
        r.source_row,
        row_number() over (
            partition by r.station_code, r.timepoint order by r.source_file, r.source_row
        ) as copy_number,
        g.n_copies,
        {%- for c in cols %}
            g.{{ c }}_versions,
        {%- endfor %}
        {% for c in cols %}g.{{ c }}_versions is not null{{ " or " if not loop.last }}{% endfor %}
            as is_conflicting
    from duplicate_rows as r
    inner join duplicate_groups as g using (station_code, timepoint)
),

labelled as not materialized (
    select
        p.*,
        s.station_code is not null as is_known_station,
        -- the hour a value averages starts at period_start; its natural day is that hour's date
        {{ air_period_start('p.timepoint', 's.feed_hour_label') }} as period_start
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
            when d.is_conflicting then '同一站点同一时刻重复且数值不同'
            when d.copy_number > 1 then '同一站点同一时刻重复（数值相同，已合并）'
            when w.timepoint > current_timestamp::timestamp + interval {{ air_max_hours_ahead() }} hour
                then '时间在未来'
        end as row_problem,
        w.timepoint_raw,
        ---------- cell problems (the value is treated as missing)
        {%- for c in cols %}
            case
                when {{ air_not_a_number('w.' ~ c ~ '_raw', 'w.' ~ c ~ '_parsed') }} then '不是数值'
                when w.{{ c }}_parsed < b.{{ c }}_min then '负值'
                when w.{{ c }}_parsed > b.{{ c }}_max
                    then '超出物理上限 ' || b.{{ c }}_max::varchar || ' ' || b.{{ c }}_unit
            end as {{ c }}_problem,
            w.{{ c }}_raw,
            case
                when w.{{ c }}_parsed between b.{{ c }}_min and b.{{ c }}_max then w.{{ c }}_parsed
            end as {{ c }},
        {%- endfor %}
        ---------- a conflicting duplicate: every copy's values of each differing column
        d.n_copies,
    {%- for c in cols %}
        d.{{ c }}_versions{{ "," if not loop.last }}
    {%- endfor %}
    from in_window as w
    left join duplicate_copies as d using (source_file, source_row)
    cross join bounds_wide as b
),

final as (
    select
        checked.* exclude (
            timepoint_raw, n_copies,
            {%- for c in cols %} {{ c }}_raw, {{ c }}_problem, {{ c }}_versions{{ "," if not loop.last }}{% endfor %}
        ),
        ---------- what is wrong, with the text as written (what the quarantine reports)
        case
            when
                row_problem is not null
                {%- for c in cols %} or {{ c }}_problem is not null{% endfor %}
                then timepoint_raw
        end as timepoint_raw,
        -- one list, null on a clean row, instead of twelve mostly empty columns; on a copy of
        -- a station-hour whose copies differ, the differing cells with every copy's value
        case
            when row_problem = '同一站点同一时刻重复且数值不同'
                then list_filter([
                    {%- for c in cols %}
                        {
                            'column_name': '{{ c }}', 'value': {{ c }}_raw,
                            'reason': '同一站点同一时刻收到 ' || n_copies::varchar || ' 个版本且 {{ c }} 不同：'
                            || {{ c }}_versions || '，各版本均不采用'
                        }{{ "," if not loop.last }}
                    {%- endfor %}
                ], lambda f: f.reason is not null)
            when {% for c in cols %}{{ c }}_problem is not null{{ " or " if not loop.last }}{% endfor %}
                then list_filter([
                    {%- for c in cols %}
                        { 'column_name': '{{ c }}', 'value': {{ c }}_raw, 'reason': {{ c }}_problem }{{ "," if not loop.last }}
                    {%- endfor %}
                ], lambda f: f.reason is not null)
        end as cell_faults
    from checked
)

select * from final
