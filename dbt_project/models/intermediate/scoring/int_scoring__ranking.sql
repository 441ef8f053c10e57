{#- Rule shape `ranking` (SPEC §4), on a published peer table (ranks as published, ties
    kept: 含并列). mode bottom_n — seed 001 item 5(1)④: "分别排名全区75个县区后10位的（含并列），
    每项指标扣0.3分，分别排名后3位的（含并列），每项指标扣0.6分。（指标同比提升达到3%以上的，该项
    指标不扣分。）". mode linear — seed 003 三.13(2): best = full points, worst = 60 %, linear
    between. mode rank_change — 001 bonus 6②: "排名分别较2023年排名提高1名加0.1分，最多加1分";
    001 6(5)④: "排名同比下降的，每下降1名扣0.3分" (last year's rank from last year's values). -#}

with grid as (
    select * from {{ ref('int_scoring__unit_items') }}
    where rule_shape = 'ranking'
),

peers as (
    select * from {{ ref('stg_scoring__peers') }}
),

peer_groups as (
    select * from {{ ref('stg_scheme__peer_groups') }}
),

joined as (
    select
        grid.*,
        grid.rule_params ->> 'mode' as rank_mode,
        coalesce(grid.rule_params ->> 'direction', 'lower_is_better') as direction,
        pg.peer_group_size,
        pg.peer_group_name,
        p.indicator_value,
        p.published_rank,
        p.last_year_value,
        -- last year's rank among the same peers, ties sharing the better place
        1 + (
            select count(*) from peers as q
            where
                q.peer_group = p.peer_group and q.peer_year = p.peer_year
                and q.indicator = p.indicator
                and case coalesce(grid.rule_params ->> 'direction', 'lower_is_better')
                    when 'lower_is_better' then q.last_year_value < p.last_year_value
                    else q.last_year_value > p.last_year_value
                end
        ) as last_year_rank,
        p.source_file || ':' || p.source_row::varchar as peer_key,
        -- 同比提升: relative change of the value toward better
        round(100 * case
            when coalesce(grid.rule_params ->> 'direction', 'lower_is_better') = 'lower_is_better'
                then (p.last_year_value - p.indicator_value) / p.last_year_value
            else (p.indicator_value - p.last_year_value) / p.last_year_value
        end, 4) as improvement_pct,
        pg.peer_group_size - p.published_rank + 1 as place_from_bottom
    from grid
    inner join peer_groups as pg
        on pg.scheme_code = grid.scheme_code and pg.peer_group = grid.rule_params ->> 'peer_group'
    left join peers as p
        on
            p.peer_group = pg.peer_group
            and p.peer_year = grid.scheme_year
            and p.unit_code = grid.unit_code
            and p.indicator = grid.rule_params ->> 'indicator'
),

bottom_tiers as (
    select
        joined.scheme_code, joined.unit_code, joined.item_code,
        max(b.points::decimal(18, 4)) as bottom_points,
        min(b.n) as bottom_n
    from joined,
        unnest(json_transform(joined.rule_params -> 'bottom', '[{"n":"INTEGER","points":"DOUBLE"}]')) as t (b)
    where joined.rank_mode = 'bottom_n' and joined.place_from_bottom <= b.n
    group by all
),

computed as (
    select
        joined.*,
        bottom_tiers.bottom_points,
        bottom_tiers.bottom_n,
        {{ param_num('exempt_improvement_pct') }} as exempt_pct,
        coalesce({{ param_num('cap') }}, 1e9) as cap,
        case
            when joined.published_rank is null then null
            when rank_mode = 'bottom_n'
                then
                    case
                        when improvement_pct >= {{ param_num('exempt_improvement_pct') }} then 0
                        else coalesce(bottom_tiers.bottom_points, 0)
                    end
            when rank_mode = 'linear'
                then
                    round(
                        joined.points
                        * (
                            1 - (1 - coalesce({{ param_num('worst_share') }}, 0.6))
                            * (joined.published_rank - 1) / (joined.peer_group_size - 1)
                        ), 4
                    )
            when item_kind = 'bonus'
                then greatest(joined.last_year_rank - joined.published_rank, 0) * {{ param_num('per_place') }}
            else greatest(joined.published_rank - joined.last_year_rank, 0) * {{ param_num('per_place') }}
        end as amount
    from joined
    left join bottom_tiers using (scheme_code, unit_code, item_code)
),

moved as (
    select
        *,
        -- least() skips NULLs in DuckDB: no published rank moves nothing
        case
            when amount is null then 0 when rank_mode = 'linear' then points - amount
            else least(amount, cap)
        end as applied,
        case when rank_mode = 'linear' then 0 else greatest(amount - cap, 0) end as cut,
        case when item_kind = 'bonus' then 'bonus' else 'deduction' end as movement_kind
    from computed
),

final as (
    select {{ movement_columns() }}
    from (
        select
            * exclude (points, source_keys, measure_value),
            peer_key as source_keys,
            indicator_value as measure_value,
            coalesce(case movement_kind when 'bonus' then applied else -applied end, 0) as points,
            coalesce(case when rank_mode = 'linear' then applied else amount end, 0) as raw_points,
            coalesce(cut, 0) as cap_cut,
            case
                when published_rank is null then '数据缺失：' || peer_group_name || '排名 无数据，本项无法评分'
                when rank_mode = 'bottom_n' and improvement_pct >= exempt_pct
                    then
                        peer_group_name || '排名第 ' || published_rank || ' 位（倒数第 ' || place_from_bottom
                        || ' 位），但同比提升 ' || {{ fmt_num('improvement_pct') }} || '%，达到 '
                        || {{ fmt_num('exempt_pct') }} || '% 以上：不扣分'
                when rank_mode = 'bottom_n' and bottom_points is not null
                    then
                        peer_group_name || '排名第 ' || published_rank || ' 位（倒数第 ' || place_from_bottom
                        || ' 位，含并列），在后 ' || bottom_n || ' 位：扣 ' || {{ fmt_num('applied') }} || ' 分'
                when rank_mode = 'bottom_n'
                    then peer_group_name || '排名第 ' || published_rank || ' 位：不在后列，不扣分'
                when rank_mode = 'linear'
                    then
                        '排名第 ' || published_rank || ' / ' || peer_group_size || ' 位，按最好满分、最差 60% 线性计分：扣 '
                        || {{ fmt_num('applied') }} || ' 分'
                else
                    '排名第 ' || published_rank || ' 位，上年第 ' || last_year_rank || ' 位：'
                    || {{ verb('movement_kind') }} || ' ' || {{ fmt_num('applied') }} || ' 分'
            end as explanation_zh,
            case when published_rank is null then 'missing' else 'scored' end as status
        from moved
    )
)

select * from final
