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


# --- finding the documents ------------------------------------------------------------------


def test_documents_one_after_another_are_all_read(engine) -> None:
    first = json.dumps(SES_BOUNCE)
    second = json.dumps(SES_BOUNCE).replace("sam@example.com", "lee@example.com")
    got = findings(engine, f"{first}\n\n{second}\n")
    assert [f.recipient for f in got] == ["sam@example.com", "lee@example.com"]


def test_words_and_a_code_fence_before_the_json(engine) -> None:
    text = f"Got this from SES this morning, any idea?\n```json\n{json.dumps(SES_BOUNCE, indent=2)}\n```"
    result = engine.explain(text)
    assert result.input_kind == "json"
    assert [(f.recipient, f.reason, f.provider) for f in result.findings] == [
        ("sam@example.com", "userunknown", "Amazon SES")
    ]


def test_words_with_braces_that_hold_no_event_are_not_json(engine) -> None:
    result = engine.explain('is this bad?\n{"status": "ok", "count": 3}\n550 5.1.1 user unknown')
    assert result.input_kind != "json"


def test_sns_envelope_with_the_notification_as_a_string(engine) -> None:
    envelope = {
        "Type": "Notification",
        "TopicArn": "arn:aws:sns:us-east-1:1:x",
        "Message": json.dumps(SES_BOUNCE),
    }
    got = findings(engine, json.dumps(envelope))
    assert [(f.recipient, f.reason, f.bounce) for f in got] == [("sam@example.com", "userunknown", "hard")]


def test_a_json_fragment_is_never_a_recipient(engine) -> None:
    bounce = json.loads(json.dumps(SES_BOUNCE))
    bounce["bounce"]["bouncedRecipients"][0]["emailAddress"] = '{"x":"a"}@example.com'
    bounce["bounce"]["bouncedRecipients"][0]["diagnosticCode"] = "smtp; 550 5.1.1 user unknown"
    got = findings(engine, json.dumps(bounce))
    assert [f.recipient for f in got] == [None]


def test_a_recipient_that_is_no_string_is_none(engine) -> None:
    bounce = json.loads(json.dumps(SES_BOUNCE))
    bounce["bounce"]["bouncedRecipients"][0]["emailAddress"] = ["sam@example.com"]
    assert [f.recipient for f in findings(engine, json.dumps(bounce))] == [None]


def test_unknown_json_is_read_for_diagnostic_strings(engine) -> None:
    got = findings(engine, '{"result": {"error": "550 5.1.1 <ana@example.com>: Recipient address rejected"}}')
    assert [(f.reason, f.enhanced_code) for f in got] == [("userunknown", "5.1.1")]


def test_an_email_whose_body_is_json_of_no_service_is_no_notification(engine) -> None:
    text = message(
        '{"build": "failed", "error": "tests did not pass"}', subject="CI report", From="ci@example.org"
    )
    assert engine.explain(text).input_kind != "json"


# --- events that report no failure ----------------------------------------------------------


def test_deliveries_and_opens_beside_a_failure_are_left_out(engine) -> None:
    events = [
        {"email": "ana@example.com", "event": "processed", "sg_event_id": "a"},
        {
            "email": "ana@example.com",
            "event": "deferred",
            "response": "452 4.2.2 Mailbox full",
            "sg_event_id": "b",
        },
        {"email": "bo@example.com", "event": "delivered", "response": "250 2.0.0 OK", "sg_event_id": "c"},
        {"email": "bo@example.com", "event": "open", "sg_event_id": "d"},
    ]
    got = findings(engine, json.dumps(events))
    assert [(f.recipient, f.reason, f.bounce) for f in got] == [("ana@example.com", "mailboxfull", "soft")]


def test_a_payload_of_quiet_events_is_answered_as_no_error_once_per_recipient(engine) -> None:
    events = [
        {"email": "bo@example.com", "event": "processed", "sg_event_id": "a"},
        {"email": "bo@example.com", "event": "delivered", "response": "250 2.0.0 OK", "sg_event_id": "b"},
        {"email": "bo@example.com", "event": "open", "sg_event_id": "c"},
        {"email": "cy@example.com", "event": "click", "url": "https://example.com/", "sg_event_id": "d"},
    ]
    got = findings(engine, json.dumps(events))
    assert [(f.recipient, f.reason, f.bounce) for f in got] == [
        ("bo@example.com", "delivered", "none"),
        ("cy@example.com", "delivered", "none"),
    ]
    assert got[1].entry_id == "services.event-engagement"


def test_quiet_events_say_nothing_in_an_alert_channel(engine) -> None:
    events = [{"email": "bo@example.com", "event": "processed", "sg_event_id": "a"}]
    assert engine.explain(json.dumps(events), "passive").findings == ()
    assert engine.explain(json.dumps(SES_DELIVERY), "passive").findings == ()


def test_a_failure_among_quiet_events_is_spoken_of_in_an_alert_channel(engine) -> None:
    events = [
        {"email": "bo@example.com", "event": "processed", "sg_event_id": "a"},
        {
            "email": "ana@example.com",
            "event": "bounce",
            "reason": "550 5.1.1 user unknown",
            "status": "5.1.1",
        },
    ]
    got = engine.explain(json.dumps(events), "passive").findings
    assert [(f.recipient, f.reason) for f in got] == [("ana@example.com", "userunknown")]


def test_a_listing_of_events_under_a_key(engine) -> None:
    listing = {
        "TotalCount": 1,
        "Bounces": [
            {
                "Type": "HardBounce",
                "TypeCode": 1,
                "Email": "ana@example.com",
                "Details": "smtp;550 5.1.1 user unknown",
            }
        ],
    }
    got = findings(engine, json.dumps(listing))
    assert [(f.recipient, f.reason, f.provider) for f in got] == [
        ("ana@example.com", "userunknown", "Postmark")
    ]


def test_an_array_cut_short_keeps_its_whole_events(engine) -> None:
    events = [
        {
            "email": f"u{i}@example.com",
            "event": "bounce",
            "reason": "550 5.1.1 user unknown",
            "sg_event_id": "x",
        }
        for i in range(3)
    ]
    text = json.dumps(events)
    cut = text[: text.rindex("{") + 20]  # the third event is cut in the middle
    assert [f.recipient for f in findings(engine, cut)] == ["u0@example.com", "u1@example.com"]


def test_a_lone_surrogate_escape_becomes_a_replacement_character(engine) -> None:
    bounce = json.dumps(SES_BOUNCE).replace("user unknown", "user unknown \\ud800")
    got = findings(engine, bounce)
    assert "\ufffd" in got[0].diagnostic
    got[0].diagnostic.encode("utf-8")


def test_a_quoted_paste(engine) -> None:
    quoted = "\n".join("> " + line for line in json.dumps(SES_BOUNCE, indent=2).splitlines())
    got = findings(engine, f"SES keeps sending these:\n{quoted}\nwhat do we do?")
    assert [(f.recipient, f.reason) for f in got] == [("sam@example.com", "userunknown")]
