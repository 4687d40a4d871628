"""The engine answers a pasted message header with its analysis; alert channels and bounces as before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from repo_paths import DATA

from bot.engine import Engine
from bot.render_text import render

HEADERS = DATA / "headers"
BOUNCES = DATA / "bounces"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load(use_cache=False)


def slack_encoded(text: str) -> str:
    """How a message with this paste arrives from Slack: a mention, a code fence, escapes."""
    return (
        "<@U0BOT> why did this go to spam?\n```"
        + text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        + "```"
    )


def test_a_header_paste_in_chat_is_answered_with_its_analysis(engine: Engine) -> None:
    text = (HEADERS / "gmail-esp-misaligned.eml").read_text()
    result = engine.explain(slack_encoded(text))
    assert result.headers is not None and result.notice is None
    assert result.headers.verdicts[0].check == "dmarc"
    assert result.headers.sending_ip == "192.0.2.25"
    assert result.headers.domains == ("example.com", "mailer.example.net", "esp.example.net")
    assert render(result).startswith("Message header")


def test_alert_channels_never_get_a_header_analysis(engine: Engine) -> None:
    text = (HEADERS / "microsoft365-junk-scl5.eml").read_text()
    assert engine.explain(text, "passive").headers is None
    assert engine.explain(text, "explicit").headers is not None


@pytest.mark.parametrize("path", sorted(BOUNCES.glob("*.eml")), ids=lambda p: p.stem)
def test_a_bounce_is_answered_as_a_bounce(engine: Engine, path: Path) -> None:
    result = engine.explain(path.read_bytes())
    assert result.findings and result.headers is None


def test_a_notification_mailed_as_json_is_answered_as_a_bounce(engine: Engine) -> None:
    # SNS mails an SES notification with a header block like any other mail's
    notification = {
        "notificationType": "Bounce",
        "bounce": {
            "bounceType": "Permanent",
            "bouncedRecipients": [{"emailAddress": "sam@example.com", "status": "5.1.1"}],
        },
    }
    text = (
        "Received: from a.example.net (a.example.net [192.0.2.7]) by mx.example.org; "
        "Tue, 5 Mar 2024 10:15:00 +0000\n"
        "From: AWS Notifications <no-reply@sns.amazonaws.com>\n"
        "To: sender@example.org\n"
        "Subject: AWS Notification Message\n"
        "Date: Tue, 5 Mar 2024 10:15:00 +0000\n\n" + json.dumps(notification) + "\n"
    )
    result = engine.explain(text)
    assert result.input_kind == "json" and result.findings
    assert result.headers is None


def test_codes_and_questions_carry_no_header_analysis(engine: Engine) -> None:
    for text in ("550 5.1.1", "what does 452 mean?", "Received: nothing else"):
        assert engine.explain(text).headers is None
