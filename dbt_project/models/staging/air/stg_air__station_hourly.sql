{{ config(tags=['air_hourly_path', 'as_of']) }}
{%- set cols = air_raw_columns() %}
{%- set unit_cols = air_unit_check_columns() %}

with checked as (
    select * from {{ ref('stg_air__station_hourly_checked') }}
),

-- station-months whose PM2.5 or PM10 looks sent in the wrong unit: those values are not used
unit_suspects as (
    select
        station_code,
        month_start,
    {%- for c in unit_cols %}
        bool_or(column_name = '{{ c }}') as {{ c }}_unit_suspect{{ "," if not loop.last }}
    {%- endfor %}
    from {{ ref('stg_air__station_month_units') }}
    where is_suspect
    group by all
),

final as (
    select
        ---------- ids
        c.station_code,
        c.timepoint,
        c.period_start,
        c.period_start::date as obs_date,
        ---------- measures (μg/m³; CO mg/m³); a rejected cell is missing
        {%- for col in cols %}
            {%- if col in unit_cols %}
                case when u.{{ col }}_unit_suspect then null else c.{{ col }} end as {{ col }},
            {%- else %}
                c.{{ col }},
            {%- endif %}
        {%- endfor %}
        ---------- lineage
        c.source_file,
        c.source_row
    from checked as c
    left join unit_suspects as u
        on
            u.station_code = c.station_code
            and u.month_start = date_trunc('month', c.period_start)::date
    where c.row_problem is null
    -- a mid-year view (`--as-of`) sees nothing after its date
    and {{ known_as_of('c.period_start::date') }}
)

select * from final
