"""SendGrid, Mailgun and Postmark events, written from each service's webhook documentation."""

from __future__ import annotations

import json

import pytest
from sample_mail import findings


def answers(engine, payload) -> list[tuple]:
    return [(f.recipient, f.reason, f.bounce, f.provider) for f in findings(engine, json.dumps(payload))]


# --- SendGrid (https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/event) -------


def sendgrid(event: str, **fields) -> dict:
    return {
        "email": "ana@example.com",
        "timestamp": 1725700000,
        "event": event,
        "sg_event_id": "ZXY",
        **fields,
    }


def test_sendgrid_bounce_and_blocked(engine) -> None:
    events = [
        sendgrid("bounce", type="bounce", status="5.1.1", reason="550 5.1.1 user unknown"),
        sendgrid(
            "bounce",
            email="bo@example.com",
            type="blocked",
            status="5.7.1",
            reason="554 5.7.1 Client host [198.51.100.2] blocked using zen.spamhaus.org",
        ),
    ]
    assert answers(engine, events) == [
        ("ana@example.com", "userunknown", "hard", "SendGrid"),
        ("bo@example.com", "blocked", "hard", "SendGrid"),
    ]


def test_sendgrid_dropped_reasons(engine) -> None:
    events = [
        sendgrid("dropped", reason="Bounced Address", status="5.0.0"),
        sendgrid("dropped", email="bo@example.com", reason="Invalid"),
    ]
    assert [(r[0], r[1], r[2]) for r in answers(engine, events)] == [
        ("ana@example.com", "suppressed", "hard"),
        ("bo@example.com", "userunknown", "hard"),
    ]


def test_sendgrid_deferred_is_soft_and_spamreport_is_feedback(engine) -> None:
    events = [
        sendgrid("deferred", response="452 4.2.2 Mailbox full", attempt="2"),
        sendgrid("spamreport", email="bo@example.com"),
    ]
    assert [(r[0], r[1], r[2]) for r in answers(engine, events)] == [
        ("ana@example.com", "mailboxfull", "soft"),
        ("bo@example.com", "feedback", "none"),
    ]


def test_sendgrid_event_needs_its_recipient_or_markers(engine) -> None:
    assert engine.explain(json.dumps([{"event": "bounce"}])).findings == ()


# --- Mailgun (https://documentation.mailgun.com/docs/mailgun/user-manual/events/event-types) ----


def mailgun(severity: str, status: dict, reason: str = "bounce") -> dict:
    return {
        "signature": {"timestamp": "1", "token": "t", "signature": "s"},
        "event-data": {
            "event": "failed",
            "severity": severity,
            "reason": reason,
            "recipient": "ana@example.com",
            "delivery-status": status,
        },
    }


@pytest.mark.parametrize(
    ("severity", "status", "expected"),
    [
        (
            "permanent",
            {"code": 550, "message": "5.1.1 user unknown", "enhanced-code": "5.1.1"},
            ("userunknown", "hard"),
        ),
        (
            "temporary",
            {"code": 452, "message": "4.2.2 Mailbox full", "enhanced-code": "4.2.2"},
            ("mailboxfull", "soft"),
        ),
        (
            "permanent",
            {"code": 605, "description": "Not delivering to previously bounced address"},
            ("suppressed", "hard"),
        ),
    ],
)
def test_mailgun_failed_by_severity(engine, severity: str, status: dict, expected: tuple) -> None:
    got = findings(engine, json.dumps(mailgun(severity, status)))
    assert [(f.recipient, f.reason, f.bounce, f.provider) for f in got] == [
        ("ana@example.com", *expected, "Mailgun")
    ]


def test_mailgun_legacy_bounced_webhook(engine) -> None:
    legacy = {
        "event": "bounced",
        "recipient": "ana@example.com",
        "code": "550",
        "error": "5.1.1 user unknown",
    }
    assert answers(engine, legacy) == [("ana@example.com", "userunknown", "hard", "Mailgun")]


def test_mailgun_events_api_items(engine) -> None:
    listing = {
        "items": [mailgun("permanent", {"code": 550, "message": "5.1.1 user unknown"})["event-data"]],
        "paging": {},
    }
    assert [r[:2] for r in answers(engine, listing)] == [("ana@example.com", "userunknown")]


def test_mailgun_complaint_and_delivery(engine) -> None:
    complained = {"event-data": {"event": "complained", "recipient": "ana@example.com"}}
    delivered = {
        "event-data": {
            "event": "delivered",
            "recipient": "bo@example.com",
            "delivery-status": {"code": 250, "message": "OK"},
        }
    }
    assert [r[:3] for r in answers(engine, complained)] == [("ana@example.com", "feedback", "none")]
    assert [r[:3] for r in answers(engine, delivered)] == [("bo@example.com", "delivered", "none")]


# --- Postmark (https://postmarkapp.com/developer/webhooks/bounce-webhook) ----------------------


@pytest.mark.parametrize(
    ("kind", "details", "expected"),
    [
        ("HardBounce", "smtp;550 5.1.1 user unknown", ("userunknown", "hard")),
        ("SoftBounce", "smtp;452 4.2.2 Mailbox full", ("mailboxfull", "soft")),
        ("Transient", "smtp;452 4.2.2 Mailbox full", ("mailboxfull", "soft")),
        # DNS answered that the domain does not exist: the details decide, Postmark's type says soft
        (
            "DnsError",
            "DNS lookup for MX records of example.invalid failed: NXDOMAIN",
            ("hostunknown", "soft"),
        ),
        ("DnsError", "", ("networkerror", "soft")),
    ],
)
def test_postmark_bounce_types(engine, kind: str, details: str, expected: tuple) -> None:
    bounce = {
        "RecordType": "Bounce",
        "Type": kind,
        "TypeCode": 1,
        "Email": "ana@example.com",
        "Details": details,
    }
    assert answers(engine, bounce) == [("ana@example.com", *expected, "Postmark")]


def test_postmark_type_code_alone_names_the_type(engine) -> None:
    bounce = {"TypeCode": 100000, "Email": "ana@example.com", "Details": "Invalid email address"}
    assert [r[:3] for r in answers(engine, bounce)] == [("ana@example.com", "userunknown", "hard")]


def test_postmark_spam_complaint_and_delivery(engine) -> None:
    complaint = {
        "RecordType": "SpamComplaint",
        "Type": "SpamComplaint",
        "TypeCode": 512,
        "Email": "ana@example.com",
    }
    delivery = {"RecordType": "Delivery", "Recipient": "bo@example.com", "Details": "smtp;250 2.0.0 OK"}
    assert [r[:3] for r in answers(engine, complaint)] == [("ana@example.com", "feedback", "none")]
    assert [r[:3] for r in answers(engine, delivery)] == [("bo@example.com", "delivered", "none")]
