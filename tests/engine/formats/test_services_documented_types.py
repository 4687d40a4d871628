"""A sending service's own classification answers where the receiving server's words say nothing
specific: no diagnostic at all, or a reply's default text ("554 Transaction failed"). Written from
each service's table of types: https://postmarkapp.com/developer/api/bounce-api (bounce types),
https://support.sparkpost.com/docs/deliverability/bounce-classification-codes and
https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/event (bounce_classification)."""

from __future__ import annotations

import json

import pytest
from sample_mail import findings


def sparkpost(bounce_class: str, reason: str = "") -> list[dict]:
    event = {
        "type": "bounce",
        "bounce_class": bounce_class,
        "rcpt_to": "ana@example.com",
        "raw_reason": reason,
    }
    return [{"msys": {"message_event": event}}]


def postmark(kind: str, details: str = "") -> dict:
    return {"RecordType": "Bounce", "Type": kind, "Details": details, "Email": "ana@example.com"}


def sendgrid(classification: str, reason: str) -> dict:
    return {
        "email": "ana@example.com",
        "event": "bounce",
        "type": "bounce",
        "reason": reason,
        "bounce_classification": classification,
    }


@pytest.mark.parametrize(
    ("payload", "reason", "bounce"),
    [
        # SparkPost's "Soft" category is a soft bounce, with or without the reply's words
        (sparkpost("21"), "networkerror", "soft"),
        (sparkpost("22", "452 Requested action not taken"), "mailboxfull", "soft"),
        (sparkpost("23"), "mesgtoobig", "soft"),
        (sparkpost("24"), "expired", "soft"),
        (sparkpost("100"), "onhold", "soft"),
        (sparkpost("26"), "suppressed", "hard"),
        (sparkpost("10"), "userunknown", "hard"),
        # the class over RFC 5321's default text
        (sparkpost("51", "554 Transaction failed"), "blocked", "hard"),
        (sparkpost("52", "554 Transaction failed"), "spamdetected", "hard"),
        # the reply's own cause over the class
        (
            sparkpost("51", "554 5.7.1 Client host [192.0.2.1] blocked using zen.spamhaus.org"),
            "blocked",
            "hard",
        ),
        (sparkpost("10", "552 5.2.2 Mailbox full"), "mailboxfull", "hard"),
        (postmark("HardBounce"), "userunknown", "hard"),
        (postmark("HardBounce", "smtp;550 Requested action not taken"), "userunknown", "hard"),
        (postmark("HardBounce", "smtp;552 5.2.2 Mailbox full"), "mailboxfull", "hard"),
        (postmark("Blocked", "smtp;554 Transaction failed"), "blocked", "hard"),
        (postmark("SpamNotification", "smtp;554 Transaction failed"), "spamdetected", "hard"),
        (postmark("ChallengeVerification"), "onhold", "soft"),
        (postmark("Unknown"), "onhold", "hard"),
        (sendgrid("Content", "554 Transaction failed"), "spamdetected", "hard"),
        (sendgrid("Content", "552 5.3.4 Message size exceeds fixed limit"), "mesgtoobig", "hard"),
    ],
)
def test_the_service_type_answers_where_the_reply_names_no_cause(engine, payload, reason, bounce) -> None:
    found = findings(engine, json.dumps(payload))
    assert [(f.recipient, f.reason, f.bounce) for f in found] == [("ana@example.com", reason, bounce)]


def test_default_text_alone_is_still_the_generic_answer(engine) -> None:
    assert [(f.reason, f.bounce) for f in findings(engine, "554 Transaction failed")] == [
        ("systemerror", "hard")
    ]


def test_an_auto_reply_class_is_no_failure(engine) -> None:
    payload = [
        {
            "msys": {
                "message_event": {"type": "out_of_band", "bounce_class": "60", "rcpt_to": "ana@example.com"}
            }
        }
    ]
    assert [f for f in findings(engine, json.dumps(payload)) if f.bounce in ("hard", "soft")] == []
