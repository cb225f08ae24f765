{#
    General-ledger helpers. Journal models post to accounts by role; the codes live in the
    chart_of_accounts seed and are looked up here at compile time, so a renumbered account needs
    only a seed change. Bank and gateway clearing accounts are resolved per row (by bank account
    number, currency or gateway).
#}

{# The account code of a single-account role, as a SQL string literal. #}
{% macro account(role) -%}
    (select min(account_code) from {{ ref('chart_of_accounts') }} where account_role = '{{ role }}')
{%- endmacro %}

{# Bank account for a currency (and optionally a bank account number); falls back to the base-currency bank. #}
{% macro bank_account_code(currency_col, bank_account_col=none) -%}
    coalesce(
        {%- if bank_account_col is not none %}
        (select min(coa.account_code) from {{ ref('chart_of_accounts') }} as coa
            where coa.account_role = 'bank' and coa.external_ref = {{ bank_account_col }}),
        {%- endif %}
        (select min(coa.account_code) from {{ ref('chart_of_accounts') }} as coa
            where coa.account_role = 'bank' and coa.currency = {{ currency_col }}),
        (select min(coa.account_code) from {{ ref('chart_of_accounts') }} as coa
            where coa.account_role = 'bank' and coa.currency = '{{ var("base_currency") }}')
    )
{%- endmacro %}

{# Where a payment's money lands: the gateway's clearing account, or the bank for bank transfers. #}
{% macro cash_account_code(gateway_col, currency_col) -%}
    coalesce(
        (select min(coa.account_code) from {{ ref('chart_of_accounts') }} as coa
            where coa.account_role = 'gateway_clearing' and coa.external_ref = {{ gateway_col }}),
        {{ bank_account_code(currency_col) }}
    )
{%- endmacro %}

{#
    The select list of one journal line, typed the same way in every int_journal_* model.
    amount_base is signed: positive = debit, negative = credit (base currency).
    amount is the original amount, signed the same way, in `currency`.
#}
{% macro journal_line(entry_id, entry_date, event_type, source_table, source_id, account_code,
                      amount_base, currency='null', amount='null', fx_rate='null',
                      fx_rate_date='null', fx_source='null', agency_id='null', booking_id='null',
                      invoice_id='null', supplier_id='null') -%}
    cast({{ entry_id }} as {{ dbt.type_string() }}) as entry_id,
    cast({{ entry_date }} as date) as entry_date,
    cast({{ event_type }} as {{ dbt.type_string() }}) as event_type,
    cast({{ source_table }} as {{ dbt.type_string() }}) as source_table,
    cast({{ source_id }} as bigint) as source_id,
    cast({{ account_code }} as {{ dbt.type_string() }}) as account_code,
    cast({{ amount_base }} as numeric(18, 2)) as amount_base,
    cast({{ currency }} as {{ dbt.type_string() }}) as currency,
    cast({{ amount }} as numeric(18, 3)) as amount,
    cast({{ fx_rate }} as numeric(18, 8)) as fx_rate,
    cast({{ fx_rate_date }} as date) as fx_rate_date,
    cast({{ fx_source }} as {{ dbt.type_string() }}) as fx_source,
    cast({{ agency_id }} as bigint) as agency_id,
    cast({{ booking_id }} as bigint) as booking_id,
    cast({{ invoice_id }} as bigint) as invoice_id,
    cast({{ supplier_id }} as bigint) as supplier_id
{%- endmacro %}

{# Entry id: '<event_type>:<source id>'. #}
{% macro entry_key(event_type, id_col) -%}
    '{{ event_type }}:' || cast({{ id_col }} as {{ dbt.type_string() }})
{%- endmacro %}
