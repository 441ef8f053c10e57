{#- Ledger rows typed: kinds and statuses mapped from codes or Chinese labels; every value as
    written kept beside its reading so a quarantine row can quote the cell. -#}

with source as (
    select * from {{ source('raw_ledgers', 'ledger_rows') }}
),

kinds as (
    select * from {{ ref('stg_ledgers__event_kinds') }}
),

renamed as (
    select
        ---------- ids
        ledger_row_id,
        source_file,
        source_sheet,
        source_row::integer as source_row,
        row_problem,
        ---------- as written
        scheme_code,
        unit_code as unit_written,
        department as department_written,
        item_code as item_written,
        event_date as event_date_written,
        event_kind as event_kind_written,
        quantity as quantity_written,
        amount as amount_written,
        amount_unit,
        deadline as deadline_written,
        completed_date as completed_date_written,
        status as status_written,
        ---------- readings
        item_code_value as item_code,
        try_cast(event_date_value as date) as event_date,
        try_cast(deadline_value as date) as deadline,
        try_cast(completed_date_value as date) as completed_date,
        try_cast(quantity_value as decimal(18, 4)) as quantity,
        try_cast(amount_yuan as decimal(18, 2)) as amount_yuan,
        -- the unit the amount states (cell, amount_unit column or header): 元, 万元 or null
        amount_unit_value as amount_unit_stated,
        severity,
        issuing_level,
        approval_ref,
        evidence_ref,
        description
    from source
),

final as (
    select
        renamed.*,
        kinds.event_kind,
        coalesce(kinds.is_deduction, false) as is_deduction,
        case
            when status_written is null then 'confirmed'
            when lower(status_written) in ('confirmed', '已确认', '确认') then 'confirmed'
            when lower(status_written) in ('excused', '已剔除', '剔除') then 'excused'
        end as status
    from renamed
    left join kinds
        on lower(renamed.event_kind_written) in (kinds.event_kind, kinds.label_zh)
)

select * from final
