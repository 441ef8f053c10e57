{#- Event windows in feed timepoints (the hour's end label, as published: "19点至次日6点"
    = the hourly values stamped 19:00 … 06:00). -#}
with source as (
    select * from {{ source('raw_air', 'air_event_windows') }}
),

renamed as (
    select
        trim(event_code) as event_code,
        trim(event_name) as event_name,
        {{ air_parse_timepoint('window_start') }} as window_start,
        {{ air_parse_timepoint('window_end') }} as window_end,
        year({{ air_parse_timepoint('window_start') }}) as event_year,
        source
    from source
)

select * from renamed
