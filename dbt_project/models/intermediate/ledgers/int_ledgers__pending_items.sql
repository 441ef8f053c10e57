{#- LEDGER PENDING CONTRACT (issue 31: a quarantined row never hands points back): the scheme ×
    unit × item combinations that lost an input row to quarantine, with the rows. A row placed in
    a scheme's unit counts for its own item when the scheme has it, else for every item of the
    unit that reads its event kind, else for every item of the unit reading ledger rows at all.
    Repeats (int_ledgers__duplicates) lose no event (the first occurrence loads) and a row of
    another assessment year is that year's: neither makes an item pending. A row placed in no
    unit of a scheme cannot be charged to one; it is quarantined and counted, nothing more.
    Scoring marks these items 待核 ('pending'): like missing data, their points are withheld or
    the run is stopped by the scheme's missing_data policy. -#}

with faults as (
    select ledger_row_id, string_agg(reason, '；' order by reason) as reasons
    from {{ ref('int_ledgers__row_problems') }}
    group by ledger_row_id
),

rows as (
    select rows.*, faults.reasons
    from {{ ref('int_ledgers__rows_resolved') }} as rows
    inner join faults using (ledger_row_id)
    where not rows.other_year and rows.unit_code is not null and rows.row_problem is null
),

reads as (
    select scheme_code, item_code, code as event_kind
    from {{ ref('stg_scheme__item_reads') }}
    where read_kind = 'event_kind'
),

charged as (
    select rows.scheme_code, rows.unit_code, rows.item_code, rows.ledger_row_id
    from rows
    where rows.is_known_item

    union all
    select rows.scheme_code, rows.unit_code, reads.item_code, rows.ledger_row_id
    from rows
    inner join reads
        on
            reads.scheme_code = rows.scheme_code
            and (reads.event_kind = rows.event_kind or rows.event_kind is null)
    where not rows.is_known_item
),

final as (
    select
        charged.scheme_code,
        charged.unit_code,
        charged.item_code,
        count(distinct rows.ledger_row_id) as rows_quarantined,
        '待核：' || count(distinct rows.ledger_row_id) || ' 行台账被隔离（'
        || string_agg(
            distinct rows.source_file
            || case when rows.source_sheet <> '' then '「' || rows.source_sheet || '」' else '' end
            || ' 第 ' || rows.source_row || ' 行：' || rows.reasons,
            '；'
        ) || '），改正后重算' as pending_zh
    from charged
    inner join rows using (ledger_row_id)
    group by charged.scheme_code, charged.unit_code, charged.item_code
)

select * from final
