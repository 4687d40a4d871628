"""Redis down or hung: the bot keeps answering from each replica's memory, acknowledgements never wait
on Redis for more than a quarter of a second, /readyz says so, and Redis is used again as soon as it answers.

Each test runs a Redis server of its own on a spare port and kills, freezes (SIGSTOP) or restarts it.
"""

from __future__ import annotations

import json
import threading
import time
import uuid

import pytest
import redis
from redis_server import RedisServer
from slack_fixtures import GMAIL_BOUNCE, RunningApp, http_request, mention_event, start_app

from bot.state import build_state
from bot.state.fallback import FallbackState

ACK_BUDGET = 0.4  # seconds: Redis may cost an acknowledgement 0.1 s; the rest is a loaded test machine


def wait_until(predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return bool(predicate())


def test_every_state_call_carries_on_in_memory_while_redis_is_down(own_redis: RedisServer) -> None:
    state = build_state(own_redis.url, "t:")
    assert isinstance(state, FallbackState)
    try:
        assert state.accept("job-1", "{}", ("event:1",), 60, 5)
        assert state.status() == "ok"
        own_redis.kill()
        # every call answers (from memory), none raises
        assert state.accept("job-2", "{}", ("event:2",), 60, 5)
        assert not state.accept("job-3", "{}", ("event:2",), 60, 5)  # de-duplicated on this replica
        assert state.claim("answered:x", 60, owner="job-2")
        state.put("share:1", "v", 60)
        assert state.get("share:1") == "v"
        assert state.flood_hit("k", "m1", 60, 5).post
        assert state.flood_posted("k", "1.1", 1) is not None
        assert state.pace_reserve("C1", 1.0) == 0.0
        state.renew(("job-2",), 5)
        state.finish("job-2")
        assert state.reclaim(5, 10) == []
        assert state.status().startswith("degraded: unreachable")

        own_redis.start()  # same port, empty
        assert wait_until(lambda: state.status() == "ok"), state.status()
        assert state.accept("job-4", "{}", ("event:4",), 60, 5)
        direct = redis.Redis(port=own_redis.port, decode_responses=True)
        assert direct.get("t:v:event:4") == "job-4"  # back on Redis
        direct.close()
    finally:
        state.close()


def test_a_frozen_redis_costs_a_call_a_quarter_second_then_nothing(own_redis: RedisServer) -> None:
    state = build_state(own_redis.url, "t:")
    try:
        assert state.accept("job-1", "{}", ("event:1",), 60, 5)
        own_redis.freeze()
        started = time.perf_counter()
        assert state.accept("job-2", "{}", ("event:2",), 60, 5)
        first = time.perf_counter() - started
        assert first < ACK_BUDGET, first
        # the probe (a ping with the longer timeout) finds Redis frozen and opens the breaker
        assert wait_until(lambda: state.degraded, 3)
        started = time.perf_counter()
        for i in range(50):
            state.accept(f"job-x{i}", "{}", (f"event:x{i}",), 60, 5)
        assert (time.perf_counter() - started) / 50 < 0.01  # the breaker is open: no waiting at all
        own_redis.thaw()
        assert wait_until(lambda: not state.degraded)
        assert state.accept("job-5", "{}", ("event:5",), 60, 5)
    finally:
        if own_redis.frozen:
            own_redis.thaw()
        state.close()


def ack_seconds(app: RunningApp, n: int) -> tuple[list[float], list[str]]:
    """Deliver `n` mentions, each in a channel of its own (answers are paced per channel); their
    acknowledgement times and timestamps."""
    times, stamps = [], []
    for _ in range(n):
        event = mention_event("550 5.1.1 user unknown", channel=f"C0{uuid.uuid4().hex[:8].upper()}")
        started = time.perf_counter()
        reply = app.event(event)
        times.append(time.perf_counter() - started)
        assert reply.status == 200
        stamps.append(event["ts"])
    return times, stamps


def answered(app: RunningApp, stamps: list[str]) -> set[str]:
    return {str(c.params.get("thread_ts")) for c in app.standin.posts()} & set(stamps)


@pytest.mark.parametrize("fault", ["killed", "frozen"])
def test_the_bot_keeps_answering_over_the_wire_while_redis_fails(
    standin, engine, own_redis: RedisServer, fault: str
) -> None:
    app = start_app(standin, engine, state=build_state(own_redis.url, "t:"), redis_url=own_redis.url)
    try:
        _, stamps = ack_seconds(app, 3)
        own_redis.kill() if fault == "killed" else own_redis.freeze()
        down_times, down_stamps = ack_seconds(app, 20)
        reply, response_url = app.command(GMAIL_BOUNCE)
        assert reply.status == 200
        assert max(down_times) < ACK_BUDGET, down_times
        ready = http_request(app.port, "GET", "/readyz")
        assert ready.status == 200 and ready.json()["checks"]["redis"].startswith("degraded: unreachable")
        assert standin.wait_for(lambda: answered(app, stamps + down_stamps) == set(stamps + down_stamps))
        assert standin.wait_for(
            lambda: [c for c in standin.responses() if c.path.endswith(response_url[-32:])]
        )
        # the private answer offers its Share button: the shareable copy waits in this replica's memory
        assert "share" in json.dumps(standin.responses()[-1].json_param("blocks")).lower()

        own_redis.thaw() if fault == "frozen" else own_redis.start()
        assert wait_until(lambda: http_request(app.port, "GET", "/readyz").json()["checks"]["redis"] == "ok")
        _, after = ack_seconds(app, 3)
        assert standin.wait_for(lambda: answered(app, after) == set(after))
        assert len(standin.posts()) == 26  # one answer per mention: none lost, none twice
    finally:
        if own_redis.frozen:
            own_redis.thaw()
        app.stop()


def test_jobs_finished_while_redis_was_frozen_are_not_run_again(own_redis: RedisServer) -> None:
    state = build_state(own_redis.url, "t:")
    other = build_state(own_redis.url, "t:")  # another replica
    assert isinstance(state, FallbackState)
    try:
        assert state.accept("job-1", "{}", ("event:1",), 60, 0.5)
        own_redis.freeze()
        state.finish("job-1")  # Redis cannot hear it
        time.sleep(0.6)  # and job-1's lease runs out meanwhile
        own_redis.thaw()
        assert wait_until(lambda: not state.degraded)
        time.sleep(0.2)
        assert other.reclaim(0.5, 10) == []  # cleared from the journal: nobody answers it again
    finally:
        if own_redis.frozen:
            own_redis.thaw()
        state.close()
        other.close()


def test_one_slow_answer_costs_one_call_and_its_job_reaches_the_journal(own_redis: RedisServer) -> None:
    state = build_state(own_redis.url, "t:")
    other = build_state(own_redis.url, "t:")  # another replica
    assert isinstance(state, FallbackState)
    try:
        assert state.ping() is None and state.status() == "ok"
        own_redis.freeze()
        threading.Timer(0.3, own_redis.thaw).start()  # a pause, not an outage
        assert state.accept("job-slow", "{}", ("event:slow",), 60, 0.5)  # answered from memory
        assert wait_until(lambda: state._prober is not None and not state._prober.is_alive(), 5)
        assert not state.degraded  # the probe found Redis answering: no split state
        assert state.claim("answered:x", 60)  # and calls go to Redis again
        time.sleep(0.6)
        # the job accepted in memory is in Redis's journal: another replica finishes it if this one dies
        assert [e.job_id for e in other.reclaim(0.5, 10)] == ["job-slow"]
    finally:
        if own_redis.frozen:
            own_redis.thaw()
        state.close()
        other.close()
