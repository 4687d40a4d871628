"""Amazon SES notifications and event publishing records, each event type by its own layout
(https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html)."""

from __future__ import annotations

import json

import pytest
from sample_mail import findings, message

MAIL = {"source": "app@example.org", "destination": ["ana@example.com", "bo@example.com"]}


def event(kind: str, key: str, body: dict, field: str = "eventType") -> str:
    return json.dumps({field: kind, "mail": MAIL, key: body})


def answers(engine, text: str) -> list[tuple]:
    return [(f.recipient, f.reason, f.bounce) for f in findings(engine, text)]


@pytest.mark.parametrize("field", ["eventType", "notificationType"])
def test_permanent_bounce_in_both_layouts(engine, field: str) -> None:
    body = {
        "bounceType": "Permanent",
        "bounceSubType": "General",
        "bouncedRecipients": [
            {
                "emailAddress": "ana@example.com",
                "status": "5.1.1",
                "diagnosticCode": "smtp; 550 5.1.1 user unknown",
            }
        ],
    }
    assert answers(engine, event("Bounce", "bounce", body, field)) == [
        ("ana@example.com", "userunknown", "hard")
    ]


def test_transient_bounce_is_soft(engine) -> None:
    body = {
        "bounceType": "Transient",
        "bounceSubType": "MailboxFull",
        "bouncedRecipients": [{"emailAddress": "ana@example.com", "status": "4.2.2"}],
    }
    assert answers(engine, event("Bounce", "bounce", body)) == [("ana@example.com", "mailboxfull", "soft")]


def test_suppressed_subtype_without_diagnostic(engine) -> None:
    body = {
        "bounceType": "Permanent",
        "bounceSubType": "Suppressed",
        "bouncedRecipients": [{"emailAddress": "bo@example.com"}],
    }
    assert answers(engine, event("Bounce", "bounce", body)) == [("bo@example.com", "suppressed", "hard")]


def test_delivery_delay_per_delayed_recipient(engine) -> None:
    body = {
        "delayType": "RecipientServerError",
        "delayedRecipients": [
            {
                "emailAddress": "ana@example.com",
                "status": "4.3.0",
                "diagnosticCode": "smtp; 451 4.3.0 Temporary system failure",
            },
            {
                "emailAddress": "bo@example.com",
                "status": "4.2.2",
                "diagnosticCode": "smtp; 452 4.2.2 Mailbox full",
            },
        ],
    }
    assert answers(engine, event("DeliveryDelay", "deliveryDelay", body)) == [
        ("ana@example.com", "systemerror", "soft"),
        ("bo@example.com", "mailboxfull", "soft"),
    ]


def test_reject_affects_every_destination(engine) -> None:
    got = findings(engine, event("Reject", "reject", {"reason": "Bad content"}))
    assert [(f.recipient, f.reason, f.entry_id) for f in got] == [
        ("ana@example.com", "virusdetected", "ses.reject-virus"),
        ("bo@example.com", "virusdetected", "ses.reject-virus"),
    ]


def test_rendering_failure(engine) -> None:
    body = {
        "errorMessage": "Attribute 'name' is not present in the rendering data.",
        "templateName": "Welcome",
    }
    got = findings(engine, event("Rendering Failure", "failure", body))
    assert {(f.reason, f.entry_id) for f in got} == {("contenterror", "ses.rendering-failure")}


def test_complaint_is_feedback_for_each_complainer(engine) -> None:
    body = {"complaintFeedbackType": "abuse", "complainedRecipients": [{"emailAddress": "bo@example.com"}]}
    assert answers(engine, event("Complaint", "complaint", body)) == [("bo@example.com", "feedback", "none")]


@pytest.mark.parametrize(
    ("kind", "key", "entry"),
    [
        ("Send", "send", "services.event-accepted"),
        ("Open", "open", "services.event-engagement"),
        ("Click", "click", "services.event-engagement"),
        ("Subscription", "subscription", "services.event-engagement"),
    ],
)
def test_events_that_report_no_failure(engine, kind: str, key: str, entry: str) -> None:
    got = findings(engine, event(kind, key, {}))
    assert {(f.reason, f.bounce, f.entry_id) for f in got} == {("delivered", "none", entry)}
    assert engine.explain(event(kind, key, {}), "passive").findings == ()


def test_an_unknown_event_type_is_no_ses_event(engine) -> None:
    assert engine.explain(json.dumps({"eventType": "Teleport", "mail": MAIL})).findings == ()


def test_event_mailed_by_sns(engine) -> None:
    body = {
        "bounceType": "Permanent",
        "bounceSubType": "General",
        "bouncedRecipients": [
            {"emailAddress": "ana@example.com", "diagnosticCode": "smtp; 550 5.1.1 user unknown"}
        ],
    }
    text = message(
        event("Bounce", "bounce", body)
        + "\n\n--\nIf you wish to stop receiving notifications from this topic, ...",
        subject="AWS Notification Message",
        From="AWS Notifications <no-reply@sns.amazonaws.com>",
    )
    result = engine.explain(text)
    assert result.input_kind == "json"
    assert [(f.recipient, f.provider) for f in result.findings] == [("ana@example.com", "Amazon SES")]
