{#- Unit × year town waste-water plants (seed 001 item 6(2)②): each plant has two items — the
    average load rate (平均负荷率) and the influent COD (进水COD浓度), annual means — met when
    ≥ 75 % and ≥ 95 mg/L in the Li-river basin (漓江流域内), ≥ 70 % and ≥ 70 mg/L elsewhere — the
    thresholds are the seed std_wastewater_plant_targets (basin li_river / other).
    completion_rate = items met / items (the scheme applies "完成率低于80%的，该项不得分"). -#}

with monthly as (
    select * from {{ ref('stg_water__wastewater_plants') }}
),

plants as (
    select
        plant_code, unit_code, obs_year, bool_or(in_li_river_basin) as in_li_river_basin,
        {{ water_exact_mean('load_rate_pct') }} as mean_load_rate_pct,
        {{ water_exact_mean('influent_cod_mg_l') }} as mean_influent_cod_mg_l
    from monthly
    group by all
),

plant_targets as (
    select * from {{ ref('std_wastewater_plant_targets') }}
),

checked as (
    select
        plants.*,
        plants.mean_load_rate_pct >= plant_targets.load_rate_min_pct as load_rate_met,
        plants.mean_influent_cod_mg_l >= plant_targets.influent_cod_min_mg_l as influent_cod_met
    from plants
    inner join plant_targets
        on plant_targets.basin = case when plants.in_li_river_basin then 'li_river' else 'other' end
),

final as (
    select
        unit_code,
        obs_year,
        count(*) as plants,
        count(*) * 2 as items,
        count(*) filter (where load_rate_met) + count(*) filter (where influent_cod_met) as items_met,
        (
            (count(*) filter (where load_rate_met) + count(*) filter (where influent_cod_met)) * 1000000
            // (count(*) * 2)
        )::decimal(38, 0
        ) * 0.0001 as completion_rate,
        string_agg(plant_code, ';' order by plant_code) as plant_codes
    from checked
    group by all
)

select * from final
