"""RFC 3834 auto-replies are vacation notices, read by their header fields or their subject."""

from __future__ import annotations

import pytest
from sample_mail import findings, message

from bot.engine.formats import autoreply

AWAY = "I am out of the office until Monday and will read your message when I return."

CASES = [
    ("auto-submitted", {"Auto_Submitted": "auto-replied", "Subject": "Re: Invoice"}),
    ("x-autoreply", {"X_Autoreply": "yes", "Subject": "Re: Invoice"}),
    ("precedence", {"Precedence": "auto_reply", "Subject": "Re: Invoice"}),
    ("x-precedence", {"X_Precedence": "auto_reply", "Subject": "Re: Invoice"}),
    ("x-autoresponse", {"X_Autoresponse": "yes", "Subject": "Re: Invoice"}),
    ("subject out of office", {"Subject": "Out of Office: Invoice"}),
    ("subject automatic reply", {"Subject": "Automatic reply: Invoice"}),
    ("subject auto", {"Subject": "AUTO: Invoice"}),
    # Lotus Notes puts the person's name first and marks nothing in the header
    ("subject notes", {"Subject": "Rita Away is out of the office."}),
    # Exchange's out-of-office assistant is an Inbox rule; the subject may be in any language
    (
        "exchange inbox rule",
        {
            "Auto_Submitted": "auto-generated",
            "X_MS_Exchange_Inbox_Rules_Loop": "rita@example.com",
            "Subject": "Ryhmä: lasku",
        },
    ),
    ("subject automatic reply in greek", {"Subject": "Αυτόματη απάντηση: Τιμολόγιο"}),
]


@pytest.mark.parametrize(("name", "headers"), CASES, ids=[c[0] for c in CASES])
def test_auto_reply_is_vacation_from_its_sender(engine, name: str, headers: dict[str, str]) -> None:
    fields = {"From": "Rita Away <rita@example.com>", **headers}
    subject = fields.pop("Subject")
    got = findings(engine, message(AWAY, subject=subject, **fields))
    assert [(f.recipient, f.reason, f.bounce) for f in got] == [("rita@example.com", "vacation", "none")]


def test_a_bounce_with_auto_submitted_is_not_an_auto_reply() -> None:
    # Postfix and Exim mark their bounces Auto-Submitted: auto-replied too
    text = message("<a@example.com>: 550 5.1.1 User unknown", Auto_Submitted="auto-replied")
    assert not autoreply.detect(text)


def test_a_mailer_daemon_without_an_address_is_no_auto_reply() -> None:
    text = message(
        "SMTP Server rejected recipient <a@example.com>",
        subject="There was an error sending your mail",
        From="mailer-daemon",
        Auto_Submitted="auto-replied",
    )
    assert not autoreply.detect(text)


def test_an_auto_reply_is_not_raised_in_an_alert_channel(engine) -> None:
    text = message(AWAY, subject="Out of Office: Invoice", From="rita@example.com")
    assert engine.explain(text, "passive").findings == ()


@pytest.mark.parametrize(
    ("name", "body", "fields"),
    [
        (
            "a report's own words, wrapped",
            "I'm sorry to have to inform you that your message could not\nbe delivered to one or more"
            " recipients.",
            {},
        ),
        (
            "x-failed-recipients",
            "The address below failed:\n\n  a@example.com",
            {"X_Failed_Recipients": "a@example.com"},
        ),
    ],
)
def test_a_report_under_a_site_sender_and_subject_is_no_auto_reply(
    name: str, body: str, fields: dict
) -> None:
    # a site may send its Exim or Postfix reports under its own From and Subject; they still
    # carry Auto-Submitted: auto-replied
    text = message(
        body,
        subject="Notification",
        From="Mail Server <server@example.com>",
        Auto_Submitted="auto-replied",
        **fields,
    )
    assert not autoreply.detect(text)


@pytest.mark.parametrize(
    "subject",
    [
        "Automatische Antwort: Rückfrage",  # Outlook in German, no RFC 3834 field
        "Odpowiedź automatyczna: Faktura",
        "=?UTF-8?B?5LiN5Zyo6YCa55+lOiDjgYroppvnqY3jgoo=?=",  # 不在通知: お見積り, encoded
        "自动回复: 报价",
    ],
)
def test_a_translated_automatic_reply_subject_is_an_auto_reply(engine, subject: str) -> None:
    got = findings(engine, message(AWAY, subject=subject, From="Rita Away <rita@example.com>"))
    assert [(f.recipient, f.reason, f.bounce) for f in got] == [("rita@example.com", "vacation", "none")]


CHALLENGE = (
    "a.b@example.net accepts email only from approved senders. Your message is pending: open the"
    " link below to verify that you sent it."
)


def test_a_challenge_response_request_is_an_auto_reply(engine) -> None:
    text = message(CHALLENGE, subject="Verification required", From="Verify <verify@guard.example>")
    got = findings(engine, text)
    assert [(f.recipient, f.reason, f.bounce) for f in got] == [("verify@guard.example", "vacation", "none")]


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        # a service asking to verify an account holds no message of the sender's
        ("Please verify your email address", "Click the link below to verify your new account."),
        # a held message without a request to confirm or verify is not a challenge
        ("Your order", "Your parcel is being held at the depot until Monday."),
    ],
)
def test_a_verification_or_hold_notice_alone_is_no_challenge(subject: str, body: str) -> None:
    assert not autoreply.detect(message(body, subject=subject, From="Shop <news@shop.example>"))


# Exchange writes its report in the sender's language, signs it with its own system mailbox (no
# "postmaster") and marks it Auto-Submitted: auto-replied like a vacation notice.
LOCALISED_NDR = """La remise a échoué pour ces destinataires ou groupes :

Archives (archives@mairie.example)
Le message est trop volumineux pour ce destinataire.

Informations de diagnostic pour les administrateurs :

archives@mairie.example
#550 5.2.3 RESOLVER.RST.RecipSizeLimit; message too large for this recipient ##
"""


@pytest.mark.parametrize("subject", ["Non remis : Plans", "Unzustellbar: Pläne", "Non recapitabile: Piani"])
def test_a_localised_report_subject_is_no_auto_reply(engine, subject: str) -> None:
    text = message(
        LOCALISED_NDR,
        subject=subject,
        From="<MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@mairie.example>",
        Auto_Submitted="auto-replied",
    )
    assert not autoreply.detect(text)
    got = findings(engine, text)
    got_rows = [(f.recipient, f.enhanced_code, f.bounce) for f in got]
    assert got_rows == [("archives@mairie.example", "5.2.3", "hard")]


def test_a_generated_notice_without_an_inbox_rule_is_no_auto_reply() -> None:
    """Auto-Submitted: auto-generated alone marks any automatic notice, not a reply."""
    text = message(
        AWAY, subject="Your weekly digest", Auto_Submitted="auto-generated", From="digest@example.com"
    )
    assert not autoreply.detect(text)


@pytest.mark.parametrize(
    "subject",
    ["Re: Delivery schedule for March", "Automatic reply: Failed payment notice", "AW: Fehler in Rechnung"],
)
def test_a_bounce_word_in_the_answered_subject_does_not_hide_an_auto_reply(engine, subject: str) -> None:
    """The words after "Re:" or "Automatic reply:" are the subject of the message answered."""
    got = findings(
        engine,
        message(AWAY, subject=subject, From="Rita Away <rita@example.com>", Auto_Submitted="auto-replied"),
    )
    assert [(f.recipient, f.reason, f.bounce) for f in got] == [("rita@example.com", "vacation", "none")]
