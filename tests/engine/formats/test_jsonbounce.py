"""JSON notifications, pasted or mailed by SNS; SES deliveries and complaints by structure."""

from __future__ import annotations

import json

from sample_mail import findings, message

SES_BOUNCE = {
    "notificationType": "Bounce",
    "bounce": {
        "bounceType": "Permanent",
        "bounceSubType": "General",
        "bouncedRecipients": [
            {
                "emailAddress": "sam@example.com",
                "status": "5.1.1",
                "diagnosticCode": "smtp; 550 5.1.1 user unknown",
            }
        ],
    },
    "mail": {"source": "news@example.org", "destination": ["sam@example.com"]},
}
SES_DELIVERY = {
    "notificationType": "Delivery",
    "delivery": {"recipients": ["tia@example.com"], "smtpResponse": "250 2.6.0 Message received"},
    "mail": {"source": "news@example.org"},
}
SES_COMPLAINT = {
    "notificationType": "Complaint",
    "complaint": {
        "complainedRecipients": [{"emailAddress": "uma@example.com"}],
        "complaintFeedbackType": "abuse",
    },
}


def test_ses_bounce(engine) -> None:
    got = findings(engine, json.dumps(SES_BOUNCE))
    assert [(f.recipient, f.reason, f.bounce) for f in got] == [("sam@example.com", "userunknown", "hard")]


def test_ses_delivery_is_delivered(engine) -> None:
    got = findings(engine, json.dumps(SES_DELIVERY))
    assert [(f.recipient, f.reason, f.bounce) for f in got] == [("tia@example.com", "delivered", "none")]


def test_ses_complaint_is_feedback(engine) -> None:
    got = findings(engine, json.dumps(SES_COMPLAINT))
    assert [(f.recipient, f.reason) for f in got] == [("uma@example.com", "feedback")]


def test_notification_mailed_by_sns_with_broken_long_lines(engine) -> None:
    document = json.dumps(SES_BOUNCE)
    wrapped = document[:60] + "!\n " + document[60:]  # Sendmail's break of an over-long line
    text = message(
        wrapped + "\n\n--\nIf you wish to stop receiving notifications, unsubscribe.",
        subject="AWS Notification Message",
        From="no-reply@sns.amazonaws.com",
    )
    got = findings(engine, text)
    assert [(f.recipient, f.reason) for f in got] == [("sam@example.com", "userunknown")]
    assert engine.explain(text).input_kind == "json"


def test_a_notification_type_that_is_no_string_is_no_notification(engine) -> None:
    assert engine.explain('{"notificationType": [null], "eventType": {"a": 1}}').findings == ()


def _mailgun_event(recipient: str, code: int, message_text: str) -> dict:
    return {
        "event-data": {
            "event": "failed",
            "severity": "permanent",
            "recipient": recipient,
            "delivery-status": {"code": code, "message": message_text},
        }
    }


def test_events_mailed_one_after_another_are_each_read(engine) -> None:
    # a webhook relay that mails two events in one email writes two documents, not one list
    body = "\n\n".join(
        json.dumps(e, indent=2)
        for e in (
            _mailgun_event("ana@example.com", 552, "5.2.2 Mailbox full"),
            _mailgun_event("bo@example.net", 550, "5.1.1 No such user"),
        )
    )
    got = [(f.recipient, f.reason) for f in findings(engine, message(body, subject="Mailgun events"))]
    assert got == [("ana@example.com", "mailboxfull"), ("bo@example.net", "userunknown")]
