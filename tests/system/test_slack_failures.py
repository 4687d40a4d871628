"""Slack's Web API failing: answers wait in the job journal and are delivered when Slack is back, 429
storms are waited out as Slack asks, a replica started while Slack is unreachable serves once it
answers, and a replica killed mid-post leaves neither a lost nor a second answer.
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest
from bot_process import BotProcess
from redis_server import RedisServer
from slack_fixtures import SIGNING_SECRET, RunningApp, event_body, mention_event
from slack_standin import SlackStandIn


def own_channel(i: int) -> str:
    return f"C0FAIL{i:04d}"  # answers are paced per channel: one channel each keeps the test short


def thread_posts(standin: SlackStandIn, ts: str) -> list:
    return [c for c in standin.posts() if c.params.get("thread_ts") == ts]


def test_answers_wait_out_a_web_api_outage(slack_app: RunningApp) -> None:
    standin = slack_app.standin
    standin.down = True
    mentions = [mention_event("550 5.1.1 user unknown", channel=own_channel(i)) for i in range(5)]
    assert [slack_app.event(m).status for m in mentions] == [200] * 5
    urls = [slack_app.command("452 4.2.2 mailbox full")[1] for _ in range(5)]
    assert standin.wait_for(lambda: len(standin.calls_to("chat.postMessage", ok_only=False)) >= 5)
    time.sleep(6)  # ten seconds down in all
    assert standin.posts() == [] and standin.responses() == []
    standin.down = False
    assert standin.wait_for(lambda: all(thread_posts(standin, m["ts"]) for m in mentions), 60)
    answered = {c.path for c in standin.responses()}
    assert standin.wait_for(
        lambda: {u.split("/", 3)[3] for u in urls} <= {c.path[1:] for c in standin.responses()}, 60
    ), answered
    assert slack_app.idle(60)
    assert [len(thread_posts(standin, m["ts"])) for m in mentions] == [1] * 5  # none twice
    assert len(standin.responses()) == 5


def test_a_429_storm_is_waited_out_as_slack_asks(slack_app: RunningApp) -> None:
    standin = slack_app.standin
    standin.rate_limit("chat.postMessage", 8, retry_after=1)
    event = mention_event("550 5.1.1 user unknown")
    assert slack_app.event(event).status == 200
    assert standin.wait_for(lambda: thread_posts(standin, event["ts"]), 60)
    assert slack_app.idle(30)
    tries = standin.calls_to("chat.postMessage", ok_only=False)
    assert [c.status for c in tries] == [429] * 8 + [200]
    gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(tries)]
    assert min(gaps) >= 0.9, gaps  # Retry-After: 1 respected every time


def test_a_permanent_refusal_is_logged_not_retried(slack_app: RunningApp, caplog) -> None:
    standin = slack_app.standin
    hold = standin.hold("chat.postMessage")
    assert slack_app.event(mention_event("550 5.1.1", channel="C0GONE0001")).status == 200
    assert standin.wait_for(lambda: hold.arrived)
    standin.unhold("chat.postMessage", error="channel_not_found")
    assert slack_app.idle(30)
    assert len(standin.calls_to("chat.postMessage", ok_only=False)) == 1
    assert any(r.getMessage() == "answer not delivered" for r in caplog.records)


# --- whole processes ---------------------------------------------------------------------------------


def bot_env(standin: SlackStandIn, **extra: str) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": standin.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": standin.api_url,
        "SMTPBOT_ALERT_CHANNELS": "C0ALERTS01",
        **extra,
    }


def test_a_replica_started_while_slack_is_down_serves_once_slack_answers(
    standin: SlackStandIn, tmp_path: Path
) -> None:
    standin.down = True
    bot = BotProcess("late", bot_env(standin), tmp_path / "late").start()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if bot.get("/healthz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        assert bot.get("/healthz")[0] == 200
        assert bot.get("/readyz")[0] == 503
        event = mention_event("550 5.1.1 user unknown")
        assert bot.deliver(event_body(event)) == 503  # Slack delivers it again later
        time.sleep(2)
        assert bot.alive
        standin.down = False
        bot.wait_ready(60)
        assert bot.deliver(event_body(event), retry_num=1) == 200
        assert standin.wait_for(lambda: thread_posts(standin, event["ts"]), 30)
    finally:
        bot.stop()


@pytest.mark.parametrize("reached_slack", [True, False])
def test_a_replica_killed_mid_post_leaves_exactly_one_answer(
    standin: SlackStandIn, own_redis: RedisServer, tmp_path: Path, reached_slack: bool
) -> None:
    env = bot_env(standin, REDIS_URL=own_redis.url)
    a, b = (BotProcess(name, env, tmp_path / name).start() for name in ("a", "b"))
    try:
        a.wait_ready()
        b.wait_ready()
        hold = standin.hold("chat.postMessage")
        event = mention_event("550 5.1.1 user unknown")
        assert a.deliver(event_body(event)) == 200
        assert standin.wait_for(lambda: hold.arrived)
        a.kill()
        killed = time.monotonic()
        # the post reached Slack and only the answer was lost, or Slack never took it
        standin.unhold("chat.postMessage", error=None if reached_slack else "internal_error")
        assert standin.wait_for(lambda: len(standin.calls_to("conversations.replies")) >= 1, 40), b.log()
        taken_over = time.monotonic() - killed
        assert taken_over < 20, taken_over  # a lease of seconds, not a minute
        assert standin.wait_for(lambda: thread_posts(standin, event["ts"]), 30)
        time.sleep(2)
        assert len(thread_posts(standin, event["ts"])) == 1
        assert b.metric("smtpbot_requests_total", kind="mention", outcome="taken_over") == 1
    finally:
        for bot in (a, b):
            bot.stop()
