{#- The completion matrix of a duties scheme (seed 002): one row per department × duty assigned
    to it. Status from the department's completion ledger rows (kinds of the `duties` ledger):
    the latest confirmed row decides (完成 / 部分完成 / 未完成); no row = 未报送, never 完成 (a gap is
    never a point). Rows of one date that disagree are flagged and the least complete one holds.
    Overdue: a deadline before the as-of date (or, for the whole year, any deadline) and not 完成. -#}

with duties as (
    select * from {{ ref('stg_scheme__duties') }}
),

items as (
    select * from {{ ref('stg_scheme__items') }}
),

units as (
    select * from {{ ref('stg_scheme__units') }}
),

schemes as (
    select * from {{ ref('stg_scheme__schemes') }}
),

kinds as (
    select * from {{ ref('stg_ledgers__event_kinds') }}
    where ledger_kind = 'duties'
),

events as (
    select events.*
    from {{ ref('int_ledgers__events') }} as events
    inner join kinds using (event_kind)
    where events.status = 'confirmed'
),

ranked as (
    select
        events.*,
        case event_kind when 'duty_done' then 3 when 'duty_partial' then 2 else 1 end as completeness,
        max(event_date) over (partition by scheme_code, unit_code, item_code) as latest_date,
        count(*) over (partition by scheme_code, unit_code, item_code) as rows_reported
    from events
),

latest as (
    select
        scheme_code,
        unit_code,
        item_code,
        any_value(latest_date) as reported_date,
        any_value(rows_reported) as rows_reported,
        count(distinct event_kind) > 1 as is_conflicting,
        arg_min(event_kind, completeness) as event_kind,
        arg_min(completed_date, completeness) as completed_date,
        arg_min(evidence_ref, completeness) as evidence_ref,
        string_agg(source_file || ':' || source_row, ';' order by source_file, source_row)
            as source_keys
    from ranked
    where event_date = latest_date
    group by all
),

status_date as (
    select
        scheme_code,
        {% if var('as_of', '') -%}
            {{ as_of_date() }}
        {%- else -%}
            make_date(scheme_year, 12, 31)
        {%- endif %} as status_as_of,
        {{ 'false' if var('as_of', '') else 'true' }} as is_year_closed
    from schemes
),

final as (
    select
        ---------- ids
        duties.scheme_code,
        schemes.scheme_year,
        duties.unit_code,
        units.unit_name,
        -- the department answering for the duty (责任部门): the assessed department itself
        duties.unit_code as department_code,
        units.unit_name as department_name,
        duties.duty_role as department_role,
        'unit' as department_basis,
        units.duty_class,
        duties.item_code,
        items.item_order,
        items.item_name,
        items.points,
        ---------- role and lead
        duties.duty_role,
        case duties.duty_role
            when 'lead' then '牵头' when 'cooperating' then '配合'
            else '本部门负责'
        end as duty_role_zh,
        -- a cooperating duty is led by the unit (or outside body) the text names; any other by
        -- the department itself
        case
            when duties.duty_role = 'cooperating' then duties.lead_unit
            else duties.unit_code
        end as lead_unit_code,
        case
            when duties.duty_role = 'cooperating'
                then coalesce(lead_units.unit_name, duties.lead_text)
            else units.unit_name
        end as lead_unit_zh,
        duties.cooperating_units,
        duties.cooperating_text,
        ---------- deadline and status
        duties.deadline,
        duties.deadline_basis,
        coalesce(case latest.event_kind
            when 'duty_done' then 'done'
            when 'duty_partial' then 'partial' when 'duty_not_done' then 'not_done'
        end,
        'not_reported') as status,
        coalesce(kinds.label_zh, '未报送') as status_zh,
        latest.reported_date,
        latest.completed_date,
        latest.evidence_ref,
        coalesce(latest.rows_reported, 0) as rows_reported,
        coalesce(latest.is_conflicting, false) as is_conflicting,
        status_date.status_as_of,
        coalesce(latest.event_kind, '') <> 'duty_done' and duties.deadline is not null
        and (duties.deadline < status_date.status_as_of or status_date.is_year_closed)
            as is_overdue,
        coalesce(
            latest.event_kind = 'duty_done' and duties.deadline is not null
            and coalesce(latest.completed_date, latest.reported_date) > duties.deadline, false)
            as is_completed_late,
        ---------- source (seed file, item, quoted text; ledger rows)
        items.source_seed,
        items.source_item,
        items.source_text,
        latest.source_keys
    from duties
    inner join schemes
        on
            schemes.scheme_code = duties.scheme_code
            and schemes.scheme_year = {{ var('year') }}
    inner join items on items.scheme_code = duties.scheme_code and items.item_code = duties.item_code
    inner join units on units.scheme_code = duties.scheme_code and units.unit_code = duties.unit_code
    left join units as lead_units
        on lead_units.scheme_code = duties.scheme_code and lead_units.unit_code = duties.lead_unit
    left join latest
        on
            latest.scheme_code = duties.scheme_code
            and latest.unit_code = duties.unit_code and latest.item_code = duties.item_code
    left join kinds on kinds.event_kind = latest.event_kind
    inner join status_date on status_date.scheme_code = duties.scheme_code
)

select * from final
