{#- Rows and cells of the air feed that were not used, with the reason in Chinese. -#}
{%- set cols = air_raw_columns() %}

with checked as (
    select * from {{ ref('stg_air__station_hourly_checked') }}
),

row_faults as (
    select
        source_file,
        source_row,
        station_code,
        timepoint_raw,
        case
            when row_problem = '时间无法识别' then 'timepoint'
            when row_problem = '站点不在站点名录中' then 'stationcode'
            else 'timepoint'
        end as column_name,
        case
            when row_problem = '站点不在站点名录中' then station_code
            else timepoint_raw
        end as value,
        row_problem as reason
    from checked
    where row_problem is not null
),

cell_faults as (
    {%- for c in cols %}
    select
        source_file,
        source_row,
        station_code,
        timepoint_raw,
        '{{ c }}' as column_name,
        {{ c }}_raw as value,
        {{ c }}_problem as reason
    from checked
    where row_problem is null and {{ c }}_problem is not null
    {{ "union all" if not loop.last }}
    {%- endfor %}
),

final as (
    select 'air_station_hourly' as input_name, * from row_faults
    union all
    select 'air_station_hourly' as input_name, * from cell_faults
)

select * from final
