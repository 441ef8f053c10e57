{#- The ledger rows behind each movement, as a person finds them: a movement's source_keys holds
    ledger_row_ids (comma-separated) for the ledger-based rules; here each one is resolved to the
    event it records (date, kind, severity, who confirmed it, the ledger's own description) and
    where it is written (file, sheet, row). Published outputs (扣分说明, the 通报, the dashboard)
    cite these instead of row hashes. Descriptions come from the LEDGER EVENTS CONTRACT, which
    carries no personal data (contacts stay in restricted.duckdb). -#}

with movements as (
    select * from {{ ref('fct_score_movements') }}
),

events as (
    select * from {{ ref('int_scoring__events') }}
),

kinds as (
    select event_kind, label_zh from {{ ref('registry_event_kinds') }}
),

keys as (
    select
        movement_id,
        scheme_code,
        scheme_year,
        unit_code,
        item_code,
        movement_kind,
        trim(unnest(string_split(source_keys, ','))) as ledger_row_id
    from movements
    where source_keys is not null
),

final as (
    select
        ---------- ids
        keys.movement_id,
        keys.scheme_code,
        keys.scheme_year,
        keys.unit_code,
        keys.item_code,
        keys.movement_kind,
        events.ledger_row_id,
        ---------- the event
        events.event_date,
        events.event_kind,
        coalesce(kinds.label_zh, events.event_kind) as event_kind_zh,
        events.severity,
        events.issuing_level,
        events.status as event_status,
        events.description,
        ---------- where it is written
        events.source_file,
        events.source_sheet,
        events.source_row,
        ---------- for people: 2024年7月2日 突发环境事件（一般，市级）：…（台账 file 第 23 行）
        strftime(events.event_date, '%Y年%-m月%-d日') || ' '
        || coalesce(kinds.label_zh, events.event_kind)
        || case
            when events.severity is not null or events.issuing_level is not null
                then '（' || concat_ws(
                    '，', events.severity,
                    case when events.issuing_level is not null then events.issuing_level || '级认定' end
                ) || '）'
            else ''
        end
        || coalesce('：' || events.description, '') as event_zh,
        '台账 ' || regexp_replace(events.source_file, '^ledgers/', '')
        || coalesce('（工作表 ' || nullif(events.source_sheet, '') || '）', '')
        || ' 第 ' || events.source_row || ' 行' as source_zh
    from keys
    inner join events on events.ledger_row_id = keys.ledger_row_id
    left join kinds on kinds.event_kind = events.event_kind
)

select * from final
