{#- Ledger events scoring reads: the LEDGER EVENTS CONTRACT (int_ledgers__events) — valid rows
    only (no row problem, no repeat), no personal data. status is 'confirmed' or 'excused';
    excused events (经核实剔除的火点不扣分, 001 5(2)②) stay here with their approval_ref: the rule
    models show them and count only confirmed ones. -#}

select * from {{ ref('int_ledgers__events') }}
