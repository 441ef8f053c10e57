{#- The water rows not used, published (quarantine_water): every row stg_water__quarantine set aside,
    with its file, row and reason in Chinese (SPEC §5: bad rows go to quarantine with file, row,
    column and reason; none is dropped silently). -#}

select * from {{ ref('stg_water__quarantine') }}
