{#- Wrong units that stay within physical bounds (issue 15 part 2): PM2.5 or PM10 sent in mg/m³
    for a station-month is 1000× too small but never negative, so the cell checks pass it. One
    row per station × month × checked pollutant with its median over the usable hours and the
    references of seed std_air_unit_checks: the median of the other stations of the same unit
    or district the same month, the median of the station's own other monthly medians, and the
    other PM of the same station-month (PM2.5 ≤ PM10). Below `min_plausible_ratio` of any
    reference (of at least `min_reference`) the station-month is suspect: stg_air__station_hourly
    drops that pollutant's values for the month and stg_air__quarantine lists them.

    One group-by over the checked table (station-months), rebuilt in full on every run: a
    month's judgement reads other months (the station's own history), so it is not confined to
    the run's window. The air asset compares the judgements with those the incremental tables
    were built with and rebuilds the months whose judgement changed (pipelines/dbt/assets.py).
    It does not read `as_of`: a mid-year view judges a month with every month stored, so the
    as-of views (which re-run only the models below stg_air__station_hourly) stay exact. -#}
{{ config(materialized='table', tags=['air_hourly_path']) }}
{%- set cols = air_unit_check_columns() %}

with checked as (
    select * from {{ ref('stg_air__station_hourly_checked') }}
),

checks as (
    select * from {{ ref('std_air_unit_checks') }}
),

unit_stations as (
    select * from {{ ref('stg_air__unit_stations') }}
),

station_districts as (
    select * from {{ ref('stg_air__station_districts') }}
),

station_months as (
    select
        station_code,
        date_trunc('month', period_start)::date as month_start,
    {%- for c in cols %}
        count({{ c }}) as {{ c }}_hours,
        median({{ c }})::decimal(38, 6) as {{ c }}_median{{ "," if not loop.last }}
    {%- endfor %}
    from checked
    where row_problem is null
    group by all
),

-- one row per station-month and checked pollutant, with the same station-month's other PM
long as (
    {%- for c in cols %}
        select
            station_code,
            month_start,
            '{{ c }}' as column_name,
            {{ c }}_hours as n_hours,
            {{ c }}_median as median_value,
        {%- for other in cols %}
            {{ other }}_median as {{ other }}_median{{ "," if not loop.last }}
        {%- endfor %}
        from station_months
        where {{ c }}_median is not null
        {{ "union all" if not loop.last }}
    {%- endfor %}
),

neighbour_pairs as (
    select distinct a.station_code, b.station_code as neighbour_code
    from unit_stations as a
    inner join unit_stations as b
        on a.unit_code = b.unit_code and a.station_code != b.station_code
    union
    select a.station_code, b.station_code
    from station_districts as a
    inner join station_districts as b
        on a.district_unit_code = b.district_unit_code and a.station_code != b.station_code
),

neighbour_medians as (
    select
        p.station_code,
        n.month_start,
        n.column_name,
        median(n.median_value)::decimal(38, 6) as neighbours_median
    from neighbour_pairs as p
    inner join long as n on n.station_code = p.neighbour_code
    group by all
),

own_medians as (
    select
        m.station_code,
        m.month_start,
        m.column_name,
        median(o.median_value)::decimal(38, 6) as own_months_median
    from long as m
    inner join long as o
        on
            o.station_code = m.station_code
            and o.column_name = m.column_name
            and o.month_start != m.month_start
    group by all
),

referenced as (
    select
        l.*,
        nb.neighbours_median,
        own.own_months_median
    from long as l
    left join neighbour_medians as nb using (station_code, month_start, column_name)
    left join own_medians as own using (station_code, month_start, column_name)
),

judged as (
    select
        r.station_code,
        r.month_start,
        r.column_name,
        c.reference,
        c.reference_label_zh,
        c.min_plausible_ratio,
        c.expected_unit,
        c.suspected_unit,
        r.median_value,
        case c.reference
            when 'neighbours' then r.neighbours_median
            when 'own_months' then r.own_months_median
            {%- for c in cols %}
                when '{{ c }}' then r.{{ c }}_median
            {%- endfor %}
        end as reference_value,
        coalesce(
            reference_value >= c.min_reference
            and r.median_value < reference_value * c.min_plausible_ratio, false
        ) as is_implausible
    from referenced as r
    inner join checks as c using (column_name)
),

final as (
    select
        ---------- ids
        station_code,
        month_start,
        column_name,
        ---------- what was compared
        any_value(median_value) as median_value,
        max(reference_value) filter (where reference = 'neighbours') as neighbours_median,
        max(reference_value) filter (where reference = 'own_months') as own_months_median,
        ---------- judgement
        bool_or(is_implausible) as is_suspect,
        case
            when bool_or(is_implausible)
                then
                    '疑似以 ' || any_value(suspected_unit) || ' 报送（应为 ' || any_value(expected_unit) || '）：'
                    || column_name || ' ' || strftime(month_start, '%Y-%m') || ' 月中位数 '
                    || round(any_value(median_value), 3)::double::varchar || '，低于'
                    || string_agg(
                        reference_label_zh || ' ' || round(reference_value, 1)::double::varchar
                        || ' 的 1/' || round(1 / min_plausible_ratio)::integer::varchar, '、'
                        order by reference
                    ) filter (where is_implausible
                    )
                    || '；本站该月 ' || column_name || ' 全部不采用'
        end as reason
    from judged
    group by station_code, month_start, column_name
)

select * from final
