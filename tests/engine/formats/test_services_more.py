"""SparkPost, Mandrill, Mailjet, Brevo and Resend events, written from each service's webhook
documentation."""

from __future__ import annotations

import json

from sample_mail import findings


def answers(engine, payload) -> list[tuple]:
    return [(f.recipient, f.reason, f.bounce, f.provider) for f in findings(engine, json.dumps(payload))]


def sparkpost(kind: str, rcpt: str = "ana@example.com", **fields) -> dict:
    return {"msys": {"message_event": {"type": kind, "rcpt_to": rcpt, **fields}}}


def test_sparkpost_bounce_delay_and_complaint(engine) -> None:
    batch = [
        sparkpost(
            "bounce",
            bounce_class="10",
            raw_reason="550 5.1.1 <ana@example.com>... User unknown",
            error_code="550",
        ),
        sparkpost(
            "delay",
            "bo@example.com",
            bounce_class="22",
            raw_reason="452 4.2.2 Mailbox full",
            error_code="452",
        ),
        sparkpost("spam_complaint", "cy@example.com", fbtype="abuse"),
    ]
    assert answers(engine, batch) == [
        ("ana@example.com", "userunknown", "hard", "SparkPost"),
        ("bo@example.com", "mailboxfull", "soft", "SparkPost"),
        ("cy@example.com", "feedback", "none", "SparkPost"),
    ]


def test_sparkpost_class_decides_where_the_reply_says_nothing_known(engine) -> None:
    got = findings(
        engine,
        json.dumps([sparkpost("bounce", bounce_class="54", raw_reason="550 rejected", error_code="550")]),
    )
    assert [(f.reason, f.entry_id) for f in got] == [("norelaying", "sparkpost.class-54-relaying-denied")]


def test_sparkpost_events_api_results(engine) -> None:
    listing = {
        "results": [
            sparkpost("out_of_band", bounce_class="10", raw_reason="550 5.1.1 user unknown")["msys"][
                "message_event"
            ]
        ]
    }
    assert [r[:3] for r in answers(engine, listing)] == [("ana@example.com", "userunknown", "hard")]


def mandrill(event: str, email: str = "ana@example.com", **msg) -> dict:
    return {"event": event, "msg": {"email": email, **msg}, "ts": 1726400100}


def test_mandrill_bounces_and_deferral(engine) -> None:
    events = [
        mandrill("hard_bounce", bounce_description="bad_mailbox", diag="smtp;550 5.1.1 user unknown"),
        mandrill(
            "deferral", "bo@example.com", smtp_events=[{"diag": "452 4.2.2 Mailbox full", "type": "deferred"}]
        ),
    ]
    assert answers(engine, events) == [
        ("ana@example.com", "userunknown", "hard", "Mandrill"),
        ("bo@example.com", "mailboxfull", "soft", "Mandrill"),
    ]


def test_mandrill_form_field_and_reject(engine) -> None:
    form = {"mandrill_events": json.dumps([mandrill("reject", reject={"reason": "hard-bounce"})])}
    got = findings(engine, json.dumps(form))
    assert [(f.recipient, f.reason, f.entry_id) for f in got] == [
        ("ana@example.com", "suppressed", "mandrill.reject-denylist")
    ]


def mailjet(event: str, email: str = "ana@example.com", **fields) -> dict:
    return {"event": event, "time": 1726500000, "MessageID": 1, "email": email, "mj_contact_id": 4, **fields}


def test_mailjet_hard_and_soft_bounce(engine) -> None:
    events = [
        mailjet(
            "bounce",
            hard_bounce=True,
            error_related_to="recipient",
            error="user unknown",
            comment="550 5.1.1 user unknown",
        ),
        mailjet(
            "bounce",
            "bo@example.com",
            hard_bounce=False,
            error_related_to="recipient",
            error="quota exceeded",
            comment="452 4.2.2 Mailbox full",
        ),
    ]
    assert answers(engine, events) == [
        ("ana@example.com", "userunknown", "hard", "Mailjet"),
        ("bo@example.com", "mailboxfull", "soft", "Mailjet"),
    ]


def test_mailjet_preblocked_and_spam(engine) -> None:
    assert [
        r[:3] for r in answers(engine, mailjet("blocked", error_related_to="mailjet", error="preblocked"))
    ] == [("ana@example.com", "suppressed", "hard")]
    assert [r[:3] for r in answers(engine, mailjet("spam", source="JMRPP"))] == [
        ("ana@example.com", "feedback", "none")
    ]


def brevo(event: str, email: str = "ana@example.com", **fields) -> dict:
    return {
        "event": event,
        "email": email,
        "id": 1,
        "message-id": "<1@smtp-relay.example>",
        "ts_event": 1726561230,
        **fields,
    }


def test_brevo_bounces_and_deferral(engine) -> None:
    events = [
        brevo("hard_bounce", reason="550 5.1.1 user unknown"),
        brevo("softBounce", "bo@example.com", reason="452 4.2.2 Mailbox full"),
        brevo("deferred", "cy@example.com", reason="451 4.3.0 Temporary system failure"),
    ]
    assert answers(engine, events) == [
        ("ana@example.com", "userunknown", "hard", "Brevo"),
        ("bo@example.com", "mailboxfull", "soft", "Brevo"),
        ("cy@example.com", "systemerror", "soft", "Brevo"),
    ]


def test_brevo_request_is_no_error(engine) -> None:
    got = findings(engine, json.dumps(brevo("request")))
    assert [(f.reason, f.entry_id) for f in got] == [("delivered", "services.event-accepted")]


def resend(kind: str, **data) -> dict:
    return {
        "type": kind,
        "created_at": "2024-09-18T12:00:05.000Z",
        "data": {"email_id": "e1", "to": ["ana@example.com"], **data},
    }


def test_resend_bounce_uses_the_ses_types(engine) -> None:
    permanent = resend(
        "email.bounced",
        bounce={"type": "Permanent", "subType": "General", "message": "550 5.1.1 user unknown"},
    )
    suppressed = resend("email.bounced", bounce={"type": "Permanent", "subType": "Suppressed", "message": ""})
    assert answers(engine, permanent) == [("ana@example.com", "userunknown", "hard", "Resend")]
    assert [r[1] for r in answers(engine, suppressed)] == ["suppressed"]


def test_resend_delay_complaint_and_engagement(engine) -> None:
    assert [r[2] for r in answers(engine, resend("email.delivery_delayed"))] == ["soft"]
    assert [r[1] for r in answers(engine, resend("email.complained"))] == ["feedback"]
    assert [r[1] for r in answers(engine, resend("email.opened"))] == ["delivered"]
