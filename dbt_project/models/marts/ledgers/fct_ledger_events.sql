{#- The ledger rows scoring reads (台账事项), published: every valid row of every department's
    ledger (int_ledgers__events: no row problem, not a repeat, of this assessment year), with
    the department answering for it (责任部门: the unit when it is a department, the row's 责任部门
    column, its folder or file name, else its item's lead department), the file, sheet and row
    it came from, and the points the scoring moved on it alone (the movements of this one event,
    fct_score_movements; rows a ledger measure sums are counted there, not here). No personal
    data: contacts stay in restricted.duckdb, free text is masked at ingest. -#}

with events as (
    select * from {{ ref('int_ledgers__events') }}
),

kinds as (
    select event_kind, label_zh from {{ ref('stg_ledgers__event_kinds') }}
),

moved as (
    select
        source_keys as ledger_row_id,
        count(*) as movements,
        sum(points) as points_moved
    from {{ ref('fct_score_movements') }}
    where ledger_rows = 1
    group by source_keys
),

final as (
    select
        ---------- ids
        events.ledger_row_id,
        events.scheme_code,
        events.unit_code,
        events.item_code,
        ---------- who answers for it (责任部门)
        events.department_code,
        events.department_name,
        events.department_basis,
        ---------- the event
        events.event_date,
        events.event_kind,
        kinds.label_zh as event_kind_zh,
        events.quantity,
        events.amount_yuan,
        events.severity,
        events.issuing_level,
        events.status,
        events.approval_ref,
        events.evidence_ref,
        events.deadline,
        events.completed_date,
        events.description,
        ---------- what scoring did with it alone
        coalesce(moved.movements, 0)::integer as movements,
        -- null, not 0, when the row moved nothing of its own (counted in a ledger measure, or not
        -- scored): an absent movement is never shown as a number
        moved.points_moved::decimal(18, 4) as points_moved,
        ---------- where it was written
        events.source_file,
        events.source_sheet,
        events.source_row
    from events
    left join kinds using (event_kind)
    left join moved using (ledger_row_id)
)

select * from final
