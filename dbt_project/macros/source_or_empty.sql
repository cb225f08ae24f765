{#
    The body of a staging model's `source` CTE for a feed that may not have run in this
    warehouse yet (the payment-gateway extracts): the source table when it exists, otherwise an
    empty relation with the same columns and types, so the rest of the project still compiles
    and builds. At parse time (not execute) the source is always read, which records the
    dependency in the manifest.

    source_name, table_name: as in source(). columns: (name, type) pairs of the raw table.
#}
{% macro source_or_empty(source_name, table_name, columns) -%}
    {%- set src = source(source_name, table_name) -%}
    {%- set present = not execute
        or adapter.get_relation(database=src.database, schema=src.schema, identifier=src.identifier) is not none -%}
    {%- if present %}
    select * from {{ src }}
    {%- else %}
    select
    {%- for name, type in columns %}
        cast(null as {{ type }}) as {{ name }}{{ "," if not loop.last }}
    {%- endfor %}
    where 1 = 0
    {%- endif %}
{%- endmacro %}
