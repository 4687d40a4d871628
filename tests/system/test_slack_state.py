"""The shared-state contract, run against both implementations: in-process memory and the real Redis."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

import pytest
import redis

from bot.state import MemoryState, SharedState, build_state
from bot.state.fallback import FallbackState
from bot.state.redis_state import RedisState

REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(params=["memory", "redis"])
def state(request: pytest.FixtureRequest) -> Iterator[SharedState]:
    if request.param == "memory":
        yield MemoryState()
        return
    if not _redis_available():
        pytest.skip("no Redis at 127.0.0.1:6379")
    prefix = f"smtpbot-test:{uuid.uuid4().hex}:"
    shared = RedisState.from_url(REDIS_URL, prefix)
    yield shared
    keys = list(shared.r.scan_iter(prefix + "*"))
    if keys:
        shared.r.delete(*keys)
    shared.close()


def test_accept_claims_every_key_once(state: SharedState) -> None:
    assert state.accept("job-1", "payload-1", ("event:Ev1", "msg:C1:1.0"), 600, 30)
    # the same event again, or the same message under another event id: refused
    assert not state.accept("job-2", "payload-2", ("event:Ev1",), 600, 30)
    assert not state.accept("job-3", "payload-3", ("event:Ev9", "msg:C1:1.0"), 600, 30)
    # a refused accept claims nothing: Ev9 is still free
    assert state.accept("job-4", "payload-4", ("event:Ev9",), 600, 30)


def test_dedup_claims_last_at_least_ten_minutes_in_redis(state: SharedState) -> None:
    state.accept("job-1", "p", ("event:EvTTL",), 600, 30)
    if isinstance(state, RedisState):
        assert state.r.pttl(state.prefix + "v:event:EvTTL") > 590_000


def test_concurrent_accepts_of_one_event_let_exactly_one_through(state: SharedState) -> None:
    wins: list[str] = []
    barrier = threading.Barrier(8)

    def deliver(i: int) -> None:
        barrier.wait()
        if state.accept(f"job-{i}", "p", ("event:EvRace",), 600, 30):
            wins.append(f"job-{i}")

    threads = [threading.Thread(target=deliver, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(wins) == 1


def test_unfinished_jobs_are_reclaimed_after_their_lease_and_finished_ones_are_not(
    state: SharedState,
) -> None:
    state.accept("done", "payload-done", ("event:A",), 600, 0.2)
    state.accept("orphan", "payload-orphan", ("event:B",), 600, 0.2)
    state.accept("alive", "payload-alive", ("event:C",), 600, 0.2)
    state.finish("done")
    assert state.reclaim(30, 10) == []  # leases still running
    time.sleep(0.1)
    state.renew(("alive",), 30)
    time.sleep(0.25)
    taken = state.reclaim(30, 10)
    assert [(e.job_id, e.payload, e.attempts) for e in taken] == [("orphan", "payload-orphan", 2)]
    assert state.reclaim(30, 10) == []  # now leased to the reclaimer


def test_values_and_claims(state: SharedState) -> None:
    assert state.get("share:x") is None
    state.put("share:x", '{"blocks": []}', 60)
    assert state.get("share:x") == '{"blocks": []}'
    assert state.claim("answered:C1:1.0:e", 60)
    assert not state.claim("answered:C1:1.0:e", 60)
    state.put("short", "v", 0.1)
    time.sleep(0.2)
    assert state.get("short") is None


def test_flood_first_alert_posts_repeats_count_members_once(state: SharedState) -> None:
    first = state.flood_hit("C1|entry|example.com", "C1:1.0", 600, 30)
    assert first.post and first.state.count == 1 and first.state.answer_ts is None
    repeat = state.flood_hit("C1|entry|example.com", "C1:2.0", 600, 30)
    assert not repeat.post and repeat.state.count == 2
    again = state.flood_hit("C1|entry|example.com", "C1:2.0", 600, 30)  # a re-run of the same alert
    assert not again.post and again.state.count == 2
    posted = state.flood_posted("C1|entry|example.com", "111.222", shown=1)
    assert posted is not None and posted.answer_ts == "111.222" and posted.count == 2
    assert state.flood_get("C1|entry|example.com") == posted
    other = state.flood_hit("C1|entry|other.example", "C1:3.0", 600, 30)
    assert other.post


def test_flood_poster_that_died_is_replaced_after_its_lease(state: SharedState) -> None:
    assert state.flood_hit("k", "m1", 600, 0.2).post
    assert not state.flood_hit("k", "m2", 600, 0.2).post
    time.sleep(0.3)
    takeover = state.flood_hit("k", "m3", 600, 0.2)
    assert takeover.post and takeover.state.count == 3


def test_flood_record_expires_after_the_window(state: SharedState) -> None:
    assert state.flood_hit("w", "m1", 0.2, 30).post
    time.sleep(0.3)
    fresh = state.flood_hit("w", "m2", 0.2, 30)
    assert fresh.post and fresh.state.count == 1


def test_flood_stale_answers_are_handed_out_until_shown(state: SharedState) -> None:
    state.flood_hit("s", "m1", 600, 30)
    state.flood_posted("s", "1.1", shown=1)
    state.flood_hit("s", "m2", 600, 30)  # the answer now shows 1 of 2
    assert state.flood_stale(0.0, 10) == ["s"]
    time.sleep(0.05)
    shown = state.flood_shown("s", 2)
    assert shown is not None and shown.shown == 2 and shown.count == 2
    time.sleep(0.05)
    assert state.flood_stale(0.0, 10) == []


def test_flood_stale_waits_for_the_grace_period(state: SharedState) -> None:
    state.flood_hit("g", "m1", 600, 30)
    state.flood_posted("g", "1.1", shown=1)
    state.flood_hit("g", "m2", 600, 30)
    assert state.flood_stale(30, 10) == []


def test_pace_hands_out_one_slot_per_interval(state: SharedState) -> None:
    started = time.monotonic()
    delays = [state.pace_reserve("C1", 1.0) for _ in range(3)]
    elapsed = time.monotonic() - started
    # slot i is i seconds after slot 0, whatever time passed between the calls
    for i, delay in enumerate(delays):
        assert i - elapsed - 0.01 <= delay <= i + 0.01
    assert state.pace_reserve("C2", 1.0) <= 0.01


def test_build_state_picks_the_implementation() -> None:
    assert isinstance(build_state(None), MemoryState)
    if _redis_available():
        shared = build_state(REDIS_URL, prefix=f"smtpbot-test:{uuid.uuid4().hex}:")
        assert isinstance(shared, FallbackState) and isinstance(shared.primary, RedisState)
        assert shared.status() == "ok"
        shared.close()


def test_a_claim_is_kept_by_its_owner(state: SharedState) -> None:
    assert state.claim("answered:C1:1.0:x", 60, owner="job-a")
    assert state.claim("answered:C1:1.0:x", 60, owner="job-a")  # the same job, re-run elsewhere
    assert not state.claim("answered:C1:1.0:x", 60, owner="job-b")
