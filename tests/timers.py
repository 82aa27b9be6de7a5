"""Firing due timers in a test, as one pass of the worker fires them (``engine/cases/scheduler.py``)."""

from engine.cases.scheduler import WorkerSettings, fire_one_batch, keep_scheduled_processes_waiting
from engine.services import EngineServices


def fire_due_timers(factory, services: EngineServices, worker: WorkerSettings | None = None) -> int:
    """Start the scheduled processes' next instances, then claim one batch of due timers and fire them; returns how
    many fired."""
    worker = worker or WorkerSettings(worker_id="test-worker")
    keep_scheduled_processes_waiting(factory, services)
    return fire_one_batch(factory, services, worker).fired
