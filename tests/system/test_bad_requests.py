"""Malformed requests to a running bot process: each gets a 4xx (or the 200 Slack expects for an
interaction), one JSON log line and no traceback, and the signature is checked before the body is parsed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from bot_process import BotProcess
from slack_fixtures import SIGNING_SECRET, event_body, http_request, mention_event, sign
from slack_standin import SlackStandIn


@pytest.fixture
def bot(standin: SlackStandIn, tmp_path: Path) -> Iterator[BotProcess]:
    env = {
        "SLACK_BOT_TOKEN": standin.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": standin.api_url,
        "SMTPBOT_ALERT_CHANNELS": "C0ALERTS01",
    }
    process = BotProcess("bot", env, tmp_path / "bot").start()
    process.wait_ready()
    yield process
    process.stop()


def interaction(payload: object) -> str:
    return urlencode({"payload": json.dumps(payload)})


FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
SHARE_CLICK = {"type": "block_actions", "user": {"id": "U1"}, "team": {"id": "T0STANDIN"}}
# (what, body, content type, how it is signed, the status Slack must get)
CASES = [
    ("unsigned JSON list", "[]", JSON, "none", 401),
    ("unsigned JSON string", '"x"', JSON, "none", 401),
    ("unsigned payload=null", "payload=null", FORM, "none", 401),
    ("signed JSON list", "[]", JSON, "good", 400),
    ("signed JSON string", '"x"', JSON, "good", 400),
    ("signed JSON number", "7", JSON, "good", 400),
    ("signed payload=null", "payload=null", FORM, "good", 400),
    ("signed garbage", "{not json", JSON, "good", 400),
    ("non-numeric timestamp", "{}", JSON, "word-timestamp", 401),
    ("stale timestamp", "{}", JSON, "old", 401),
    ("wrong secret", "{}", JSON, "bad-secret", 401),
    ("actions: [1]", interaction({**SHARE_CLICK, "actions": [1]}), FORM, "good", 200),
    ("actions: a string", interaction({**SHARE_CLICK, "actions": "x"}), FORM, "good", 200),
    (
        "string message",
        interaction({"type": "message_action", "callback_id": "explain_bounce", "message": "550"}),
        FORM,
        "good",
        200,
    ),
    ("event not an object", json.dumps({"type": "event_callback", "event": "x"}), JSON, "good", 200),
    ("user not an object", interaction({**SHARE_CLICK, "user": 5, "actions": []}), FORM, "good", 200),
]


def headers_for(body: str, content_type: str, signing: str) -> dict[str, str]:
    headers = {"Content-Type": content_type}
    if signing == "good":
        headers |= sign(body)
    elif signing == "word-timestamp":
        headers |= {**sign(body), "X-Slack-Request-Timestamp": "soon"}
    elif signing == "old":
        headers |= sign(body, timestamp=int(time.time()) - 3600)
    elif signing == "bad-secret":
        headers |= sign(body, secret="not-the-secret")
    return headers


def test_every_malformed_request_gets_an_answer_and_one_json_log_line(
    standin: SlackStandIn, bot: BotProcess
) -> None:
    got = {}
    for what, body, content_type, signing, _ in CASES:
        reply = http_request(
            bot.port, "POST", "/slack/events", body, headers_for(body, content_type, signing)
        )
        got[what] = reply.status
    negative = http_request(bot.port, "POST", "/slack/events", "", {"Content-Length": "-1"})
    got["negative Content-Length"] = negative.status
    expected = {what: status for what, _, _, _, status in CASES} | {"negative Content-Length": 400}
    assert got == expected

    # still serving
    event = mention_event("550 5.1.1 user unknown")
    assert bot.deliver(event_body(event)) == 200
    assert standin.wait_for(lambda: standin.posts())
    assert [c.params.get("thread_ts") for c in standin.posts()] == [event["ts"]]

    lines = [line for line in bot.log_path.read_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is JSON: no raw traceback anywhere
    bad = [r for r in records if r.get("message") == "bad request"]
    assert len(bad) == len(expected), [r.get("why") for r in bad]
    assert not any(r.get("exception") for r in records)
    assert standin.api_calls() == standin.posts()  # nothing else reached Slack


def test_the_signature_is_checked_before_the_body_is_parsed(standin: SlackStandIn, bot: BotProcess) -> None:
    # 64 KB of nested brackets: parsing it unsigned would cost far more than refusing it
    body = "[" * 65_000
    started = time.perf_counter()
    reply = http_request(bot.port, "POST", "/slack/events", body, {"Content-Type": JSON})
    assert reply.status == 401
    assert time.perf_counter() - started < 1.0
    records = [json.loads(line) for line in bot.log_path.read_text().splitlines() if line.strip()]
    assert [r["why"] for r in records if r.get("message") == "bad request"] == ["unsigned"]
