"""One map from a job's kind to its handler (bot/slack/kinds/): every kind a listener can hand over
has a handler, and a job of a kind this version does not know is logged and dropped, not retried."""

from __future__ import annotations

import ast
import logging
from pathlib import Path
from typing import get_args

import pytest
from slack_fixtures import ALERT_CHANNEL, CHAT_CHANNEL, RunningApp, mention_event

from bot.slack.job import Job, Kind
from bot.slack.kinds import HANDLERS
from bot.slack.kinds.message_route import route

KINDS_DIR = Path(__file__).resolve().parents[2] / "bot" / "slack" / "kinds"


def kinds_the_listeners_hand_over() -> set[str]:
    """The `kind="..."` of every job a listener builds, and the kinds message routing picks."""
    kinds = set()
    for path in KINDS_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "kind" and isinstance(node.value, ast.Constant):
                kinds.add(node.value.value)
    direct = {"channel_type": "im", "channel": "D0DIRECT01", "user": "U0PERSON01", "ts": "1.0"}
    alert = {"channel_type": "channel", "channel": ALERT_CHANNEL, "user": "U0PERSON01", "ts": "1.0"}
    for event in (direct, alert):
        kind, _ = route(event, "U0SMTPBOT1", "B0SMTPBOT1", frozenset({ALERT_CHANNEL}))
        kinds.add(kind)
    return kinds


def test_every_kind_a_listener_hands_over_has_a_handler() -> None:
    handed_over = kinds_the_listeners_hand_over()
    assert {"command", "mention", "alert", "share"} <= handed_over  # the scan finds real listeners
    assert handed_over <= set(HANDLERS)
    assert set(HANDLERS) == set(get_args(Kind))  # and the journal's record of kinds says the same


def test_a_job_of_an_unknown_kind_is_logged_and_dropped(
    slack_app: RunningApp, caplog: pytest.LogCaptureFixture
) -> None:
    runtime = slack_app.runtime
    unknown = Job(kind="from_a_newer_replica", channel=CHAT_CHANNEL, ts="1.0", text="550 5.1.1")  # type: ignore[arg-type]
    with caplog.at_level(logging.ERROR):
        assert runtime.submit(unknown)
        assert slack_app.idle()
    assert any(r.getMessage() == "unknown job kind" for r in caplog.records)
    assert runtime.busy == 0
    assert slack_app.standin.posts() == [] and slack_app.standin.responses() == []
    # the lanes carry on: the next request is answered as usual
    assert slack_app.event(mention_event("550 5.1.1 user unknown")).status == 200
    assert slack_app.standin.wait_for(slack_app.standin.posts)
