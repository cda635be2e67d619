"""The worker processes behind parsing (``jobs/bounded.py``): results in order, a task
past its time bound stopped and reported, a task that kills its process twice reported,
and nothing else lost. Real forked processes."""

from __future__ import annotations

import os
import time

from searchsvc.jobs.bounded import Handlers, run_bounded

HANDLERS = Handlers[int, str](overran=lambda task: f"{task} overran", died=lambda task: f"{task} died")


def work(task: int) -> str:
    if task == 3:
        os._exit(9)         # dies every time, as a crash in a library would
    if task == 5:
        time.sleep(60)      # stuck
    return f"{task} done"


def test_each_task_once_in_order_the_stuck_and_the_deadly_reported():
    seen: list[str] = []
    results = run_bounded(work, list(range(8)), workers=2, timeout=1.0, handlers=HANDLERS, done=seen.append)
    assert results == ["0 done", "1 done", "2 done", "3 died", "4 done", "5 overran", "6 done", "7 done"]
    assert sorted(seen) == sorted(results)


def test_no_bound_and_one_worker():
    assert run_bounded(str, [1, 2, 3], workers=1, timeout=None, handlers=HANDLERS) == ["1", "2", "3"]
    assert run_bounded(str, [], workers=4, timeout=1.0, handlers=HANDLERS) == []
