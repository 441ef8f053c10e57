{#- Water status (水质状况) of each unit's sections and of the city's, per month and per year:
    the ratio method with 5 sections or more, mean concentrations and the single-factor class
    with fewer (地表水环境质量评价办法（试行）2011 §4; see int_water__group_status). -#}
select * from {{ ref('int_water__group_status') }}
