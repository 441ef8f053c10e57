{#- Rows and cells of the air feed that were not used, with the reason in Chinese. -#}

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
    select
        source_file,
        source_row,
        station_code,
        timepoint_raw,
        fault.column_name,
        fault.value,
        fault.reason
    from checked, unnest(cell_faults) as t(fault)
    where row_problem is null
),

final as (
    select 'air_station_hourly' as input_name, * from row_faults
    union all
    select 'air_station_hourly' as input_name, * from cell_faults
)

select * from final
