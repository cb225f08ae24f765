{#
    Every row satisfies a boolean SQL expression. Model-level usage:
      - expression_is_true:
          arguments:
            expression: "total_amount >= 0"
    Restrict the rows checked with the standard `config: {where: ...}`.
#}
{% test expression_is_true(model, expression) %}

select *
from {{ model }}
where not ({{ expression }})

{% endtest %}
