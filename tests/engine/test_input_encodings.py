"""A bounce keeps its answer however it is encoded or wrapped: a report sent as HTML only, in
quoted-printable with blanks a transport added at line ends, in base64, without a line break at
its end, or attached by a person to a forward when it is automatic mail rather than a report
(an auto-reply, a sending service's notification, a report from an unfamiliar sender name).
bench/bounce_variants.py finds such classes over the corpora; these are written examples of each."""

from __future__ import annotations

import base64
import quopri

from bot.engine import Engine
from bot.engine.formats import bounce_email

HEAD = (
    "From: Mail Delivery System <MAILER-DAEMON@mx.example.com>\n"
    "To: rosa.vidal@example.com\n"
    "Subject: Undelivered Mail Returned to Sender\n"
    "Date: Mon, 7 Dec 2026 09:31:00 +0000\n"
    "MIME-Version: 1.0\n"
)
REPORT = (
    "This is the mail system at host mx.example.com.\n\n"
    "I'm sorry to have to inform you that your message could not\n"
    "be delivered to one or more recipients.\n\n"
    "<m.ruiz@example.net>: host mx.example.net[192.0.2.25] said: 550 5.1.1\n"
    "    <m.ruiz@example.net>: Recipient address rejected: User unknown (in reply to\n"
    "    RCPT TO command)\n\n"
    "<k.tan@example.org>: host mx.example.org[192.0.2.26] said: 552 5.2.2 Mailbox\n"
    "    full, try again later (in reply to RCPT TO command)\n"
)
EXPECTED = [
    ("m.ruiz@example.net", "userunknown", "550", "5.1.1"),
    ("k.tan@example.org", "mailboxfull", "552", "5.2.2"),
]


def answer(engine: Engine, text: str | bytes) -> list[tuple[str | None, str, str | None, str | None]]:
    return [(f.recipient, f.reason, f.reply_code, f.enhanced_code) for f in engine.explain(text).findings]


def plain(report: str = REPORT, charset: str = "us-ascii") -> str:
    return f"{HEAD}Content-Type: text/plain; charset={charset}\n\n{report}"


def sent(content_type: str, encoding: str, body: str) -> str:
    return f"{HEAD}Content-Type: {content_type}\nContent-Transfer-Encoding: {encoding}\n\n{body}"


def in_base64(report: str) -> str:
    return sent("text/plain; charset=us-ascii", "base64", base64.encodebytes(report.encode()).decode())


def test_the_plain_report_reads_as_written(engine: Engine) -> None:
    assert answer(engine, plain()) == EXPECTED


def test_a_report_sent_as_html_only_reads_as_the_plain_one(engine: Engine) -> None:
    """Outlook-style HTML: paragraphs, <br> line breaks, &nbsp; indentation, escaped angle
    addresses, a style sheet in the head, and source lines that break elsewhere than the text."""
    page = (
        "<html><head><style>p { margin: 0 }\n.x { color: red }</style></head><body>\n"
        "<p>This is the mail system at host mx.example.com.</p>\n"
        "<p>I'm sorry to have to inform you that your message could not<br>\n"
        "be delivered to one or more recipients.</p>\n<p>&lt;m.ruiz@example.net&gt;: host\n"
        "mx.example.net[192.0.2.25] said: 550 5.1.1<br>\n&nbsp;&nbsp;&nbsp; &lt;m.ruiz@example.net&gt;:"
        " Recipient address rejected: User unknown (in reply to<br>\n&nbsp;&nbsp;&nbsp; RCPT TO command)"
        "</p>\n<p><span>&lt;k.tan@example.org&gt;</span>: host mx.example.org[192.0.2.26] said: 552 "
        "5.2.2 Mailbox<br>&nbsp;&nbsp;&nbsp; full, try again later (in reply to RCPT TO command)</p>\n"
        "</body></html>\n"
    )
    encoded = quopri.encodestring(page.encode("utf-8")).decode("ascii")
    assert answer(engine, sent("text/html; charset=utf-8", "quoted-printable", encoded)) == EXPECTED


def test_of_two_alternatives_the_plain_text_is_read(engine: Engine) -> None:
    """multipart/alternative holds one text written twice (RFC 2046 5.1.4): the plain one is
    read, so the HTML one's layout (a footer that lists a help address) adds no recipient."""
    page = "<html><body><p>" + REPORT.replace("\n\n", "</p><p>").replace("<", "&lt;").replace(">", "&gt;")
    page = page.replace("&lt;/p&gt;&lt;p&gt;", "</p><p>") + "</p><p>Help:</p><p>helpdesk@example.com</p>"
    alternative = (
        f'{HEAD}Content-Type: multipart/alternative; boundary="alt"\n\n--alt\n'
        f"Content-Type: text/plain; charset=us-ascii\n\n{REPORT}\n--alt\n"
        f"Content-Type: text/html; charset=us-ascii\n\n{page}</body></html>\n--alt--\n"
    )
    assert answer(engine, alternative) == EXPECTED
    assert "helpdesk@example.com" not in bounce_email.read(alternative).body
    # an empty plain alternative is no text: the HTML one is read
    blank_plain = alternative.replace(REPORT, "\n", 1)
    assert "helpdesk@example.com" in bounce_email.read(blank_plain).body
    assert answer(engine, blank_plain) == EXPECTED


def test_blanks_a_transport_added_to_quoted_printable_lines_are_dropped(engine: Engine) -> None:
    """RFC 2045 6.7: a decoder deletes blanks at the end of an encoded line, so "=" before them
    stays a soft line break and the words it splits are whole again."""
    report = (
        "Ihre Nachricht konnte nicht zugestellt werden.\n\n<h.meier@example.de>:\n"
        "Benutzer unbekannt, Empfänger existiert nicht\n"
    )
    encoded = (
        "Ihre Nachricht konnte nicht zugestellt werden. \n\n<h.meier@example.de>:\t\n"
        "Benutzer unbe= \t\nkannt, Empf=C3=A4nger existiert nicht\n"
    )
    qp = sent("text/plain; charset=utf-8", "quoted-printable", encoded)
    assert answer(engine, qp) == answer(engine, plain(report, "utf-8"))
    assert engine.explain(qp).findings[0].reason == "userunknown"


def test_a_base64_report_completes_a_local_part_from_the_original_it_quotes(engine: Engine) -> None:
    """A report that lists its own system's user by local part alone is completed with the one
    address of that name the email holds: in the quoted original, inside the base64 body."""
    report = (
        "Your mail to the following recipients could not be delivered because they are not "
        "accepting mail from rosa.vidal@example.com:\n\tgrannysmith55\n\n"
        " ----- Original message follows -----\nFrom: rosa.vidal@example.com\n"
        "To: grannysmith55@aol.example\nSubject: Recipe\n\nThe recipe you asked for.\n"
    )
    encoded = in_base64(report)
    assert [f.recipient for f in engine.explain(encoded).findings] == ["grannysmith55@aol.example"]
    assert answer(engine, encoded) == answer(engine, plain(report))


def test_a_base64_report_that_names_nobody_names_the_original_s_sole_addressee(engine: Engine) -> None:
    """A report that says only that delivery failed stands for the one mailbox the original it
    quotes was sent to (returned.py); in base64, that original is in the decoded body."""
    report = (
        "----- Transcript of session follows -----\n"
        "421 4.4.1 Deferred: Connection timed out with mx.example.net.\n"
        "Message could not be delivered for 5 days\nMessage will be deleted from queue\n\n"
        "   ----- Unsent message follows -----\nFrom: rosa.vidal@example.com\n"
        "To: l.ito@example.net\nSubject: Hello\n\nHi Lena\n"
    )
    encoded = in_base64(report)
    assert [f.recipient for f in engine.explain(plain(report)).findings] == ["l.ito@example.net"]
    assert answer(engine, encoded) == answer(engine, plain(report))


EXCHANGE_REPORT = (
    "From: System Administrator <postmaster@example.com>\nTo: rosa.vidal@example.com\n"
    "Subject: Undeliverable: Quarterly figures\nDate: Mon, 7 Dec 2026 09:31:00 +0000\n"
    "Content-Type: text/plain; charset=us-ascii\n\nYour message\n\n  To:      k.tan@example.org\n"
    "  Subject: Quarterly figures\n  Sent:    Mon, 7 Dec 2026 09:30:00 +0000\n\n"
    "did not reach the following recipient(s):\n\nk.tan@example.org on 12/7/2026 9:31 AM\n"
    "            The recipient's mailbox is full and can't accept messages now.\n"
    "            <mail.example.org #5.2.2 smtp;552 5.2.2 Mailbox quota exceeded>\n"
)


def test_the_last_recipient_keeps_its_reply_without_a_line_break_at_the_end(engine: Engine) -> None:
    """An attached message ends where its MIME boundary starts, without a final line break; a
    paste often ends so too. The last recipient's text still runs to the end, where Exchange
    puts the server's reply."""
    expected = [("k.tan@example.org", "mailboxfull", "552", "5.2.2")]
    assert answer(engine, EXCHANGE_REPORT) == expected
    assert answer(engine, EXCHANGE_REPORT.rstrip("\n")) == expected


PERSON_FORWARD = (
    "From: Dana Okafor <dana.okafor@example.org>\nTo: Mail Help <mailhelp@example.org>\n"
    "Subject: Fwd: {subject}\nDate: Mon, 7 Dec 2026 10:20:00 +0100\nMIME-Version: 1.0\n"
    'Content-Type: multipart/mixed; boundary="=_fwd_b7c1"\n\n--=_fwd_b7c1\n'
    "Content-Type: text/plain; charset=utf-8\n\nWhat does this one mean? Dana\n\n--=_fwd_b7c1\n"
    'Content-Type: message/rfc822\nContent-Disposition: attachment; filename="reply.eml"\n\n'
    "{attached}\n--=_fwd_b7c1--\n"
)


def message(sender: str, subject: str, body: str, fields: str = "") -> str:
    """A message to the person who forwards it, as its sender wrote it."""
    return (
        f"From: {sender}\nTo: dana.okafor@example.org\nSubject: {subject}\n"
        f"Date: Mon, 7 Dec 2026 09:00:00 +0000\n{fields}Content-Type: text/plain; charset=utf-8\n\n{body}"
    )


def forward(attached: str, subject: str = "see below") -> str:
    return PERSON_FORWARD.format(subject=subject, attached=attached.rstrip("\n"))


def test_an_attached_auto_reply_reads_as_the_auto_reply(engine: Engine) -> None:
    auto_reply = message(
        "Ada Brown <ada.brown@example.com>",
        "Automatic reply: Draft contract",
        "I am away until 14 December with no access to mail.\n",
        "Auto-Submitted: auto-replied\n",
    )
    direct = answer(engine, auto_reply)
    assert direct and direct[0][1] == "vacation"
    assert answer(engine, forward(auto_reply)) == direct


def test_an_attached_report_from_an_unfamiliar_sender_reads_as_the_report(engine: Engine) -> None:
    """No report structure, no failure words in the Subject, a sender name of the provider's own
    (post_master): the null reverse path RFC 5321 gives every report still says what it is."""
    report = "Return-Path: <>\n" + message(
        "post_master@sms.example.net",
        "Re: Invoice",
        "Message could not be delivered to the following recipient:\n\n"
        "5551234567@sms.example.net\n550 5.1.1 Recipient address rejected: no such user\n",
    )
    direct = answer(engine, report)
    assert direct == [("5551234567@sms.example.net", "userunknown", "550", "5.1.1")]
    assert answer(engine, forward(report)) == direct
    # without the null reverse path, the sender's name alone says it too
    assert answer(engine, forward(report.replace("Return-Path: <>\n", ""))) == direct


def test_an_attached_service_notification_reads_as_the_notification(engine: Engine) -> None:
    notification = message(
        "AWS Notifications <no-reply@sns.amazonaws.com>",
        "AWS Notification Message",
        '{"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"General",'
        '"bouncedRecipients":[{"emailAddress":"k.ito@example.jp","action":"failed","status":"5.1.1",'
        '"diagnosticCode":"smtp; 550 5.1.1 user unknown"}],"timestamp":"2026-12-07T09:00:00.000Z",'
        '"feedbackId":"0100-1"},"mail":{"timestamp":"2026-12-07T08:59:59.000Z",'
        '"source":"news@example.org","messageId":"0100-0","destination":["k.ito@example.jp"]}}\n',
    )
    direct = answer(engine, notification)
    assert direct == [("k.ito@example.jp", "userunknown", "550", "5.1.1")]
    assert answer(engine, forward(notification, "AWS Notification Message")) == direct


def test_an_attached_ordinary_message_is_still_not_read_for_the_person(engine: Engine) -> None:
    ordinary = message(
        "Ana Lima <ana@example.net>", "Lunch on Friday", "Shall we meet at noon? 550 seats were rejected.\n"
    )
    assert "ana@example.net" not in {f.recipient for f in engine.explain(forward(ordinary)).findings}
