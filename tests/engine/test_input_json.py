"""JSON bounce notifications: Amazon SES (and through SNS), SendGrid, Mailgun and Postmark."""

from __future__ import annotations

from typing import Any

import pytest
from explain_checks import best, by_recipient, check, explain
from repo_paths import DATA

from bot.engine import Engine

JSON_SINGLE = [
    (
        "ses_bounce_permanent.json",
        {
            "reply_code": "550",
            "enhanced_code": "5.1.1",
            "reason": "userunknown",
            "bounce": "hard",
            "recipient": "no.such.person@example.net",
        },
    ),
    (
        "sns_wrapped_ses_mailbox_full.json",
        {
            "reply_code": "552",
            "enhanced_code": "5.2.2",
            "reason": "mailboxfull",
            "recipient": "lucy.grey@mail.example.com",
        },
    ),
    (
        "ses_event_publishing_bounce.json",
        {"reason": "suppressed", "bounce": "hard", "recipient": "old.customer@example.org"},
    ),
    (
        "ses_delivery_delay.json",
        {"enhanced_code": "4.4.7", "bounce": "soft", "recipient": "oncall@slowmx.example"},
    ),
    (
        # a complaint is feedback about a delivered message, not a bounce
        "ses_complaint.json",
        {"reason": "feedback", "bounce": "none", "recipient": "annoyed.reader@yahoo.com"},
    ),
    (
        "mailgun_failed_permanent.json",
        {
            "reply_code": "550",
            "enhanced_code": "5.5.0",
            "bounce": "hard",
            "provider": "Microsoft",
            "recipient": "erik.larsson@outlook.com",
            "remote_mta": "outlook-com.olc.protection.outlook.com",
        },
    ),
    (
        "mailgun_failed_temporary.json",
        {
            "reply_code": "421",
            "enhanced_code": "4.7.0",
            "bounce": "soft",
            "provider": "Google",
            "recipient": "sam@busy-host.example",
            "remote_mta": "aspmx.l.google.com",
        },
    ),
    (
        "postmark_hard_bounce.json",
        {
            "reply_code": "550",
            "enhanced_code": "5.1.1",
            "reason": "userunknown",
            "bounce": "hard",
            "recipient": "typo.adress@gmial.example",
        },
    ),
    (
        "postmark_spam_notification.json",
        {
            "reply_code": "550",
            "enhanced_code": "5.7.1",
            "reason": "spamdetected",
            "recipient": "reader@corp.example",
        },
    ),
]


@pytest.mark.parametrize(("name", "expected"), JSON_SINGLE, ids=[n for n, _ in JSON_SINGLE])
def test_json_notification(engine: Engine, name: str, expected: dict[str, Any]) -> None:
    result = explain(engine, (DATA / "json" / name).read_text())
    assert result.input_kind == "json"
    assert len(result.findings) == 1, [(f.entry_id, f.recipient) for f in result.findings]
    check(result.findings[0], expected)


def test_sendgrid_event_array(engine: Engine) -> None:
    result = explain(engine, (DATA / "json" / "sendgrid_events.json").read_text())
    assert result.input_kind == "json"
    found = by_recipient(result)
    # processed and delivered events are not problems
    assert set(found) == {"nobody.here@gmail.com", "busy.user@example.org"}
    check(
        found["nobody.here@gmail.com"][0],
        {
            "reply_code": "550",
            "enhanced_code": "5.1.1",
            "reason": "userunknown",
            "bounce": "hard",
            "provider": "Google",
        },
    )
    check(
        found["busy.user@example.org"][0],
        {"reply_code": "452", "enhanced_code": "4.2.2", "reason": "mailboxfull", "bounce": "soft"},
    )


def test_json_pasted_in_a_slack_code_block(engine: Engine) -> None:
    raw = (DATA / "alerts" / "ses_bounce_compact.json").read_text()
    slack = "```" + raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "```"
    check(
        best(engine, slack),
        {"enhanced_code": "5.1.1", "reason": "userunknown", "recipient": "no.such.person@example.net"},
    )


def test_json_that_is_not_a_bounce(engine: Engine) -> None:
    text = '{"event": "delivered", "email": "ok@example.com", "response": "250 2.0.0 OK"}'
    assert explain(engine, text, "passive").findings == ()
    assert all(f.bounce == "none" for f in explain(engine, text).findings)
