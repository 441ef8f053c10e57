{#- HJ 633-2012 表2: the AQI levels (空气质量指数级别), their categories and official colours, as
    published for the dashboard and analysts (the seed std_aqi_levels). -#}

with levels as (
    select * from {{ ref('std_aqi_levels') }}
),

final as (
    select
        level::integer as level,
        level_name,
        category,
        aqi_lo::integer as aqi_lo,
        aqi_hi::integer as aqi_hi,
        colour
    from levels
)

select * from final
