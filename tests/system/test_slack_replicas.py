"""Several replicas sharing the real Redis behave as one bot."""

from __future__ import annotations

import json
import threading

from flood_checks import assert_paced, seen_count
from slack_fixtures import POSTFIX_ALERT, event_body, integration_alert, mention_event, start_app

from bot.slack.tunables import Tunables


def two_replicas(standin, engine, redis_state_factory, tunables: Tunables | None = None):
    kwargs = {"tunables": tunables} if tunables else {}
    return (
        start_app(standin, engine, redis_state_factory(), **kwargs),
        start_app(standin, engine, redis_state_factory(), **kwargs),
    )


def test_the_same_event_delivered_to_two_replicas_is_answered_once(
    standin, engine, redis_state_factory
) -> None:
    a, b = two_replicas(standin, engine, redis_state_factory)
    try:
        for _ in range(5):
            body = json.dumps(event_body(integration_alert(POSTFIX_ALERT.replace("bob", f"bob{_}"))))
            barrier = threading.Barrier(2)
            replies = []

            def deliver(replica, body=body, barrier=barrier, replies=replies) -> None:
                barrier.wait()
                replies.append(replica.post(body, "application/json"))

            threads = [threading.Thread(target=deliver, args=(r,)) for r in (a, b)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert [r.status for r in replies] == [200, 200]
        assert a.idle() and b.idle()
        # five alerts (one recipient domain, five addresses: one flood record), one answer
        assert len(standin.posts()) == 1
        updates = standin.calls_to("chat.update")
        assert updates and seen_count(updates[-1]) == 5
    finally:
        a.stop()
        b.stop()


def test_a_burst_split_across_replicas_gives_one_answer_with_the_right_total(
    standin, engine, redis_state_factory
) -> None:
    a, b = two_replicas(standin, engine, redis_state_factory)
    try:
        for i in range(100):
            (a if i % 2 else b).event(integration_alert(POSTFIX_ALERT))
        assert a.idle(60) and b.idle(60)
        assert standin.wait_for(
            lambda: (u := standin.calls_to("chat.update")) and seen_count(u[-1]) == 100, 30
        )
        assert len(standin.posts()) == 1
        # shared pace: the two replicas together still post at most about once a second in the channel
        assert_paced(
            [c for c in standin.calls if c.method in ("chat.postMessage", "chat.update") and c.status == 200]
        )
    finally:
        a.stop()
        b.stop()


def test_a_replica_killed_mid_burst_loses_nothing(standin, engine, redis_state_factory) -> None:
    a, b = two_replicas(standin, engine, redis_state_factory)
    try:
        held = standin.hold("chat.postMessage")
        a.event(integration_alert(POSTFIX_ALERT))  # replica A becomes the poster; its post hangs
        assert standin.wait_for(lambda: held.arrived == 1)
        for i in range(40):
            (a if i % 2 else b).event(integration_alert(POSTFIX_ALERT))
        # A dies: nothing it had in hand is finished, renewed or sent any more
        a.server.shutdown()
        a.runtime.abandon()
        standin.unhold("chat.postMessage", error="connection_lost")
        # B takes over A's journaled jobs once their lease runs out, posts the answer, counts all 41
        assert standin.wait_for(lambda: len(standin.posts()) == 1, 30)
        assert standin.wait_for(
            lambda: (u := standin.calls_to("chat.update")) and seen_count(u[-1]) == 41, 30
        )
        assert b.idle(30)
        assert len(standin.posts()) == 1
    finally:
        b.stop()


def test_a_mention_accepted_by_a_replica_that_died_is_answered_by_another(
    standin, engine, redis_state_factory
) -> None:
    a, b = two_replicas(standin, engine, redis_state_factory)
    try:
        held = standin.hold("chat.postMessage")
        event = mention_event("550 5.1.1")
        a.event(event, event_id="EvKILLED001")
        assert standin.wait_for(lambda: held.arrived == 1)
        a.server.shutdown()
        a.runtime.abandon()
        standin.unhold("chat.postMessage", error="connection_lost")
        (post,) = standin.wait_for(standin.posts, 30)
        assert post.params["thread_ts"] == event["ts"]
        # Slack's retry of the same event, now sent to B, is not answered again
        b.event(event, event_id="EvKILLED001", retry_num=1)
        assert b.idle()
        assert len(standin.posts()) == 1
    finally:
        b.stop()


def test_text_that_is_not_valid_unicode_is_still_answered(standin, engine, redis_state_factory) -> None:
    """An escaped lone surrogate in Slack's JSON cannot be stored as UTF-8: it is replaced, not fatal."""
    a = start_app(standin, engine, redis_state_factory())
    try:
        a.event(mention_event("550 5.1.1 user unknown \ud800 <bob@example.net>"))
        a.interactive(  # a shortcut's payload is JSON inside a form field
            {
                "type": "message_action",
                "callback_id": "explain_bounce",
                "team": {"id": "T0STANDIN"},
                "user": {"id": "U0HUMAN01"},
                "channel": {"id": "C0GENERAL1"},
                "trigger_id": "t",
                "response_url": standin.response_url(),
                "message": {"type": "message", "ts": "1.1", "text": "550 5.7.26 \udfff"},
            }
        )
        assert standin.wait_for(lambda: standin.posts() and standin.responses())
        assert a.idle()
        assert len(standin.posts()) == 1 and len(standin.responses()) == 1
    finally:
        a.stop()
