{#- The air rows not used, published (quarantine_air): every row stg_air__quarantine set aside,
    with its file, row and reason in Chinese (SPEC §5: bad rows go to quarantine with file, row,
    column and reason; none is dropped silently). -#}

select * from {{ ref('stg_air__quarantine') }}
