"""Where the slow work runs, away from the acknowledgement: bounded worker lanes and a timer.

Listeners only classify a request and hand a job to a lane, so Slack gets its acknowledgement whatever
the engine or the Web API are doing. Separate lanes keep a burst of alerts from delaying `/smtp`, and
the timer lets paced posts wait for their slot without holding a worker thread.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import queue
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

Task = Callable[[], None]


class Lane:
    """A fixed pool of worker threads fed by a bounded queue."""

    def __init__(self, name: str, workers: int, limit: int) -> None:
        self.name = name
        self._queue: queue.Queue[Task | None] = queue.Queue(maxsize=limit)
        self._abandoned = False
        self._closed = False
        self._threads = [
            threading.Thread(target=self._work, name=f"smtpbot-{name}-{i}", daemon=True)
            for i in range(workers)
        ]
        self._busy = 0
        self._busy_lock = threading.Lock()
        for thread in self._threads:
            thread.start()

    def submit(self, task: Task) -> bool:
        """Queue a task; False when the lane is full or stopped (the caller decides what that means)."""
        if self._abandoned or self._closed:
            return False
        try:
            self._queue.put_nowait(task)
        except queue.Full:
            log.warning("work lane full", extra={"lane": self.name})
            return False
        return True

    @property
    def pending(self) -> int:
        with self._busy_lock:
            return self._queue.qsize() + self._busy

    def _work(self) -> None:
        while True:
            task = self._queue.get()
            if task is None or self._abandoned:
                return
            with self._busy_lock:
                self._busy += 1
            try:
                task()
            except Exception:  # a task's own error handling failed; keep the worker alive
                log.exception("task failed", extra={"lane": self.name})
            finally:
                with self._busy_lock:
                    self._busy -= 1

    def stop(self, timeout: float) -> bool:
        """Finish what is queued (up to `timeout`), then stop the workers. True if everything finished."""
        deadline = time.monotonic() + timeout
        while self.pending and time.monotonic() < deadline:
            time.sleep(0.02)
        drained = not self.pending
        self._closed = True
        for _ in self._threads:
            try:
                self._queue.put(None, timeout=max(0.0, deadline - time.monotonic()))
            except queue.Full:
                break
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return drained

    def abandon(self) -> None:
        """Stop taking and running tasks now, dropping the queue (what a crash looks like)."""
        self._abandoned = True
        for _ in self._threads:
            try:
                self._queue.put_nowait(None)
            except queue.Full:
                break


class Scheduler:
    """One timer thread: runs short callbacks (usually `lane.submit`) at a given time."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Task]] = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="smtpbot-timer", daemon=True)
        self._thread.start()

    def call_later(self, delay: float, task: Task) -> None:
        with self._cond:
            heapq.heappush(self._heap, (time.monotonic() + max(0.0, delay), next(self._seq), task))
            self._cond.notify()

    @property
    def pending(self) -> int:
        with self._cond:
            return len(self._heap)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopped and (not self._heap or self._heap[0][0] > time.monotonic()):
                    wait = self._heap[0][0] - time.monotonic() if self._heap else None
                    self._cond.wait(wait)
                if self._stopped:
                    return
                _, _, task = heapq.heappop(self._heap)
            try:
                task()
            except Exception:
                log.exception("timer task failed")

    def stop(self, timeout: float) -> bool:
        """Wait for scheduled tasks to come due (up to `timeout`), then stop. True if none was left."""
        deadline = time.monotonic() + timeout
        while self.pending and time.monotonic() < deadline:
            time.sleep(0.02)
        drained = not self.pending
        self.abandon()
        self._thread.join(max(0.0, deadline - time.monotonic()))
        return drained

    def abandon(self) -> None:
        with self._cond:
            self._stopped = True
            self._heap.clear()
            self._cond.notify_all()
