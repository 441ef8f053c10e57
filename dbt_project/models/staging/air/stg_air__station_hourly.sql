{{ config(tags=['air_hourly_path', 'as_of']) }}
{%- set cols = air_raw_columns() %}

with checked as (
    select * from {{ ref('stg_air__station_hourly_checked') }}
),

final as (
    select
        ---------- ids
        station_code,
        timepoint,
        period_start,
        period_start::date as obs_date,
        ---------- measures (μg/m³; CO mg/m³); a rejected cell is missing
        {%- for c in cols %}
        {{ c }},
        {%- endfor %}
        ---------- lineage
        source_file,
        source_row
    from checked
    where row_problem is null
        -- a mid-year view (`--as-of`) sees nothing after its date
        and {{ known_as_of('period_start::date') }}
)

select * from final
