"""Live checks in Slack, over the wire: the stand-in Slack, the app in HTTP mode, NSD on loopback.

The knowledge answer is posted first; the live checks follow in the same message with chat.update.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from diagnose_fixtures import PASTED_BOUNCE, LoopbackDns
from slack_fixtures import (
    ALERT_CHANNEL,
    CHAT_CHANNEL,
    RunningApp,
    integration_alert,
    mention_event,
    start_app,
)

from bot.diagnose import Subjects
from bot.slack.answer_blocks import ACTIONS_BLOCK_ID
from bot.slack.live_checks import LIVE_BLOCK_ID, LIVE_CHECKS_ACTION, TEAM_LIMIT_PER_MINUTE

SPF_LINE = "❌ *SPF* good.test: `v=spf1 ip4:192.0.2.0/29 mx -all`: 203.0.113.5 is not in it (fail)"


@pytest.fixture()
def live_app(standin, engine, loopback_dns: LoopbackDns) -> Iterator[RunningApp]:
    running = start_app(standin, engine, smtpbot_dns_servers=loopback_dns.servers, smtpbot_diagnose="dns")
    yield running
    running.stop()


def live_block(blocks: list[dict]) -> dict | None:
    return next((b for b in blocks if b.get("block_id") == LIVE_BLOCK_ID), None)


def test_the_answer_comes_first_and_live_checks_follow_in_it(live_app: RunningApp) -> None:
    event = mention_event(PASTED_BOUNCE)
    assert live_app.event(event).status == 200
    assert live_app.idle()
    (post,) = live_app.standin.posts()
    assert live_block(post.params["blocks"]) is None
    (update,) = live_app.standin.calls_to("chat.update")
    assert update.params["channel"] == CHAT_CHANNEL
    assert update.params["ts"] and update.params["ts"] != event["ts"]  # the answer's ts, not the question's
    blocks = update.json_param("blocks")
    assert [b for b in blocks if b.get("block_id") != LIVE_BLOCK_ID] == post.json_param("blocks")
    ids = [b.get("block_id") for b in blocks]
    assert ids.index(LIVE_BLOCK_ID) == ids.index(ACTIONS_BLOCK_ID) - 1  # above the answer's buttons
    text = live_block(blocks)["text"]["text"]
    assert text.startswith("*Live checks*")
    assert SPF_LINE in text.splitlines()
    assert "❌ *MX* other.test: other.test does not exist (NXDOMAIN)" in text
    assert "❌ *DKIM* revoked._domainkey.good.test: the key s=revoked is revoked (empty p=)" in text
    assert "bob@" not in json.dumps(blocks)  # the sender's local part is never shown


def test_a_repeat_within_the_window_gets_a_button_that_runs_them(live_app: RunningApp) -> None:
    live_app.event(mention_event(PASTED_BOUNCE))
    assert live_app.idle()
    live_app.event(mention_event(PASTED_BOUNCE))
    assert live_app.idle()
    posts = live_app.standin.posts()
    assert len(posts) == 2 and len(live_app.standin.calls_to("chat.update")) == 1
    second = posts[1].json_param("blocks")
    (element,) = live_block(second)["elements"]
    assert element["action_id"] == LIVE_CHECKS_ACTION
    assert "bob" not in element["value"] and json.loads(element["value"])["ip"] == "203.0.113.5"
    reply = live_app.interactive(
        {
            "type": "block_actions",
            "team": {"id": "T0STANDIN"},
            "user": {"id": "U0HUMAN01"},
            "channel": {"id": CHAT_CHANNEL},
            "api_app_id": "A0STANDIN",
            "container": {"type": "message"},
            "message": {"ts": "1700000000.000200", "blocks": second, "text": posts[1].params["text"]},
            "trigger_id": "t1",
            "actions": [
                {
                    "action_id": LIVE_CHECKS_ACTION,
                    "block_id": LIVE_BLOCK_ID,
                    "value": element["value"],
                    "type": "button",
                }
            ],
        }
    )
    assert reply.status == 200
    live_app.standin.wait_for(lambda: len(live_app.standin.calls_to("chat.update")) == 2)
    update = live_app.standin.calls_to("chat.update")[1]
    assert update.params["ts"] == "1700000000.000200"
    blocks = update.json_param("blocks")
    assert live_block(blocks)["type"] == "section"  # the button is gone, the checks are in
    assert SPF_LINE in live_block(blocks)["text"]["text"]


def test_no_live_checks_where_dns_is_not_the_cause(live_app: RunningApp) -> None:
    live_app.event(mention_event("550 5.1.1 <ana@good.test>: Recipient address rejected: User unknown"))
    assert live_app.idle()
    (post,) = live_app.standin.posts()
    assert live_block(post.json_param("blocks")) is None
    assert live_app.standin.calls_to("chat.update") == []


def test_off_means_no_live_checks_and_no_button(standin, engine, loopback_dns: LoopbackDns) -> None:
    app = start_app(standin, engine, smtpbot_dns_servers=loopback_dns.servers, smtpbot_diagnose="off")
    try:
        app.event(mention_event(PASTED_BOUNCE))
        assert app.idle()
        (post,) = app.standin.posts()
        assert live_block(post.json_param("blocks")) is None
        assert app.standin.calls_to("chat.update") == []
    finally:
        app.stop()


def test_each_workspace_has_a_budget_per_minute(live_app: RunningApp) -> None:
    live = live_app.runtime.context.live_checks
    for attempt in range(2):  # the budget is per clock minute: measure again if one ends mid-test
        minute = int(time.time() // 60)
        team = f"T0BUDGET{attempt}"
        allowed = [
            live.allowed(team, Subjects(sender_domain=f"d{n}.test")) for n in range(TEAM_LIMIT_PER_MINUTE + 1)
        ]
        if minute == int(time.time() // 60):
            break
    assert allowed == [True] * TEAM_LIMIT_PER_MINUTE + [False]
    assert live.allowed("T0OTHER", Subjects(sender_domain="d0.test"))  # another workspace has its own


def click(app: RunningApp, channel: str, ts: str, blocks: list[dict], text: str) -> None:
    (element,) = live_block(blocks)["elements"]
    payload = {
        "type": "block_actions",
        "team": {"id": "T0STANDIN"},
        "user": {"id": "U0HUMAN01"},
        "channel": {"id": channel},
        "api_app_id": "A0STANDIN",
        "container": {"type": "message"},
        "message": {"ts": ts, "blocks": blocks, "text": text},
        "trigger_id": "t1",
        "actions": [
            {
                "action_id": LIVE_CHECKS_ACTION,
                "block_id": LIVE_BLOCK_ID,
                "value": element["value"],
                "type": "button",
            }
        ],
    }
    assert app.interactive(payload).status == 200


def test_alert_answers_never_wait_for_dns_and_clicks_are_limited_per_domain(live_app: RunningApp) -> None:
    live_app.event(integration_alert(PASTED_BOUNCE))
    assert live_app.idle()
    (post,) = live_app.standin.posts()
    blocks = post.json_param("blocks")
    assert live_block(blocks)["type"] == "actions"  # nothing cached yet: the button, no DNS query
    assert live_app.standin.calls_to("chat.update") == []
    click(live_app, ALERT_CHANNEL, "1700000000.000300", blocks, post.params["text"])
    live_app.standin.wait_for(lambda: len(live_app.standin.calls_to("chat.update")) == 1)
    first = live_block(live_app.standin.calls_to("chat.update")[0].json_param("blocks"))["text"]["text"]
    assert first.startswith("*Live checks* (DNS read just now)") and SPF_LINE in first
    # a second click on the same domain within ten minutes reads the cache only
    click(live_app, ALERT_CHANNEL, "1700000000.000300", blocks, post.params["text"])
    live_app.standin.wait_for(lambda: len(live_app.standin.calls_to("chat.update")) == 2)
    second = live_block(live_app.standin.calls_to("chat.update")[1].json_param("blocks"))["text"]["text"]
    assert second.startswith("*Live checks* (DNS answers read in the last hour)") and SPF_LINE in second


def test_alert_answers_carry_what_the_cache_holds(live_app: RunningApp) -> None:
    live_app.event(mention_event(PASTED_BOUNCE))  # a person asked: the DNS is read and cached
    assert live_app.idle()
    live_app.event(integration_alert(PASTED_BOUNCE))
    assert live_app.idle()
    alert_post = live_app.standin.posts()[1]
    assert alert_post.params["channel"] == ALERT_CHANNEL
    text = live_block(alert_post.json_param("blocks"))["text"]["text"]
    assert text.startswith("*Live checks* (DNS answers read in the last hour)") and SPF_LINE in text
    assert len(live_app.standin.calls_to("chat.update")) == 1  # the mention's; the alert needed none


# A message header (not a bounce): From and DKIM d= good.test, the envelope redirect.test, sent from
# 192.0.2.3. The live checks read SPF for the envelope, DMARC and DKIM for From, PTR for the IP.
PASTED_HEADER = """\
Return-Path: <bounce@redirect.test>
Received: from out.good.test (out.good.test [192.0.2.3])
        by mx.other.test with ESMTPS id 4Xy1 (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384);
        Tue, 03 Nov 2026 10:00:03 +0000
Authentication-Results: mx.other.test;
       dkim=pass header.d=good.test header.s=big;
       spf=pass smtp.mailfrom=bounce@redirect.test;
       dmarc=pass (p=REJECT) header.from=good.test
From: Bob <bob@good.test>
To: ana@other.test
Subject: Invoice
Date: Tue, 03 Nov 2026 10:00:00 +0000
Message-ID: <x1@good.test>
"""
HEADER_LINES = [
    "✅ *SPF* redirect.test: `v=spf1 redirect=good.test`: 192.0.2.3 gets pass by `ip4:192.0.2.0/29`",
    "✅ *DKIM* big._domainkey.good.test: RSA key s=big, 2048 bits",
    "❌ *PTR* 192.0.2.3: 192.0.2.3 has no reverse DNS (PTR) record",
]


def header_mention() -> dict:
    escaped = PASTED_HEADER.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return mention_event(f"why is this in spam?\n```{escaped}```")


def test_a_header_answer_gets_live_checks_for_its_domains_and_ip(live_app: RunningApp) -> None:
    live_app.event(header_mention())
    assert live_app.idle()
    (post,) = live_app.standin.posts()
    assert post.json_param("blocks")[0]["text"]["text"].startswith("Message header:")
    assert live_block(post.json_param("blocks")) is None
    (update,) = live_app.standin.calls_to("chat.update")
    blocks = update.json_param("blocks")
    assert blocks[: len(post.json_param("blocks"))] == post.json_param(
        "blocks"
    )  # the analysis, then the checks
    lines = live_block(blocks)["text"]["text"].splitlines()
    assert lines[0] == "*Live checks* (DNS read just now)"
    assert all(line in lines for line in HEADER_LINES)
    assert any(line.startswith("✅ *DMARC* good.test:") for line in lines)


def test_a_repeated_header_gets_the_button_and_a_click_runs_the_checks(live_app: RunningApp) -> None:
    live_app.event(header_mention())
    assert live_app.idle()
    live_app.event(header_mention())  # the same targets within the minute
    assert live_app.idle()
    posts = live_app.standin.posts()
    assert len(posts) == 2 and len(live_app.standin.calls_to("chat.update")) == 1
    second = posts[1].json_param("blocks")
    value = json.loads(live_block(second)["elements"][0]["value"])
    assert value == {
        "sender_domain": "good.test",
        "ip": "192.0.2.3",
        "dkim_selector": "big",
        "dkim_domain": "good.test",
        "spf_domain": "redirect.test",
    }
    click(live_app, CHAT_CHANNEL, "1700000000.000400", second, posts[1].params["text"])
    live_app.standin.wait_for(lambda: len(live_app.standin.calls_to("chat.update")) == 2)
    update = live_app.standin.calls_to("chat.update")[1]
    assert update.params["ts"] == "1700000000.000400"
    text = live_block(update.json_param("blocks"))["text"]["text"]
    assert all(line in text.splitlines() for line in HEADER_LINES)


def test_off_means_no_live_checks_for_a_header_either(standin, engine, loopback_dns: LoopbackDns) -> None:
    app = start_app(standin, engine, smtpbot_dns_servers=loopback_dns.servers, smtpbot_diagnose="off")
    try:
        app.event(header_mention())
        assert app.idle()
        (post,) = app.standin.posts()
        assert post.json_param("blocks")[0]["text"]["text"].startswith("Message header:")
        assert live_block(post.json_param("blocks")) is None
        assert app.standin.calls_to("chat.update") == []
    finally:
        app.stop()


def private_click(app: RunningApp, blocks: list[dict] | None, text: str = "") -> str:
    """A click on the button of a private (ephemeral) answer, with the answer's blocks when given (else
    the click carries no message); returns the click's response_url."""
    value = live_block(blocks)["elements"][0]["value"] if blocks else '{"sender_domain":"good.test"}'
    url = app.standin.response_url()
    payload = {
        "type": "block_actions",
        "team": {"id": "T0STANDIN"},
        "user": {"id": "U0HUMAN01"},
        "channel": {"id": CHAT_CHANNEL},
        "api_app_id": "A0STANDIN",
        "container": {"type": "message", "message_ts": "1700000000.000400", "is_ephemeral": True},
        "response_url": url,
        "trigger_id": "t2",
        "actions": [
            {
                "action_id": LIVE_CHECKS_ACTION,
                "block_id": LIVE_BLOCK_ID,
                "value": value,
                "type": "button",
            }
        ],
    }
    if blocks is not None:
        payload["message"] = {"ts": "1700000000.000400", "blocks": blocks, "text": text}
    assert app.interactive(payload).status == 200
    return url


def test_private_answers_offer_the_button_and_a_click_answers_privately(live_app: RunningApp) -> None:
    live_app.command(PASTED_BOUNCE)
    (answer,) = live_app.standin.wait_for(live_app.standin.responses)
    blocks = answer.params["blocks"]
    assert live_block(blocks)["type"] == "actions"  # not run on their own: a button
    assert live_app.idle() and live_app.standin.calls_to("chat.update") == []
    url = private_click(live_app, blocks, answer.params["text"])
    live_app.standin.wait_for(lambda: len(live_app.standin.responses()) == 2)
    reply = live_app.standin.responses()[1]
    assert reply.path == urlsplit(url).path and reply.params["replace_original"] is True
    assert [b for b in reply.params["blocks"] if b.get("block_id") != LIVE_BLOCK_ID] == [
        b for b in blocks if b.get("block_id") != LIVE_BLOCK_ID
    ]
    assert SPF_LINE in live_block(reply.params["blocks"])["text"]["text"]
    assert "bob@" not in json.dumps(reply.params)
    assert (
        live_app.standin.posts() == [] and live_app.standin.calls_to("chat.update") == []
    )  # never in public


def test_a_private_click_without_the_message_gets_a_private_follow_up(live_app: RunningApp) -> None:
    private_click(live_app, None)
    (reply,) = live_app.standin.wait_for(live_app.standin.responses)
    assert (reply.params["response_type"], reply.params["replace_original"]) == ("ephemeral", False)
    assert live_block(reply.params["blocks"])["text"]["text"].startswith("*Live checks* (DNS read just now)")


def test_private_clicks_respect_the_workspace_budget(live_app: RunningApp) -> None:
    live = live_app.runtime.context.live_checks
    for _ in range(2):  # the budget is per clock minute: spend it again if one ends mid-test
        minute = int(time.time() // 60)
        while live.within_budget("T0STANDIN"):
            pass
        private_click(live_app, None)
        assert live_app.idle()
        if minute == int(time.time() // 60):
            break
    assert live_app.standin.responses() == []


def test_off_means_no_button_on_private_answers(standin, engine, loopback_dns: LoopbackDns) -> None:
    app = start_app(standin, engine, smtpbot_dns_servers=loopback_dns.servers, smtpbot_diagnose="off")
    try:
        app.command(PASTED_BOUNCE)
        (answer,) = app.standin.wait_for(app.standin.responses)
        assert live_block(answer.params["blocks"]) is None
        private_click(app, None)
        assert app.idle() and len(app.standin.responses()) == 1  # a click is ignored too
    finally:
        app.stop()
