"""SES events inside EventBridge's envelope, Azure Communication Services delivery reports and
Postal webhooks, written from each service's documentation."""

from __future__ import annotations

import json

from sample_mail import findings


def answers(engine, payload) -> list[tuple]:
    return [(f.recipient, f.reason, f.bounce, f.provider) for f in findings(engine, json.dumps(payload))]


# --- Amazon SES through EventBridge (https://docs.aws.amazon.com/ses/latest/dg/monitoring-eventbridge.html)


def eventbridge(detail_type: str, detail: dict) -> dict:
    return {
        "version": "0",
        "id": "0e4c1f2a",
        "detail-type": detail_type,
        "source": "aws.ses",
        "account": "111122223333",
        "region": "us-east-1",
        "resources": [],
        "detail": detail,
    }


def test_an_ses_bounce_inside_an_eventbridge_envelope(engine) -> None:
    bounce = {
        "eventType": "Bounce",
        "bounce": {
            "bounceType": "Permanent",
            "bounceSubType": "General",
            "bouncedRecipients": [
                {
                    "emailAddress": "ana@example.com",
                    "status": "5.1.1",
                    "diagnosticCode": "smtp; 550 5.1.1 user unknown",
                }
            ],
        },
        "mail": {"destination": ["ana@example.com"]},
    }
    assert answers(engine, eventbridge("Email Bounced", bounce)) == [
        ("ana@example.com", "userunknown", "hard", "Amazon SES")
    ]


def test_an_ses_delivery_delay_inside_an_eventbridge_envelope_is_soft(engine) -> None:
    delay = {
        "eventType": "DeliveryDelay",
        "deliveryDelay": {
            "delayType": "MailboxFull",
            "delayedRecipients": [
                {
                    "emailAddress": "bo@example.com",
                    "status": "4.2.2",
                    "diagnosticCode": "smtp; 452 4.2.2 Mailbox full",
                }
            ],
        },
        "mail": {"destination": ["bo@example.com"]},
    }
    assert answers(engine, eventbridge("Email Delivery Delayed", delay)) == [
        ("bo@example.com", "mailboxfull", "soft", "Amazon SES")
    ]


def test_a_detail_object_without_eventbridge_s_detail_type_is_no_envelope(engine) -> None:
    # an object that merely has a "detail" key is read for its own words, not opened as events
    result = engine.explain(json.dumps({"detail": {"eventType": "Bounce", "bounce": {}, "mail": {}}}))
    assert all(f.provider != "Amazon SES" for f in result.findings)


# --- Azure Communication Services (https://learn.microsoft.com/azure/event-grid/communication-services-email-events)


def azure(status: str, message: str = "", recipient: str = "ana@example.com", key: str = "eventType") -> dict:
    return {
        "id": "00000000-0000-0000-0000-000000000001",
        key: "Microsoft.Communication.EmailDeliveryReportReceived",
        "data": {
            "sender": "noreply@example.org",
            "recipient": recipient,
            "messageId": "9f8e7d6c",
            "internetMessageId": "<9f8e7d6c@example.org>",
            "status": status,
            "deliveryStatusDetails": {"statusMessage": message},
        },
    }


def test_azure_bounced_takes_the_reply_and_the_recipient_not_the_message_id(engine) -> None:
    events = [azure("Bounced", "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found")]
    provider = "Azure Communication Services"
    assert answers(engine, events) == [("ana@example.com", "userunknown", "hard", provider)]


def test_azure_statuses_the_service_sets_itself(engine) -> None:
    events = [
        azure("Suppressed", recipient="ana@example.com"),
        azure("Quarantined", recipient="bo@example.com", key="type"),  # the CloudEvents schema
        azure("FilteredSpam", recipient="cy@example.com"),
    ]
    got = [(r, reason, bounce) for r, reason, bounce, _ in answers(engine, events)]
    assert got == [
        ("ana@example.com", "suppressed", "hard"),
        ("bo@example.com", "filtered", "hard"),
        ("cy@example.com", "spamdetected", "hard"),
    ]


def test_an_azure_delivery_is_no_error(engine) -> None:
    got = answers(engine, [azure("Delivered", "250 2.6.0 Queued mail for delivery")])
    assert [(r, reason, bounce) for r, reason, bounce, _ in got] == [("ana@example.com", "delivered", "none")]


# --- Postal (https://docs.postalserver.io/developer/webhooks) --------------------------------------


def postal(event: str, status: str, output: str, to: str = "ana@example.com") -> dict:
    return {
        "event": event,
        "timestamp": 1764506000.1,
        "uuid": "2f6a3b1c",
        "payload": {
            "message": {"id": 1, "token": "AbCd", "to": to, "from": "app@example.org"},
            "status": status,
            "details": "SMTP delivery error when sending to mx.example.com",
            "output": output,
            "sent_with_ssl": True,
        },
    }


def test_postal_failed_and_delayed_messages(engine) -> None:
    events = [
        postal("MessageDeliveryFailed", "HardFail", "550 5.1.1 <ana@example.com>: User unknown"),
        postal("MessageDelayed", "SoftFail", "452 4.2.2 Mailbox full", to="bo@example.com"),
    ]
    got = [(r, reason, bounce) for r, reason, bounce, _ in answers(engine, events)]
    assert got == [("ana@example.com", "userunknown", "hard"), ("bo@example.com", "mailboxfull", "soft")]


def test_a_postal_message_sent_is_no_error(engine) -> None:
    got = answers(engine, postal("MessageSent", "Sent", "250 2.0.0 OK queued"))
    assert [(r, reason, bounce) for r, reason, bounce, _ in got] == [("ana@example.com", "delivered", "none")]
