{#- The published peer tables a ranking rule reads (同类县区排名, data/raw/peers/): each county's
    indicator value and rank as published (ties kept), last year's value, and the file and row;
    unit_code is null for a county no scheme assesses. -#}

with peers as (
    select * from {{ ref('stg_scoring__peers') }}
),

final as (
    select
        ---------- ids
        peer_group,
        peer_year,
        indicator,
        county_name,
        unit_code,
        ---------- as published
        indicator_value,
        published_rank,
        last_year_value,
        ---------- where it was written
        source_file,
        source_row
    from peers
)

select * from final
