with source as (
    select * from {{ source('raw_scoring', 'scoring_peers') }}
),

renamed as (
    select
        ---------- ids
        peer_group,
        year::integer as peer_year,
        county as county_name,
        nullif(trim(unit_code), '') as unit_code,
        indicator,
        ---------- as published
        value::decimal(18, 4) as indicator_value,
        rank::integer as published_rank,
        last_year_value::decimal(18, 4) as last_year_value,
        ---------- lineage
        source_file,
        source_row
    from source
)

select * from renamed
