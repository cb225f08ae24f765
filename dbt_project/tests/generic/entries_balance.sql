{#
    Double entry: within each group (e.g. a journal entry) the debits equal the credits.
    Without group_by the whole model must balance.
#}
{% test entries_balance(model, debit_column='debit_base', credit_column='credit_base', group_by=none) %}

select
    {% if group_by %}{{ group_by }},{% endif %}
    sum({{ debit_column }}) as total_debits,
    sum({{ credit_column }}) as total_credits
from {{ model }}
{% if group_by %}group by {{ group_by }}{% endif %}
having sum({{ debit_column }}) <> sum({{ credit_column }})

{% endtest %}
