{# Monthly profit and loss in base currency from the ledger's revenue and expense accounts. #}

with

lines as (

    select
        cast({{ dbt.date_trunc('month', 'lines.entry_date') }} as date) as month_start,
        accounts.account_role,
        lines.net_amount_base
    from {{ ref('fct_journal_lines') }} as lines
    inner join {{ ref('chart_of_accounts') }} as accounts
        on lines.account_code = accounts.account_code

),

months as (

    select distinct month_start from lines

),

by_month as (

    select
        months.month_start,
        {% for column, roles, sign in [
            ('tour_revenue_base', ['revenue'], -1),
            ('cancellation_income_base', ['cancellation_income'], -1),
            ('refunds_base', ['refunds'], 1),
            ('cost_of_tours_base', ['cost_of_tours'], 1),
            ('gateway_fees_base', ['gateway_fees'], 1),
            ('commissions_base', ['commission_expense'], 1),
            ('chargeback_losses_base', ['chargeback_losses'], 1),
            ('fx_gain_loss_base', ['fx_gain_loss'], -1)] %}
        cast(coalesce(sum(case when lines.account_role in ('{{ roles | join("', '") }}')
            then {{ sign }} * lines.net_amount_base end), 0) as numeric(18, 2)) as {{ column }}{{ "," if not loop.last }}
        {% endfor %}
    from months
    left join lines
        on months.month_start = lines.month_start
    group by months.month_start

)

select
    month_start,
    tour_revenue_base,
    cancellation_income_base,
    refunds_base,
    cast(tour_revenue_base + cancellation_income_base - refunds_base as numeric(18, 2)) as net_revenue_base,
    cost_of_tours_base,
    cast(tour_revenue_base + cancellation_income_base - refunds_base - cost_of_tours_base as numeric(18, 2)) as gross_margin_base,
    gateway_fees_base,
    commissions_base,
    chargeback_losses_base,
    fx_gain_loss_base,
    cast(
        tour_revenue_base + cancellation_income_base - refunds_base - cost_of_tours_base
        - gateway_fees_base - commissions_base - chargeback_losses_base + fx_gain_loss_base
        as numeric(18, 2)
    ) as net_income_base
from by_month
