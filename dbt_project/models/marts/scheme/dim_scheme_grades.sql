{#- A scheme's grades (等次) and the lowest total each needs, best first. -#}

with grades as (
    select * from {{ ref('stg_scheme__grades') }}
),

final as (
    select
        ---------- ids
        scheme_code,
        grade,
        ---------- threshold
        min_score::decimal(18, 4) as min_score,
        row_number() over (partition by scheme_code order by min_score desc)::integer as grade_order
    from grades
)

select * from final
