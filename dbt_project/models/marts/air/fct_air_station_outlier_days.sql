{#- Station-outlier days (seed 001 item 5(1)⑤: "当全市发生污染天时，单个国控站点日均值较高
    （高出其他站点平均值5%以上），拉高全市平均值，导致全市污染，则每出现1天，扣该站点所在辖区1分").
    On a unit's pollution day (daily AQI > 100, HJ 633 表2 轻度污染 and worse), each of the
    unit's national (国控) stations is compared, on each of the day's primary pollutants, with
    the mean of the unit's other national stations; more than 5 % above it is an outlier day,
    charged to the district the station stands in (registry station_districts.csv). -#}

with unit_daily as (
    select * from {{ ref('fct_air_unit_daily') }}
),

station_daily as (
    select * from {{ ref('int_air__station_daily') }}
),

unit_stations as (
    -- counted stations only (对照点 never count; issue 33)
    select * from {{ ref('stg_air__unit_stations') }}
    where is_counted
),

stations as (
    select * from {{ ref('stg_air__stations') }}
),

districts as (
    select * from {{ ref('stg_air__station_districts') }}
),

station_values as (
    unpivot (
        select
            station_code, obs_date,
            so2_24h as "SO2", no2_24h as "NO2", pm10_24h as "PM10", pm2_5_24h as "PM2.5",
            co_24h as "CO", o3_8h_max as "O3"
        from station_daily
    )
    on "SO2", "NO2", "PM10", "PM2.5", "CO", "O3"
    into name display_name value station_value
),

pollution_days as (
    select
        unit_code,
        obs_date,
        standard_code,
        aqi,
        unnest(string_split(primary_pollutants, ';')) as display_name
    from unit_daily
    where aqi > 100
),

national_values as (
    select
        pollution_days.unit_code,
        pollution_days.obs_date,
        pollution_days.aqi,
        pollution_days.standard_code,
        pollution_days.display_name,
        station_values.station_code,
        station_values.station_value,
        sum(station_values.station_value) over unit_day as unit_sum,
        count(station_values.station_value) over unit_day as unit_n
    from pollution_days
    inner join unit_stations using (unit_code)
    inner join stations using (station_code)
    inner join station_values
        on
            station_values.station_code = unit_stations.station_code
            and station_values.obs_date = pollution_days.obs_date
            and station_values.display_name = pollution_days.display_name
    where
        stations.station_level = '国控'
        and pollution_days.obs_date between unit_stations.valid_from and unit_stations.valid_to
    window unit_day as (
        partition by
            pollution_days.unit_code, pollution_days.obs_date,
            pollution_days.display_name
    )
),

compared as (
    select
        *,
        (unit_sum - station_value) / (unit_n - 1) as others_mean
    from national_values
    where unit_n >= 2
),

final as (
    select
        compared.unit_code,
        compared.obs_date,
        year(compared.obs_date) as obs_year,
        compared.station_code,
        districts.district_unit_code,
        districts.district_name,
        compared.standard_code,
        compared.aqi as unit_aqi,
        compared.display_name as pollutant,
        round(compared.station_value, 3) as station_value,
        round(compared.others_mean, 3) as others_mean,
        round_even((100 * (compared.station_value / compared.others_mean - 1))::decimal(18, 6), 1)
            as excess_percent,
        'int_air__station_daily:' || compared.station_code || ':' || compared.obs_date::varchar
            as source_keys
    from compared
    left join districts using (station_code)
    -- "高出其他站点平均值5%以上"
    where compared.station_value > 1.05 * compared.others_mean
)

select * from final
