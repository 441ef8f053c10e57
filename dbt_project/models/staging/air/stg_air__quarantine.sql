{#- Rows and cells of the air feed that were not used, with the reason in Chinese. A copy of a
    station-hour whose copies differ is listed by its differing cells (each with every copy's
    value); a station-month whose PM2.5 or PM10 looks sent in the wrong unit is listed hour by
    hour (stg_air__station_month_units). -#}

{%- set unit_cols = air_unit_check_columns() %}

with checked as (
    select * from {{ ref('stg_air__station_hourly_checked') }}
),

unit_suspects as (
    select * from {{ ref('stg_air__station_month_units') }}
    where is_suspect
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
    where
        row_problem is not null
        and row_problem != '同一站点同一时刻重复且数值不同'
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
    from checked, unnest(cell_faults) as t (fault)
    where row_problem is null or row_problem = '同一站点同一时刻重复且数值不同'
),

-- every usable value of a pollutant in a station-month sent in the wrong unit
unit_faults as (
    {%- for c in unit_cols %}
        select
            c.source_file,
            c.source_row,
            c.station_code,
            null::varchar as timepoint_raw,
            u.column_name,
            c.{{ c }}::varchar as value,
            u.reason
        from checked as c
        inner join unit_suspects as u
            on
                u.station_code = c.station_code
                and u.month_start = date_trunc('month', c.period_start)::date
                and u.column_name = '{{ c }}'
        where c.row_problem is null and c.{{ c }} is not null
                {{ "union all" if not loop.last }}  -- noqa: LT02
    {%- endfor %}
),

final as (
    select 'air_station_hourly' as input_name, * from row_faults
    union all
    select 'air_station_hourly' as input_name, * from cell_faults
    union all
    select 'air_station_hourly' as input_name, * from unit_faults
)

select * from final
