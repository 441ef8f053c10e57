{#- Rank of each unit among its peer group (同类排名; peer groups are data:
    data/raw/registry/peer_groups.csv). Ranked on the comprehensive index (城市环境空气质量排名
    技术规定: lower is better), on PM2.5 (lower is better) and on the good-day ratio (higher is
    better); ties share a rank. -#}
{%- set ranked = [('comprehensive_index', 'asc'), ('pm2_5_annual_mean', 'asc'),
                  ('good_day_ratio', 'desc')] %}

with annual as (
    select * from {{ ref('fct_air_unit_annual') }}
),

peer_groups as (
    select * from {{ ref('stg_air__peer_groups') }}
),

members as (
    select peer_groups.peer_group_code, peer_groups.peer_group_name, annual.*
    from peer_groups
    inner join annual using (unit_code)
),

final as (
    {%- for measure, order in ranked %}
        select
            peer_group_code,
            peer_group_name,
            unit_code,
            unit_name,
            obs_year,
            '{{ measure }}' as ranked_on,
            {{ measure }}::decimal(18, 4) as measure_value,
            rank() over (
                partition by peer_group_code, obs_year order by {{ measure }} {{ order }}
            ) as peer_rank,
            count({{ measure }}) over (partition by peer_group_code, obs_year) as n_peers
        from members
        where {{ measure }} is not null
                {{ "union all" if not loop.last }}  -- noqa: LT02
    {%- endfor %}
)

select * from final
