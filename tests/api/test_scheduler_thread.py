"""The web process runs the timer loop itself: a due reminder fires without anyone calling the scheduler."""

import time
from datetime import timedelta

from fastapi.testclient import TestClient

from api.app import create_app
from tests.cases import walk_to_verification


def test_the_scheduler_inside_the_web_process_fires_due_timers(world):
    case_id = walk_to_verification(world, days=5)
    settings = world.settings.model_copy(update={"scheduler_interval_seconds": 0.05})
    app = create_app(settings, services=world.services, session_factory=world.factory, run_scheduler=True)
    with TestClient(app):
        world.clock.advance(timedelta(days=30))
        deadline = time.monotonic() + 120  # a bound for a stuck scheduler, not a speed requirement
        while time.monotonic() < deadline:
            task = world.ready_task(case_id, "verify_report")
            if task.escalated and task.reminded_at is not None:
                break
            time.sleep(0.05)
    assert task.reminded_at is not None and task.escalated is True
    assert world.ready_task(case_id, "follow_up_overdue_verification") is not None
