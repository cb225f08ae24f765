"""Runs that recover: find runs whose process died, mark them failed and free their pool slots.

Why this exists: `tourstack refresh` and `tourstack demo` execute the warehouse refresh *in
process* (`dagster.materialize`). If that process is killed (SIGKILL, OOM killer, a closed
laptop lid that never wakes the shell), nothing is left to write the run's end event: the run
stays STARTED in the instance and keeps its `warehouse_writer` slot. The pool has one slot
(dagster.yaml), so every later refresh waits for a slot that is never freed.

The daemon's run monitoring cannot help here. The DefaultRunLauncher has no worker health
check, so the monitor only fails a STARTED run once it exceeds its maximum runtime, and only
while a daemon is running (`tourstack ui` or the production deployment), which the CLI does
not need. So the CLI checks for itself, before it starts a run:

- every in-process run is tagged with its owner: host, pid and the process's start time (the
  pid alone is not enough: after a reboot or a long uptime the pid may belong to another
  process, and a live stranger must not keep a dead run "alive");
- a run that is unfinished, or that holds or waits for a pool slot, and whose owner on this
  host is gone, is marked failed with a message saying so, and its slots are freed.

Runs without owner tags (launched by the daemon or by an older Tourstack) and runs owned by
another host are left alone: this process cannot tell whether they are alive.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dagster import DagsterEventType, DagsterInstance, DagsterRunStatus, RunsFilter

OWNER_HOST_TAG = "tourstack/owner_host"
OWNER_PID_TAG = "tourstack/owner_pid"
OWNER_START_TAG = "tourstack/owner_start"

# Unfinished states a dead owner can leave behind. QUEUED is included for runs a CLI submitted
# to a queue; CANCELING because the process may have died while cancelling.
UNFINISHED = [
    DagsterRunStatus.QUEUED,
    DagsterRunStatus.NOT_STARTED,
    DagsterRunStatus.STARTING,
    DagsterRunStatus.STARTED,
    DagsterRunStatus.CANCELING,
]

ALIVE, DEAD, ELSEWHERE, UNKNOWN = "alive", "dead", "elsewhere", "unknown"


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def process_start_token(pid: int) -> str | None:
    """An identity for the process `pid` that a later process with the same pid cannot share:
    the boot id plus the start time in clock ticks since boot (Linux /proc). Empty where /proc
    is unavailable (then only the pid is compared); None if no process `pid` exists."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None if Path("/proc/self/stat").exists() else ("" if _pid_exists(pid) else None)
    except OSError:
        return "" if _pid_exists(pid) else None
    # The command name (field 2) is in parentheses and may contain spaces: split after it.
    fields = stat.rpartition(")")[2].split()
    if len(fields) > 19 and fields[0] == "Z":
        return None  # a zombie has exited; only its exit status is waiting to be collected
    return f"{_boot_id()}/{fields[19]}" if len(fields) > 19 else ""


def _pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, it just belongs to another user
    return True


@dataclass(frozen=True)
class Owner:
    """The process that executes a run in process."""

    host: str
    pid: int
    start: str  # process_start_token() when the run was created

    @classmethod
    def current(cls) -> Owner:
        pid = os.getpid()
        return cls(socket.gethostname(), pid, process_start_token(pid) or "")

    @classmethod
    def from_tags(cls, tags: dict[str, str]) -> Owner | None:
        try:
            return cls(tags[OWNER_HOST_TAG], int(tags[OWNER_PID_TAG]), tags.get(OWNER_START_TAG, ""))
        except (KeyError, ValueError):
            return None

    def tags(self) -> dict[str, str]:
        return {OWNER_HOST_TAG: self.host, OWNER_PID_TAG: str(self.pid), OWNER_START_TAG: self.start}

    def state(self) -> str:
        """ALIVE, DEAD, or ELSEWHERE (another host: this process cannot look)."""
        if self.host != socket.gethostname():
            return ELSEWHERE
        token = process_start_token(self.pid)
        if token is None:
            return DEAD
        # Same pid but another start time: the pid was reused, the owner is gone.
        if self.start and token and token != self.start:
            return DEAD
        return ALIVE


def owner_state(tags: dict[str, str]) -> str:
    owner = Owner.from_tags(tags)
    return owner.state() if owner else UNKNOWN


@dataclass(frozen=True)
class RecoveredRun:
    run_id: str
    pid: int
    steps: tuple[str, ...]  # steps started and never finished
    pools: tuple[str, ...]  # pools whose slots (or queue places) were freed
    marked_failed: bool  # False: the run had already ended, only its slots were stale

    def describe(self) -> str:
        freed = (
            f"freed {', '.join(self.pools)} slot{'s' if len(self.pools) > 1 else ''}"
            if self.pools else "held no pool slot"
        )
        if not self.marked_failed:
            return (f"run {self.run_id[:8]} (pid {self.pid}) had ended but its process died "
                    f"holding a slot; {freed}")
        where = f"died at step {', '.join(self.steps)}" if self.steps else "died before any step ran"
        return f"run {self.run_id[:8]} (pid {self.pid}) {where}; marked failed, {freed}"


def _pool_usage(instance: DagsterInstance) -> dict[str, set[str]]:
    """run id -> pools in which it holds a slot or waits in the queue."""
    storage = instance.event_log_storage
    usage: dict[str, set[str]] = {}
    if not storage.supports_global_concurrency_limits:
        return usage
    keys = sorted(storage.get_concurrency_keys())
    for key, info in storage.get_concurrency_infos(keys).items():
        for slot in info.claimed_slots:
            usage.setdefault(slot.run_id, set()).add(key)
        for pending in info.pending_steps:
            usage.setdefault(pending.run_id, set()).add(key)
    return usage


def unfinished_steps(instance: DagsterInstance, run_id: str) -> tuple[str, ...]:
    events = instance.all_logs(
        run_id,
        of_type={DagsterEventType.STEP_START, DagsterEventType.STEP_SUCCESS,
                 DagsterEventType.STEP_FAILURE, DagsterEventType.STEP_SKIPPED},
    )
    started: dict[str, None] = {}
    for event in events:
        step = event.step_key
        if step is None:
            continue
        if event.dagster_event_type == DagsterEventType.STEP_START:
            started[step] = None
        else:
            started.pop(step, None)
    return tuple(started)


def recover_dead_runs(instance: DagsterInstance) -> list[RecoveredRun]:
    """Fail every run whose owner process on this host is dead and free its pool slots."""
    usage = _pool_usage(instance)
    runs = {run.run_id: run for run in instance.get_runs(RunsFilter(statuses=UNFINISHED))}
    missing = [run_id for run_id in usage if run_id not in runs]
    if missing:  # finished runs that still hold slots (e.g. failed from the UI)
        runs.update({run.run_id: run for run in instance.get_runs(RunsFilter(run_ids=missing))})
    recovered = []
    for run in runs.values():
        owner = Owner.from_tags(run.tags)
        if owner is None or owner.state() != DEAD:
            continue
        steps = unfinished_steps(instance, run.run_id)
        marked = not run.is_finished
        if marked:
            where = f" during step {', '.join(steps)}" if steps else ""
            instance.report_run_failed(
                run,
                f"The process running this run (pid {owner.pid} on {owner.host}) died{where} "
                "without recording an outcome; marked failed by a later tourstack run.",
            )
        pools = tuple(sorted(usage.get(run.run_id, ())))
        if pools:
            instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        if marked or pools:
            recovered.append(RecoveredRun(run.run_id, owner.pid, steps, pools, marked))
    return recovered


@dataclass(frozen=True)
class Holder:
    """A run holding a slot that a step of ours is waiting for."""

    run_id: str
    step_key: str
    pid: int | None
    started: float | None
    state: str

    def describe(self, pool: str) -> str:
        who = f"pid {self.pid}" if self.pid is not None else "owner not recorded"
        when = f", started {time.strftime('%H:%M', time.localtime(self.started))}" if self.started else ""
        line = f"waiting on slot {pool} held by run {self.run_id[:8]} ({who}{when})"
        if self.state == UNKNOWN:
            line += "; if that run is dead, mark it failed and free its slot in the Dagster UI"
        elif self.state == ELSEWHERE:
            line += " on another host"
        return line


def blocking_holders(instance: DagsterInstance, owner: Owner) -> dict[str, list[Holder]]:
    """pool -> the runs holding its slots, for each pool in which a run owned by `owner` waits
    for a slot it has not been given. Empty when nothing of ours is waiting."""
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return {}
    ours = {
        run.run_id
        for run in instance.get_runs(RunsFilter(statuses=UNFINISHED, tags=owner_filter(owner)))
    }
    if not ours:
        return {}
    waiting: dict[str, list[Holder]] = {}
    infos = storage.get_concurrency_infos(sorted(storage.get_concurrency_keys()))
    for key, info in infos.items():
        if not any(p.run_id in ours and p.assigned_timestamp is None for p in info.pending_steps):
            continue
        holders = []
        for slot in info.claimed_slots:
            if slot.run_id in ours:
                continue
            record = instance.get_run_record_by_id(slot.run_id)
            tags = record.dagster_run.tags if record else {}
            held_by = Owner.from_tags(tags)
            holders.append(Holder(
                slot.run_id, slot.step_key, held_by.pid if held_by else None,
                # A run that has not logged its start yet is dated by its creation.
                (record.start_time or record.create_timestamp.timestamp()) if record else None,
                owner_state(tags),
            ))
        waiting[key] = holders
    return waiting


def owner_filter(owner: Owner) -> dict[str, str]:
    return {OWNER_HOST_TAG: owner.host, OWNER_PID_TAG: str(owner.pid)}


class SlotWatcher(threading.Thread):
    """Polls the instance while an in-process run executes, so a refresh that waits on a pool
    slot says so (and why) instead of hanging silently. If the holder turns out to be a run
    whose process died, it is recovered on the spot and the wait ends."""

    def __init__(self, owner: Owner, notify: Callable[[str | None, bool], None],
                 recovered: Callable[[RecoveredRun], None], interval: float = 3.0) -> None:
        super().__init__(name="tourstack-slot-watcher", daemon=True)
        self._owner, self._notify, self._recovered = owner, notify, recovered
        self._interval = interval
        self._stop_event = threading.Event()

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=10)

    def run(self) -> None:
        # Its own instance: the run's instance belongs to the executing thread.
        with DagsterInstance.get() as instance:
            last: str | None = None
            announced: set[str] = set()  # a holder is named once, even if the wait flickers
            while not self._stop_event.wait(self._interval):
                try:
                    line = self._check(instance)
                except Exception:  # noqa: BLE001 - the notice must never break the refresh
                    continue
                if line != last:
                    self._notify(line, line is not None and line not in announced)
                    announced.add(line or "")
                    last = line

    def _check(self, instance: DagsterInstance) -> str | None:
        waiting = blocking_holders(instance, self._owner)
        if any(h.state == DEAD for holders in waiting.values() for h in holders):
            for run in recover_dead_runs(instance):
                self._recovered(run)
            waiting = blocking_holders(instance, self._owner)
        # A pool nobody else holds is not a wait worth reporting: the slot was just freed and
        # the executor claims it at its next retry.
        lines = ["; ".join(h.describe(pool) for h in holders) for pool, holders in waiting.items() if holders]
        return "; ".join(lines) or None
