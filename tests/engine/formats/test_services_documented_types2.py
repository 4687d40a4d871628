"""More services' own classifications, read where the receiving server's words say nothing: SES
event publishing's delayType, Mandrill's bounce_description and the send API's reject_reason,
SMTP2GO's, Mailtrap's and Elastic Email's events, Postal's held messages, Mailjet's connection
issue and SendGrid's Mailbox Unavailable. Written from each service's documentation (the URLs
are in bench/corpus-pastes-heldout-esp/README.md)."""

from __future__ import annotations

import json

import pytest
from sample_mail import findings


def ses_delay(kind: str, diagnostic: str = "") -> dict:
    rcpt = {"emailAddress": "ana@example.com"} | ({"diagnosticCode": diagnostic} if diagnostic else {})
    delay = {"delayType": kind, "expirationTime": "2026-12-03T08:00:00Z", "delayedRecipients": [rcpt]}
    return {
        "eventType": "DeliveryDelay",
        "mail": {"destination": ["ana@example.com"]},
        "deliveryDelay": delay,
    }


def mandrill(event: str, description: str) -> list[dict]:
    msg = {"email": "ana@example.com", "state": "bounced", "bounce_description": description, "diag": ""}
    return [{"event": event, "msg": msg, "ts": 1796203105}]


def mandrill_api(status: str, why: str | None = None) -> list[dict]:
    return [{"email": "ana@example.com", "status": status, "reject_reason": why, "_id": "ex1"}]


def smtp2go(event: str, **fields) -> dict:
    return {"event": event, "rcpt": "ana@example.com", "email_id": "1tEx0-4Hn2Dq-00", **fields}


def mailtrap(event: str, **fields) -> dict:
    ev = {"event": event, "email": "ana@example.com", "message_id": "ex-1", "event_id": "ex-ev-1"}
    return {"events": [ev | {"sending_stream": "transactional"} | fields]}


def elastic(event: str, category: str = "", message: str = "") -> dict:
    return {
        "TransactionID": "ex-tx",
        "MsgID": "ex-msg",
        "To": "ana@example.com",
        "EventType": event,
        "MessageCategory": category,
        "Message": message,
    }


def mailjet(error: str, related: str, hard: bool) -> dict:
    return {
        "event": "bounce",
        "email": "ana@example.com",
        "MessageID": 1,
        "hard_bounce": hard,
        "error_related_to": related,
        "error": error,
    }


@pytest.mark.parametrize(
    ("payload", "answer"),
    [
        (ses_delay("MailboxFull"), ("mailboxfull", "soft", "Amazon SES")),
        (ses_delay("IPFailure"), ("blocked", "soft", "Amazon SES")),
        (ses_delay("TransientCommunicationFailure"), ("networkerror", "soft", "Amazon SES")),
        (ses_delay("BYOIPHostNameLookupUnavailable"), ("networkerror", "soft", "Amazon SES")),
        (ses_delay("InternalFailure"), ("systemerror", "soft", "Amazon SES")),
        (ses_delay("RecipientServerError"), ("systemerror", "soft", "Amazon SES")),
        (ses_delay("SpamDetected"), ("spamdetected", "soft", "Amazon SES")),
        # the receiving server's own words over the delay type
        (
            ses_delay("General", "smtp; 452 4.2.2 The email account that you tried to reach is over quota"),
            ("mailboxfull", "soft", "Amazon SES"),
        ),
        (mandrill("hard_bounce", "bad_mailbox"), ("userunknown", "hard", "Mandrill")),
        (mandrill("hard_bounce", "invalid_domain"), ("hostunknown", "hard", "Mandrill")),
        (mandrill("soft_bounce", "mailbox_full"), ("mailboxfull", "soft", "Mandrill")),
        (mandrill_api("rejected", "hard-bounce"), ("suppressed", "hard", "Mandrill")),
        (mandrill_api("rejected", "unsub"), ("suppressed", "hard", "Mandrill")),
        (mandrill_api("rejected", "soft-bounce"), ("suppressed", "soft", "Mandrill")),
        (mandrill_api("rejected", "invalid-sender"), ("rejected", "hard", "Mandrill")),
        (mandrill_api("rejected", "unsigned"), ("authfailure", "hard", "Mandrill")),
        (smtp2go("reject"), ("suppressed", "hard", "SMTP2GO")),
        (
            smtp2go("bounce", bounce="hard", message="550 5.1.1 <ana@example.com>: user unknown"),
            ("userunknown", "hard", "SMTP2GO"),
        ),
        (mailtrap("reject"), ("suppressed", "hard", "Mailtrap")),
        (mailtrap("soft bounce", response="452 4.2.2 Mailbox full"), ("mailboxfull", "soft", "Mailtrap")),
        (elastic("Bounce", "NoMailbox"), ("userunknown", "hard", "Elastic Email")),
        (elastic("Bounce", "SPFProblem"), ("authfailure", "hard", "Elastic Email")),
        (elastic("Bounce", "Timeout"), ("networkerror", "soft", "Elastic Email")),
        (elastic("FailedAttempt", "Throttled"), ("speeding", "soft", "Elastic Email")),
        (mailjet("connection issue", "system", False), ("networkerror", "soft", "Mailjet")),
        (mailjet("system issue", "system", False), ("systemerror", "soft", "Mailjet")),
        (
            {
                "email": "ana@example.com",
                "event": "bounce",
                "type": "bounce",
                "reason": "550 Requested action not taken",
                "bounce_classification": "Mailbox Unavailable",
            },
            ("suspend", "hard", "SendGrid"),
        ),
    ],
)
def test_the_service_label_answers_where_the_reply_says_nothing(engine, payload, answer) -> None:
    found = findings(engine, json.dumps(payload))
    assert [(f.recipient, f.reason, f.bounce, f.provider) for f in found] == [("ana@example.com", *answer)]


def test_a_held_postal_message_waits_for_release(engine) -> None:
    payload = {
        "event": "MessageHeld",
        "uuid": "ex",
        "payload": {"message": {"to": "ana@example.com"}, "status": "Held", "details": "", "output": ""},
    }
    found = findings(engine, json.dumps(payload))
    assert [(f.reason, f.bounce, f.provider) for f in found] == [("onhold", "soft", "Postal")]


@pytest.mark.parametrize(
    "payload",
    [
        mandrill_api("sent"),
        mandrill_api("queued"),
        smtp2go("processed"),
        mailtrap("open"),
        elastic("Sent"),
    ],
)
def test_accepted_and_engagement_events_are_no_failure(engine, payload) -> None:
    assert [f for f in findings(engine, json.dumps(payload)) if f.bounce in ("hard", "soft")] == []


@pytest.mark.parametrize(
    ("payload", "provider"),
    [(smtp2go("spam"), "SMTP2GO"), (mailtrap("spam"), "Mailtrap"), (elastic("Complaint"), "Elastic Email")],
)
def test_complaints_are_feedback(engine, payload, provider) -> None:
    found = findings(engine, json.dumps(payload))
    assert [(f.recipient, f.reason, f.provider) for f in found] == [("ana@example.com", "feedback", provider)]


def test_an_unknown_mandrill_reject_reason_is_not_called_a_denylist(engine) -> None:
    found = findings(engine, json.dumps(mandrill_api("rejected", "rule")))
    assert [f.reason for f in found] != ["suppressed"]
