"""Worker processes that run one task at a time each, every task within a time bound.

``concurrent.futures``' pool can neither say which task a worker is running nor stop
one task: a parser stuck on one pathological file stalled the whole reindex. Here the
parent hands each worker one task at a time over a pipe, so it knows what each one
runs and since when. A worker past the bound is killed and replaced, costing only its
task; a worker that dies (out of memory, a crash in a library) has its task run once
more in a fresh process, and fails it only if that one dies too.

Workers are forked: they inherit the task list, so only the task's index and the
result cross the pipe.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Generic, TypeVar

from ..processes import die_with_parent

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class Handlers(Generic[T, R]):
    """What the parent makes of a task that did not finish."""

    overran: Callable[[T], R]   # still running after the time bound: its worker was killed
    died: Callable[[T], R]      # its process died twice


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    task: int | None = None
    started: float = 0.0


def run_bounded(function: Callable[[T], R], tasks: Sequence[T], *, workers: int, timeout: float | None,
                handlers: Handlers[T, R], done: Callable[[R], None] | None = None) -> list[R]:
    """``function`` of every task, in order, in up to ``workers`` forked processes.

    :param timeout: seconds one task may take (None: no bound).
    :param done: called in the parent with each result, as it arrives.
    """
    context = multiprocessing.get_context("fork")
    results: dict[int, R] = {}
    queue: deque[int] = deque(range(len(tasks)))
    deaths: dict[int, int] = {}
    pool: list[_Worker] = []

    def finish(index: int, result: R) -> None:
        results[index] = result
        if done:
            done(result)

    def start() -> _Worker:
        parent_end, child_end = context.Pipe()
        process = context.Process(target=_serve, args=(function, tasks, child_end, os.getpid()), daemon=True)
        process.start()
        child_end.close()
        return _Worker(process, parent_end)

    def retire(worker: _Worker) -> None:
        worker.process.kill()
        worker.process.join()
        worker.conn.close()
        pool.remove(worker)

    try:
        while queue or any(w.task is not None for w in pool):
            while queue and len(pool) < max(1, min(workers, len(tasks))):
                pool.append(start())
            for worker in list(pool):
                if worker.task is None and queue:
                    try:
                        worker.conn.send(queue[0])
                    except OSError:  # died while idle: its task was none, a fresh one takes it
                        retire(worker)
                        continue
                    worker.task, worker.started = queue.popleft(), time.monotonic()
            busy = [w for w in pool if w.task is not None]
            if not busy:
                continue
            now = time.monotonic()
            wait_for = None if timeout is None else max(0.0, min(w.started + timeout for w in busy) - now)
            ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy], wait_for))
            for worker in busy:
                index = worker.task
                assert index is not None
                if worker.conn in ready or worker.process.sentinel in ready:
                    try:
                        finish(*worker.conn.recv())
                        worker.task = None
                        continue
                    except (EOFError, OSError):  # died: its task runs once more, in a fresh process
                        retire(worker)
                        deaths[index] = deaths.get(index, 0) + 1
                        if deaths[index] >= 2:
                            finish(index, handlers.died(tasks[index]))
                        else:
                            queue.appendleft(index)
                elif timeout is not None and time.monotonic() - worker.started >= timeout:
                    retire(worker)
                    finish(index, handlers.overran(tasks[index]))
    finally:
        # Idle workers are told to stop; busy ones (the run failed) are killed.
        for worker in pool:
            if worker.task is None:
                try:
                    worker.conn.send(None)
                except OSError:
                    pass
        for worker in list(pool):
            if worker.task is None:
                worker.process.join(timeout=5)
            retire(worker)
    return [results[index] for index in range(len(tasks))]


def _serve(function: Callable[[T], R], tasks: Sequence[T], conn: Connection, parent: int) -> None:
    """A worker: run the tasks the parent names, one at a time, until it sends None."""
    die_with_parent(parent)
    while (index := conn.recv()) is not None:
        conn.send((index, function(tasks[index])))
