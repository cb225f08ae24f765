{#
    Workload per staff member and month the task was opened: tasks assigned, completed, still
    pending (open or in progress), overdue (pending and due before the analytics reference date,
    var analytics_as_of or the build date: macro task_is_overdue), SLA compliance and average
    resolution time. Unassigned tasks appear with a null staff_user_id.

    SLA compliance = met / judged, as in ops_monthly: met = done at or before sla_due_at;
    breached = done after it, or overdue; pending tasks not yet due are not judged.
#}

with

tasks as (

    select * from {{ ref('stg_staff_tasks') }}

),

staff as (

    select * from {{ ref('stg_staff_users') }}

),

aggregated as (

    select
        cast({{ dbt.date_trunc('month', 'opened_at') }} as date) as month_start,
        staff_user_id,
        count(*) as tasks_assigned,
        sum(case when status = 'done' then 1 else 0 end) as tasks_completed,
        sum(case when status in ('open', 'in_progress') then 1 else 0 end) as tasks_pending,
        sum(case when {{ task_is_overdue('status', 'sla_due_at') }} then 1 else 0 end) as tasks_overdue,
        sum(case when status = 'done' and completed_at <= sla_due_at then 1 else 0 end) as tasks_within_sla,
        sum(case when {{ task_breached_sla('status', 'completed_at', 'sla_due_at') }} then 1 else 0 end)
            as tasks_breached_sla,
        sum(case when status = 'done' then {{ seconds_between('opened_at', 'completed_at') }} else 0 end)
            as resolution_seconds
    from tasks
    group by {{ dbt.date_trunc('month', 'opened_at') }}, staff_user_id

)

select
    cast(aggregated.month_start as date) as month_start,
    cast(aggregated.staff_user_id as bigint) as staff_user_id,
    cast(staff.staff_user_name as {{ dbt.type_string() }}) as staff_user_name,
    cast(staff.role as {{ dbt.type_string() }}) as staff_role,
    cast(aggregated.tasks_assigned as bigint) as tasks_assigned,
    cast(aggregated.tasks_completed as bigint) as tasks_completed,
    cast(aggregated.tasks_pending as bigint) as tasks_pending,
    cast(aggregated.tasks_overdue as bigint) as tasks_overdue,
    cast(aggregated.tasks_within_sla as bigint) as tasks_within_sla,
    cast(aggregated.tasks_breached_sla as bigint) as tasks_breached_sla,
    {{ kpi_ratio('aggregated.tasks_within_sla', 'aggregated.tasks_within_sla + aggregated.tasks_breached_sla') }}
        as sla_compliance_rate,
    {{ avg_hours('aggregated.resolution_seconds', 'aggregated.tasks_completed') }} as avg_resolution_hours
from aggregated
left join staff
    on aggregated.staff_user_id = staff.staff_user_id
