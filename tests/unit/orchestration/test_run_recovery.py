"""orchestration.recovery on a real (temporary, SQLite) Dagster instance: a run whose owner
process is dead is failed and its pool slot freed; live owners, other hosts and runs without an
owner are left alone; a waiting run can name the run that holds its slot."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
from dagster import DagsterEvent, DagsterEventType, DagsterRunStatus, instance_for_test
from dagster._core.definitions.dependency import NodeHandle
from dagster._core.execution.plan.handle import StepHandle
from dagster._core.test_utils import create_run_for_test

from orchestration.defs.pools import WAREHOUSE_WRITER
from orchestration.recovery import (
    DEAD,
    Owner,
    SlotWatcher,
    blocking_holders,
    process_start_token,
    recover_dead_runs,
)

DBT_STEP = "tourstack_dbt_models"


@pytest.fixture
def instance():
    with instance_for_test(
        overrides={"concurrency": {"pools": {"granularity": "op", "default_limit": 1}}}
    ) as inst:
        inst.event_log_storage.set_concurrency_slots(WAREHOUSE_WRITER, 1)
        yield inst


@pytest.fixture(scope="module")
def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()  # reaped: the pid names no process any more
    assert process_start_token(proc.pid) is None
    return proc.pid


def _run(instance, owner: Owner | None, *, status=DagsterRunStatus.STARTED,
         step: str | None = DBT_STEP, claim: bool = True) -> str:
    """A run as the instance would hold it, optionally inside `step` and holding the slot."""
    run = create_run_for_test(instance, job_name="__ASSET_JOB", status=status,
                              tags=owner.tags() if owner else {})
    if step:
        instance.report_dagster_event(
            DagsterEvent(DagsterEventType.STEP_START.value, "__ASSET_JOB",
                         step_handle=StepHandle(NodeHandle(step, None))),
            run_id=run.run_id,
        )
    if claim:
        storage = instance.event_log_storage
        assert storage.claim_concurrency_slot(WAREHOUSE_WRITER, run.run_id, step or "s").is_claimed
    return run.run_id


def _holders(instance) -> list[str]:
    info = instance.event_log_storage.get_concurrency_info(WAREHOUSE_WRITER)
    return [slot.run_id for slot in info.claimed_slots]


def test_dead_owner_is_marked_failed_and_its_slot_freed(instance, dead_pid):
    run_id = _run(instance, Owner(socket.gethostname(), dead_pid, "boot/123"))

    (recovered,) = recover_dead_runs(instance)

    assert recovered.run_id == run_id and recovered.marked_failed
    assert recovered.describe() == (
        f"run {run_id[:8]} (pid {dead_pid}) died at step {DBT_STEP}; marked failed, "
        f"freed {WAREHOUSE_WRITER} slot"
    )
    run = instance.get_run_by_id(run_id)
    assert run.status == DagsterRunStatus.FAILURE
    (failure,) = instance.all_logs(run_id, of_type=DagsterEventType.RUN_FAILURE)
    assert f"pid {dead_pid}" in failure.message and "died during step" in failure.message
    assert _holders(instance) == []
    assert recover_dead_runs(instance) == []  # nothing left to do the second time


def test_reused_pid_counts_as_dead(instance):
    # Our own pid, but recorded with another start time: the process that owned it is gone.
    run_id = _run(instance, Owner(socket.gethostname(), os.getpid(), "another-boot/1"))
    assert Owner.from_tags(instance.get_run_by_id(run_id).tags).state() == DEAD

    (recovered,) = recover_dead_runs(instance)

    assert recovered.run_id == run_id
    assert instance.get_run_by_id(run_id).status == DagsterRunStatus.FAILURE


def test_live_owner_is_untouched(instance):
    run_id = _run(instance, Owner.current())

    assert recover_dead_runs(instance) == []
    assert instance.get_run_by_id(run_id).status == DagsterRunStatus.STARTED
    assert _holders(instance) == [run_id]


def test_other_host_and_untagged_runs_are_untouched(instance, dead_pid):
    elsewhere = _run(instance, Owner("another-host.example", dead_pid, "boot/1"), claim=False)
    untagged = _run(instance, None)

    assert recover_dead_runs(instance) == []
    assert instance.get_run_by_id(elsewhere).status == DagsterRunStatus.STARTED
    assert instance.get_run_by_id(untagged).status == DagsterRunStatus.STARTED
    assert _holders(instance) == [untagged]


def test_finished_run_with_a_stale_slot_only_gets_its_slot_back(instance, dead_pid):
    run_id = _run(instance, Owner(socket.gethostname(), dead_pid, ""), status=DagsterRunStatus.FAILURE,
                  step=None)

    (recovered,) = recover_dead_runs(instance)

    assert not recovered.marked_failed and recovered.pools == (WAREHOUSE_WRITER,)
    assert recovered.describe() == (
        f"run {run_id[:8]} (pid {dead_pid}) had ended but its process died holding a slot; "
        f"freed {WAREHOUSE_WRITER} slot"
    )
    assert _holders(instance) == []


def test_unfinished_dead_run_without_slot_is_still_failed(instance, dead_pid):
    run_id = _run(instance, Owner(socket.gethostname(), dead_pid, ""), step=None, claim=False)

    (recovered,) = recover_dead_runs(instance)

    assert recovered.describe() == (
        f"run {run_id[:8]} (pid {dead_pid}) died before any step ran; marked failed, held no pool slot"
    )


def test_a_waiting_run_names_the_live_holder(instance):
    me = Owner.current()
    holder = _run(instance, Owner(me.host, os.getppid(), process_start_token(os.getppid()) or ""))
    waiter = _run(instance, me, step=None, claim=False)
    blocked = instance.event_log_storage.claim_concurrency_slot(WAREHOUSE_WRITER, waiter, DBT_STEP)
    assert not blocked.is_claimed

    waiting = blocking_holders(instance, me)

    (held,) = waiting[WAREHOUSE_WRITER]
    assert held.run_id == holder and held.pid == os.getppid()
    line = held.describe(WAREHOUSE_WRITER)
    assert line.startswith(
        f"waiting on slot {WAREHOUSE_WRITER} held by run {holder[:8]} (pid {os.getppid()}, started ")
    assert blocking_holders(instance, Owner(me.host, 1, "")) == {}  # nobody else is waiting


def test_the_watcher_recovers_a_holder_that_died_while_we_wait(instance, dead_pid):
    me = Owner.current()
    dead = _run(instance, Owner(me.host, dead_pid, ""))
    waiter = _run(instance, me, step=None, claim=False)
    storage = instance.event_log_storage
    assert not storage.claim_concurrency_slot(WAREHOUSE_WRITER, waiter, DBT_STEP).is_claimed
    recovered = []
    watcher = SlotWatcher(me, notify=lambda *_: None, recovered=recovered.append)

    assert watcher._check(instance) is None  # the slot is free again: nothing left to wait on

    assert [r.run_id for r in recovered] == [dead]
    assert instance.get_run_by_id(dead).status == DagsterRunStatus.FAILURE
