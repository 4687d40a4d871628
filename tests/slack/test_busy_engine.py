"""Acknowledgements and /healthz never wait for the engine: explanations run on worker lanes, so a
backlog of large pastes being explained leaves the acknowledging threads free."""

from __future__ import annotations

import threading
import time

from slack_fixtures import (
    ALERT_CHANNEL,
    POSTFIX_ALERT,
    RunningApp,
    http_request,
    mention_event,
    message_event,
)

SLACK_MESSAGE_LIMIT = 40_000


def big_paste(seed: int) -> str:
    """A 40,000-character alert: a relay's log of bounces, each to another recipient."""
    lines, size, i = [], 0, 0
    while size < SLACK_MESSAGE_LIMIT - 400:
        line = POSTFIX_ALERT.replace("bob@example.net", f"user{seed}-{i}@example{i % 7}.net")
        lines.append(line)
        size += len(line) + 1
        i += 1
    return "\n".join(lines)[:SLACK_MESSAGE_LIMIT]


def test_acks_and_health_stay_fast_while_the_engine_is_busy(slack_app: RunningApp) -> None:
    for i in range(6):
        assert slack_app.event(message_event(big_paste(i), channel=ALERT_CHANNEL)).status == 200
        assert slack_app.event(mention_event(big_paste(100 + i), channel=f"C0BIG{i:05d}")).status == 200
    timings: list[float] = []
    health: list[float] = []

    def probe() -> None:
        for _ in range(10):
            started = time.perf_counter()
            assert http_request(slack_app.port, "GET", "/healthz").status == 200
            health.append(time.perf_counter() - started)

    prober = threading.Thread(target=probe)
    prober.start()
    for i in range(20):
        started = time.perf_counter()
        assert slack_app.event(mention_event("550 5.1.1", channel=f"C0SMALL{i:03d}")).status == 200
        timings.append(time.perf_counter() - started)
    prober.join()
    busy = slack_app.runtime.busy
    assert max(timings) < 1.0 and max(health) < 1.0, (max(timings), max(health), busy)
    assert slack_app.idle(120)
    assert len(slack_app.standin.posts()) >= 6 + 20  # the big pastes were explained too
