{#- An item's status: one closed set of values, in order of precedence (issue 32):
      pending        — 待核: the item lost a ledger row to quarantine (int_ledgers__pending_items,
                       issue 31); withheld like missing data until the row is corrected — set by
                       int_scoring__compose_movements, not by a rule movement;
      not_applicable — the item does not apply to the unit (001 14(1) 无治理面积任务的，此项不计分):
                       nothing else about it counts (int_scoring__not_applicable);
      missing        — a rule found no input: the item is credited none of its points;
      flagged        — scored, on an input it had to guess at (a severity the price list lacks);
      scored         — scored.
    A rule movement's status is the first of its movements' statuses in this order. A new status
    is a new entry here (at its precedence), a glossary row status_<value> for its Chinese label,
    and the accepted values of the status columns (_scoring__docs.yml, the marts). -#}

{% macro item_statuses() -%}
{{ return(['pending', 'not_applicable', 'missing', 'flagged', 'scored']) }}
{%- endmacro %}


{% macro item_status(status_column) -%}
{#- the item's status from its movements' (an aggregate: use with group by) -#}
case
    {%- for status in item_statuses()[:-1] %}
        when bool_or({{ status_column }} = '{{ status }}') then '{{ status }}'
    {%- endfor %}
    else '{{ item_statuses()[-1] }}'
end
{%- endmacro %}
