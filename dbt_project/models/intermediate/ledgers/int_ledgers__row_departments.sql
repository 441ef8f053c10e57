{#- The department answering for each ledger row (责任部门, issue 35: points lost by department
    is one GROUP BY), the first of:
    1. the unit itself when it is a department (seeds 000, 002: a department fills its own
       ledger and is assessed on it) — basis 'unit';
    2. the row's 责任部门 column, naming a department of the row's scheme by code, name or alias —
       basis 'ledger_column';
    3. the ledger file's place: a folder named after a department (ledgers/生态环境局/…), else
       the file name holding exactly one department's name or alias (yuhua_2020_区交警大队.csv)
       — basis 'ledger_file';
    4. the item's lead department in the scheme (seed 003 牵头单位, seed 001 考核单位 first named;
       stg_scheme__item_departments) — basis 'scheme_item'.
    A written department the scheme does not know is kept as written (department_written) and
    flagged (is_department_unknown, counted in fct_ledger_file_report): the row still loads and
    takes its department from 3 or 4, so a name typed differently never hands a point back. -#}

with rows as (
    select
        ledger_row_id,
        scheme_code,
        unit_code,
        item_code,
        department_written,
        source_file,
        -- folders below ledgers/ and the file name without its extension
        string_split(source_file, '/')[2:-1] as folders,
        regexp_replace(string_split(source_file, '/')[-1], '\.[^.]*$', '') as file_stem
    from {{ ref('int_ledgers__rows_resolved') }}
    where scheme_code is not null
),

departments as (
    select * from {{ ref('stg_scheme__departments') }}
),

names as (
    -- every name a ledger may use for a department: its code, its name, its aliases
    select distinct
        d.scheme_code,
        d.department_code,
        lower(trim(n.name)) as name_key
    from departments as d,
        unnest(list_concat([d.department_code, d.department_name], d.aliases)) as n (name)
    where length(trim(n.name)) >= 2
),

by_unit as (
    select rows.ledger_row_id, d.department_code
    from rows
    inner join departments as d
        on d.scheme_code = rows.scheme_code and d.department_code = rows.unit_code and d.is_unit
),

by_column as (
    select rows.ledger_row_id, any_value(names.department_code) as department_code
    from rows
    inner join names
        on names.scheme_code = rows.scheme_code and names.name_key = lower(trim(rows.department_written))
    group by rows.ledger_row_id
),

by_folder as (
    -- the folder nearest the file wins
    select ledger_row_id, arg_max(department_code, depth) as department_code
    from (
        select rows.ledger_row_id, names.department_code, f.depth
        from rows,
            unnest(rows.folders) with ordinality as f (folder, depth)
        inner join names
            on names.scheme_code = rows.scheme_code and names.name_key = lower(trim(f.folder))
    )
    group by ledger_row_id
),

by_file_name as (
    -- the file name names one department (its longest matching name decides between 生态环境局
    -- and 市生态环境局 of the same department); two departments named → none
    select ledger_row_id, any_value(department_code) as department_code
    from (
        select distinct rows.ledger_row_id, names.department_code
        from rows
        inner join names
            on
                names.scheme_code = rows.scheme_code
                and contains(lower(rows.file_stem), names.name_key)
    )
    group by ledger_row_id
    having count(*) = 1
),

by_item as (
    select rows.ledger_row_id, items.department_code
    from rows
    inner join {{ ref('stg_scheme__item_departments') }} as items
        on
            items.scheme_code = rows.scheme_code and items.item_code = rows.item_code
            and items.department_role = 'lead'
),

chosen as (
    select
        rows.ledger_row_id,
        rows.scheme_code,
        rows.department_written,
        -- unknown to the row's scheme; a row of another year's scheme (not scored in this run,
        -- its departments not loaded) is that year's to judge
        rows.department_written is not null and by_column.department_code is null
        and rows.scheme_code in (select departments.scheme_code from departments)
            as is_department_unknown,
        coalesce(
            by_unit.department_code, by_column.department_code, by_folder.department_code,
            by_file_name.department_code, by_item.department_code
        ) as department_code,
        case
            when by_unit.department_code is not null then 'unit'
            when by_column.department_code is not null then 'ledger_column'
            when coalesce(by_folder.department_code, by_file_name.department_code) is not null
                then 'ledger_file'
            when by_item.department_code is not null then 'scheme_item'
        end as department_basis
    from rows
    left join by_unit using (ledger_row_id)
    left join by_column using (ledger_row_id)
    left join by_folder using (ledger_row_id)
    left join by_file_name using (ledger_row_id)
    left join by_item using (ledger_row_id)
),

final as (
    select
        ---------- ids
        chosen.ledger_row_id,
        ---------- the department
        chosen.department_code,
        departments.department_name,
        chosen.department_basis,
        ---------- as written
        chosen.department_written,
        chosen.is_department_unknown
    from chosen
    left join departments
        on
            departments.scheme_code = chosen.scheme_code
            and departments.department_code = chosen.department_code
)

select * from final
