"""Flood control and pacing in alert channels, end to end over HTTP."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

from flood_checks import assert_paced, seen_count
from slack_fixtures import ALERT_CHANNEL, POSTFIX_ALERT, RunningApp, integration_alert, start_app

GREYLIST_ALERT = (
    "[mail-relay-01] deferred: host mx.example.org[198.51.100.4] said: 451 4.7.1 <carol@example.org>: "
    "Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.org.html "
    "(in reply to RCPT TO command)"
)


def channel_calls(app: RunningApp, channel: str) -> list:
    return [
        c
        for c in app.standin.calls
        if c.method in ("chat.postMessage", "chat.update")
        and c.params.get("channel") == channel
        and c.status == 200
    ]


def test_200_identical_alerts_give_one_answer_with_the_full_count_and_smtp_still_answers(
    slack_app: RunningApp,
) -> None:
    alerts = [integration_alert(POSTFIX_ALERT) for _ in range(200)]
    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(slack_app.event, a) for a in alerts]
        # someone uses /smtp in the middle of the burst
        command_reply, _ = slack_app.command("550 5.7.26")
        replies = [f.result() for f in futures]
    assert command_reply.status == 200
    assert [r.status for r in replies] == [200] * 200
    assert slack_app.standin.wait_for(slack_app.standin.responses)  # /smtp answered
    assert slack_app.idle(60)

    posts = slack_app.standin.posts()
    assert len(posts) == 1
    assert posts[0].params["thread_ts"] in {a["ts"] for a in alerts}
    updates = slack_app.standin.calls_to("chat.update")
    assert updates, "the answer was never updated with a count"
    assert all(u.params["ts"] == "1700000000.000001" for u in updates)
    assert seen_count(updates[-1]) == 200  # none lost
    assert "last <!date^" in json.dumps(updates[-1].json_param("blocks"))  # and when it was last seen
    assert len(updates) < 20  # coalesced, not one per alert
    assert_paced(channel_calls(slack_app, ALERT_CHANNEL))


def test_different_problems_get_their_own_answers_paced_per_channel(slack_app: RunningApp) -> None:
    for text in (POSTFIX_ALERT, GREYLIST_ALERT, POSTFIX_ALERT.replace("example.net", "example.com")):
        slack_app.event(integration_alert(text))
    assert slack_app.idle(30)
    posts = slack_app.standin.posts()
    assert len(posts) == 3  # another problem, another remote domain: separate answers
    assert_paced(posts)


def test_a_problem_repeating_after_the_window_is_answered_again(standin, engine) -> None:
    app = start_app(standin, engine, smtpbot_flood_window=1)
    try:
        app.event(integration_alert(POSTFIX_ALERT))
        assert app.idle()
        standin.wait_for(lambda: False, timeout=1.2)  # let the one-second window pass
        app.event(integration_alert(POSTFIX_ALERT))
        assert app.idle()
        assert len(standin.posts()) == 2
    finally:
        app.stop()


def test_alerts_during_a_rate_limit_are_counted_not_lost(slack_app: RunningApp) -> None:
    slack_app.standin.rate_limit("chat.postMessage", times=1, retry_after=2)
    for _ in range(30):
        slack_app.event(integration_alert(POSTFIX_ALERT))
    assert slack_app.idle(60)
    assert len(slack_app.standin.posts()) == 1
    updates = slack_app.standin.calls_to("chat.update")
    assert updates and seen_count(updates[-1]) == 30
