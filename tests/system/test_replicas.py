"""Two bot processes in HTTP mode sharing the real Redis behave as one bot.

Each replica is a real `python -m bot serve --http` process with production timings, pointed at the
stand-in Slack. The test plays Slack and the load balancer: it picks which replica gets each delivery,
and when a replica is gone it delivers to the other one, as Slack's retry through a load balancer would.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from bot_process import ROOT, BotProcess
from redis_server import RedisServer
from slack_fixtures import SIGNING_SECRET, event_body, mention_event, message_event
from slack_standin import SlackStandIn

ALERTS = "C0ALERTS77"
CHAT = "C0CHAT0077"
# Production lease (bot/slack/tunables.py: 10 s) + heartbeat + flood grace, with room for a slow machine.
TAKEOVER_TIMEOUT = 180.0


def alert_text(i: int) -> str:
    """The same problem each time (same knowledge entry, same receiving domain), different recipients."""
    return (
        f"[relay-{i % 3}] delivery failure status=bounced (host mx.example.net[203.0.113.7] said: "
        f"550 5.1.1 <user{i}@example.net>: Recipient address rejected: User unknown in virtual "
        "mailbox table (in reply to RCPT TO command))"
    )


@pytest.fixture
def shared_redis(own_redis: RedisServer) -> str:
    """A Redis server of the test's own: the replicas' journal meets no jobs of other runs, and no
    other run's clean-up can empty it under them."""
    return own_redis.url


@pytest.fixture
def replicas(standin: SlackStandIn, shared_redis: str, tmp_path: Path) -> Iterator[list[BotProcess]]:
    env = {
        "SLACK_BOT_TOKEN": standin.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": standin.api_url,
        "REDIS_URL": shared_redis,
        "SMTPBOT_ALERT_CHANNELS": ALERTS,
    }
    bots = [BotProcess(name, env, tmp_path / name).start() for name in ("replica-a", "replica-b")]
    try:
        for bot in bots:
            bot.wait_ready()
        yield bots
    finally:
        for bot in bots:
            bot.stop()


def updated_answers(standin: SlackStandIn, channel: str) -> set[str]:
    """The ts of every message chat.update changed in the channel."""
    return {
        str(c.params.get("ts")) for c in standin.calls_to("chat.update") if c.params.get("channel") == channel
    }


def posts_in(standin: SlackStandIn, channel: str, thread_ts: str | None = None) -> list:
    return [
        c
        for c in standin.posts()
        if c.params.get("channel") == channel
        and (thread_ts is None or c.params.get("thread_ts") == thread_ts)
    ]


def shown_count(standin: SlackStandIn, channel: str) -> int:
    """The count the channel's one answer shows now: 1 until its first update, then the latest update's.
    (chat.update names the answer's own ts, which only the stand-in's reply knew; the channel has one.)"""
    updates = [c for c in standin.calls_to("chat.update") if c.params.get("channel") == channel]
    if not updates:
        return 1
    match = re.search(r"\(seen (\d+) times\)", str(updates[-1].params.get("text")))
    assert match, updates[-1].params
    return int(match.group(1))


def test_the_same_event_delivered_to_both_replicas_is_answered_once(
    standin: SlackStandIn, replicas: list[BotProcess]
) -> None:
    a, b = replicas
    event = mention_event("what does 550 5.1.1 user unknown mean?", channel=CHAT)
    body = event_body(event, event_id=f"Ev{uuid.uuid4().hex[:10]}")
    start = threading.Barrier(2)

    def deliver(bot: BotProcess) -> int:
        start.wait()
        return bot.deliver(body)

    with ThreadPoolExecutor(2) as pool:
        statuses = list(pool.map(deliver, replicas))
    assert statuses == [200, 200]
    # Slack's retry of the same event, through the load balancer to either replica.
    assert a.deliver(body, retry_num=1) == 200
    assert b.deliver(body, retry_num=2) == 200

    # Of the four deliveries, exactly one was accepted; the rest were dropped at acknowledgement, so
    # once the answer is posted nothing else can follow.
    accepted = sum(bot.metric("smtpbot_requests_total", kind="event", outcome="accepted") for bot in replicas)
    duplicates = sum(
        bot.metric("smtpbot_requests_total", kind="event", outcome="duplicate") for bot in replicas
    )
    assert (accepted, duplicates) == (1, 3)
    assert standin.wait_for(lambda: posts_in(standin, CHAT, event["ts"]), 30)
    assert len(posts_in(standin, CHAT, event["ts"])) == 1
    assert "5.1.1" in standin.posts()[0].params["text"]


def test_an_alert_burst_split_across_replicas_gives_one_answer_with_the_full_count(
    standin: SlackStandIn, replicas: list[BotProcess]
) -> None:
    burst = 24
    events = [message_event(alert_text(i), channel=ALERTS) for i in range(burst)]

    def deliver(i: int) -> int:
        return replicas[i % 2].deliver(event_body(events[i]))

    with ThreadPoolExecutor(6) as pool:
        assert list(pool.map(deliver, range(burst))) == [200] * burst

    answers = standin.wait_for(lambda: posts_in(standin, ALERTS), 30)
    assert answers, "no answer to the burst"
    answer_ts = answers[0].params["thread_ts"]
    assert standin.wait_for(lambda: shown_count(standin, ALERTS) == burst, 60), (
        f"the answer shows {shown_count(standin, ALERTS)} of {burst}"
    )
    # One answer for the whole burst, in the thread of one of the alerts; the rest were counted.
    assert len(posts_in(standin, ALERTS)) == 1
    assert len(updated_answers(standin, ALERTS)) == 1
    assert answer_ts in {e["ts"] for e in events}
    counts = [
        int(m.group(1))
        for c in standin.calls_to("chat.update")
        if (m := re.search(r"\(seen (\d+) times\)", str(c.params.get("text"))))
    ]
    assert max(counts) == burst  # never more than the alerts that really arrived
    found_by_both = [bot.metric("smtpbot_findings_total", reason="userunknown") for bot in replicas]
    assert sum(found_by_both) == burst and all(found_by_both)  # both replicas did a share of the work


def test_a_replica_killed_mid_burst_loses_nothing(standin: SlackStandIn, replicas: list[BotProcess]) -> None:
    a, b = replicas
    burst = 30
    events = [message_event(alert_text(i), channel=ALERTS) for i in range(burst)]
    kill_after = burst // 2
    redelivered = 0
    for i, event in enumerate(events):
        if i == kill_after:
            a.kill()  # SIGKILL, with whatever it had acknowledged still queued or in flight
        body = event_body(event)
        target = replicas[i % 2]
        if not target.alive:
            # What Slack and the load balancer do when a replica is gone: the delivery fails and Slack
            # retries it, and the load balancer sends the retry to the replica still up.
            with pytest.raises(OSError):
                target.deliver(body)
            target, redelivered = b, redelivered + 1
            assert target.deliver(body, retry_num=1) == 200
        else:
            assert target.deliver(body) == 200
    assert not a.alive and redelivered == sum(1 for i in range(kill_after, burst) if i % 2 == 0)

    # The survivor takes over what the dead replica had accepted but not finished (after its lease runs
    # out) and brings the one answer's count to the full burst.
    answers = standin.wait_for(lambda: posts_in(standin, ALERTS), 60)
    assert answers, f"no answer to the burst\n{b.log()}"
    assert standin.wait_for(lambda: shown_count(standin, ALERTS) == burst, TAKEOVER_TIMEOUT), (
        f"the answer shows {shown_count(standin, ALERTS)} of {burst}\n{b.log()}"
    )
    assert len(posts_in(standin, ALERTS)) == 1
    assert len(updated_answers(standin, ALERTS)) == 1

    # And it carries on serving new requests.
    event = mention_event("452 4.2.2 mailbox full", channel=CHAT)
    assert b.deliver(event_body(event)) == 200
    assert standin.wait_for(lambda: posts_in(standin, CHAT, event["ts"]), 30)
    status, _ = b.get("/readyz")
    assert status == 200


def test_the_load_benchmark_runs_and_finds_nothing_lost_or_duplicated(shared_redis: str) -> None:
    """A short run of bench/load_replicas.py, so the benchmark keeps working (its figures are not judged).
    On a Redis of its own: its event ids are fixed, so a run beside another would see duplicates."""
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "load_replicas.py"),
            *("--rate", "10", "--seconds", "2", "--settle", "1", "--json"),
            *("--redis-url", shared_redis),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["events"] == 20 and figures["retries"] == 2
    assert figures["acknowledged_200"] == figures["deliveries"] == 22
    assert (figures["answered"], figures["duplicate_answers"], figures["lost_answers"]) == (20, 0, 0)
    assert sum(figures["served_per_replica"].values()) == 22 and len(figures["served_per_replica"]) == 2
