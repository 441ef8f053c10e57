{#- Loaded ledger rows that no scheme item reads: the row's event kind is not among the kinds its
    item's rule reads (stg_scheme__item_reads, derived from the scheme file). Such a row loads
    but can never move a point, so the file report warns about it (issue 14: no silent rows). -#}

with events as (
    select * from {{ ref('int_ledgers__events') }}
),

reads as (
    select * from {{ ref('stg_scheme__item_reads') }}
    where read_kind = 'event_kind'
),

kinds as (
    select * from {{ ref('stg_ledgers__event_kinds') }}
),

item_kinds as (
    select
        reads.scheme_code,
        reads.item_code,
        string_agg(coalesce(kinds.label_zh, reads.code), '、' order by reads.code) as kinds_read_zh
    from reads
    left join kinds on kinds.event_kind = reads.code
    group by all
),

final as (
    select
        events.ledger_row_id,
        events.source_file,
        events.source_sheet,
        events.source_row,
        events.scheme_code,
        events.unit_code,
        events.item_code,
        events.event_kind,
        '事项类型「' || coalesce(kinds.label_zh, events.event_kind) || '」没有指标读取：指标 '
        || events.item_code || coalesce(' 只读取 ' || item_kinds.kinds_read_zh, ' 不读取任何台账事项')
        || '，本行不计分' as reason_zh
    from events
    left join kinds on kinds.event_kind = events.event_kind
    left join item_kinds
        on item_kinds.scheme_code = events.scheme_code and item_kinds.item_code = events.item_code
    anti join reads
        on
            reads.scheme_code = events.scheme_code and reads.item_code = events.item_code
            and reads.code = events.event_kind
)

select * from final
