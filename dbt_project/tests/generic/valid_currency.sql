{#
    The column holds an ISO 4217-shaped code: three upper-case ASCII letters (nulls pass).
#}
{% test valid_currency(model, column_name) %}

select {{ column_name }} as invalid_currency
from {{ model }}
where {{ column_name }} is not null
    and (
        {{ dbt.length(column_name) }} <> 3
        or upper({{ column_name }}) <> {{ column_name }}
        or substr({{ column_name }}, 1, 1) not between 'A' and 'Z'
        or substr({{ column_name }}, 2, 1) not between 'A' and 'Z'
        or substr({{ column_name }}, 3, 1) not between 'A' and 'Z'
    )

{% endtest %}
