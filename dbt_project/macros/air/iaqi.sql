{#- The one implementation of IAQI and AQI. Plain Jinja on purpose (no dbt-only calls), so
    the `ecoscore aqi` calculator renders the very same SQL as the pipeline's models. -#}

{% macro iaqi_from_breakpoints(concentrations, breakpoints, rounding="'up'") -%}
{#- HJ 633-2012 §5 formula (1) and §6.2 "计算结果应全部进位取整数": IAQI is rounded UP.
    Computed on integers (concentrations in thousandths, breakpoints are whole numbers), so
    binary floating point never lifts an exact integer over the ceiling (CO 2.2 mg/m3 → 55).
    Segments are continuous (BP_lo, BP_hi]; a concentration of 0 falls in the first.
    Above the last breakpoint of a table that reaches IAQI 500 the IAQI is reported as 500
    (HJ 633-2012 表1 注: no IAQI is computed beyond it). SO2 1 h above 800 and O3 8 h above
    800 get no IAQI here: HJ 633-2012 表1 注2/注3 send them to SO2 24 h and O3 1 h instead —
    callers use iaqi_with_hj633_notes (below), which applies them.
    `rounding` is a SQL expression giving 'up' (HJ 633-2012 §6.2, the default: stations and
    `ecoscore aqi`) or 'half_up' (CNEMC's published city IAQI, seed std_air_unit_conventions,
    convention cnemc_published); both exact on integers.
    In:  a relation with columns standard_code, pollutant, conc (null = missing).
    Out: its rows plus iaqi and above_scale. -#}
select
    c.*,
    coalesce(
        seg.iaqi_lo + case
            when {{ rounding }} = 'half_up' then (
                2 * (seg.iaqi_hi - seg.iaqi_lo) * (round(c.conc * 1000)::bigint - seg.bp_lo * 1000)
                + (seg.bp_hi - seg.bp_lo) * 1000
            ) // (2 * (seg.bp_hi - seg.bp_lo) * 1000)
            else (
                (seg.iaqi_hi - seg.iaqi_lo) * (round(c.conc * 1000)::bigint - seg.bp_lo * 1000)
                + (seg.bp_hi - seg.bp_lo) * 1000 - 1
            ) // ((seg.bp_hi - seg.bp_lo) * 1000)
        end,
        case when top.pollutant is not null then 500 end
    ) as iaqi,
    top.pollutant is not null as above_scale
from {{ concentrations }} as c
left join {{ breakpoints }} as seg
    on seg.standard_code = c.standard_code
    and seg.pollutant = c.pollutant
    and (c.conc > seg.bp_lo or (c.conc = 0 and seg.bp_lo = 0))
    and c.conc <= seg.bp_hi
left join {{ breakpoints }} as top
    on top.standard_code = c.standard_code
    and top.pollutant = c.pollutant
    and top.iaqi_hi = 500
    and c.conc > top.bp_hi
{%- endmacro %}


{% macro aqi_from_iaqi(iaqi_long, key_columns, levels) -%}
{#- AQI = max IAQI (HJ 633-2012 §5.2 formula 2). Primary pollutants (首要污染物): when
    AQI > 50, every pollutant whose IAQI equals the AQI (§5.3; ties give several). Pollutants
    with IAQI > 100 exceed the standard (超标污染物, §5.4). O3 1 h and 8 h both report as O3.
    In:  key columns, display_name, sort_order, iaqi (one row per pollutant measured).
    Out: one row per key: aqi, level, level_name, category, colour, primary_pollutants,
         exceed_pollutants, n_pollutants. -#}
{%- set keys = key_columns | join(', ') %}
with by_display as (
    select {{ keys }}, display_name, min(sort_order) as sort_order, max(iaqi) as iaqi
    from {{ iaqi_long }}
    where iaqi is not null
    group by {{ keys }}, display_name
),

with_aqi as (
    select *, max(iaqi) over (partition by {{ keys }}) as aqi
    from by_display
),

per_key as (
    select
        {{ keys }},
        max(aqi) as aqi,
        coalesce(
            string_agg(display_name, ';' order by sort_order)
                filter (where iaqi = aqi and aqi > 50),
            ''
        ) as primary_pollutants,
        coalesce(
            string_agg(display_name, ';' order by sort_order) filter (where iaqi > 100),
            ''
        ) as exceed_pollutants,
        count(*) as n_pollutants
    from with_aqi
    group by {{ keys }}
)

select
    per_key.*,
    lv.level,
    lv.level_name,
    lv.category,
    lv.colour
from per_key
left join {{ levels }} as lv
    on per_key.aqi between lv.aqi_lo and lv.aqi_hi
{%- endmacro %}


{% macro iaqi_with_hj633_notes(concentrations, breakpoints, so2_24h_column=none, rounding="'up'") -%}
{#- IAQI of each concentration with HJ 633-2012 表1 notes 2 and 3 applied — the one place they
    live (models and `ecoscore aqi` both call this):
    注2 "二氧化硫（SO2）1小时平均浓度值高于800 μg/m³的，不再进行其空气质量分指数计算，二氧化硫（SO2）
        空气质量分指数按24小时平均浓度计算的分指数报告": a SO2 1-hour row above 800 is looked up
        as so2_24h on the row's 24-hour value (`so2_24h_column`); without one it gets no IAQI and
        hj633_note 'so2_1h_unindexed' (the caller must not report an AQI for it).
    注3 "臭氧（O3）8小时平均浓度值高于800 μg/m³的，不再进行其空气质量分指数计算，臭氧（O3）空气质量
        分指数按1小时平均浓度计算的分指数报告": an O3 8-hour row above 800 gets no IAQI and
        hj633_note 'o3_8h_above_800'; the AQI takes O3 from its 1-hour row.
    At exactly 800 both are indexed on their own table (segments are (BP_lo, BP_hi]).
    In:  a relation with columns standard_code, pollutant, conc and any key columns.
    Out: iaqi_from_breakpoints' rows (pollutant and conc as looked up) plus hj633_note. -#}
{%- set so2_24h = so2_24h_column if so2_24h_column else 'null' %}
with hj633_noted as (
    select
        c.* replace (
            case when c.pollutant = 'so2_1h' and c.conc > 800 then 'so2_24h'
                 else c.pollutant end as pollutant,
            case when c.pollutant = 'so2_1h' and c.conc > 800 then {{ so2_24h }}
                 when c.pollutant = 'o3_8h' and c.conc > 800 then null
                 else c.conc end as conc
        ),
        case when c.pollutant = 'so2_1h' and c.conc > 800 and {{ so2_24h }} is null
                 then 'so2_1h_unindexed'
             when c.pollutant = 'so2_1h' and c.conc > 800 then 'so2_1h_above_800'
             when c.pollutant = 'o3_8h' and c.conc > 800 then 'o3_8h_above_800'
        end as hj633_note
    from {{ concentrations }} as c
)
{{ iaqi_from_breakpoints('hj633_noted', breakpoints, rounding) }}
{%- endmacro %}
