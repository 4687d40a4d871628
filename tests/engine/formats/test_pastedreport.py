"""A bounce's report pasted without its header block (what a person copies from a mail client's
view into Slack) is read as the bounce's body: every recipient it lists, each with its own reply.
A server's reply pasted on its own, one line or several, is still read as free text."""

from __future__ import annotations

from bot.engine import Engine
from bot.engine.formats import forwarded, pastedreport

EXIM_BODY = """This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  l.moreau@example.net
    host mx.example.net [198.51.100.16]
    SMTP error from remote mail server after RCPT TO:<l.moreau@example.net>:
    550 5.1.1 <l.moreau@example.net>: Recipient address rejected: User unknown
  p.owusu@example.org
    host mail.example.org [203.0.113.9]
    SMTP error from remote mail server after RCPT TO:<p.owusu@example.org>:
    552 5.2.2 <p.owusu@example.org>: Mailbox full
  t.berg@example.net
    host mx.example.net [198.51.100.16]
    SMTP error from remote mail server after end of data:
    554 5.7.1 Message rejected as spam by Content Filtering

------ This is a copy of the message's headers. ------

From: Project Office <pmo@example.com>
To: l.moreau@example.net, p.owusu@example.org, t.berg@example.net
Subject: Planning for next week
"""


def findings(engine: Engine, text: str) -> list[tuple[str | None, str, str | None, str | None]]:
    return [(f.recipient, f.reason, f.reply_code, f.enhanced_code) for f in engine.explain(text).findings]


def test_a_pasted_report_gives_each_listed_recipient_its_own_reply(engine: Engine) -> None:
    assert findings(engine, EXIM_BODY) == [
        ("l.moreau@example.net", "userunknown", "550", "5.1.1"),
        ("p.owusu@example.org", "mailboxfull", "552", "5.2.2"),
        ("t.berg@example.net", "spamdetected", "554", "5.7.1"),
    ]
    assert engine.explain(EXIM_BODY).input_kind == "email"


def test_the_same_report_in_its_email_reads_the_same(engine: Engine) -> None:
    email = (
        "From: Mail Delivery System <Mailer-Daemon@mx.example.com>\nTo: pmo@example.com\n"
        "Subject: Mail delivery failed: returning message to sender\n"
        "Date: Mon, 7 Dec 2026 09:31:00 +0000\n\n" + EXIM_BODY
    )
    assert findings(engine, email) == findings(engine, EXIM_BODY)


def test_the_quoted_originals_addresses_are_no_recipients(engine: Engine) -> None:
    assert "pmo@example.com" not in {f.recipient for f in engine.explain(EXIM_BODY).findings}


def test_a_reply_pasted_on_its_own_is_no_report() -> None:
    assert not pastedreport.detect(
        "550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown in virtual mailbox table"
    )
    # a multi-line reply whose words speak of a message that "cannot be delivered"
    assert not pastedreport.detect(
        "554-delivery error: dd Sorry your message to\n554-someone@example.com cannot be delivered. "
        "This account has\n554 been disabled or discontinued [#102]. - mta1002.mail.example.com"
    )
    # one line of words before the address is a reply's, not a report's opening
    assert not pastedreport.detect(
        "Message rejected: Email address is not verified. The following identities failed the "
        "check in region EU-WEST-1: ana@example.com"
    )


def test_a_list_of_addresses_without_a_report_is_no_report() -> None:
    assert not pastedreport.detect("Team for Friday:\n\nana@example.com\nbob@example.org\n")


# MDaemon's report: its session transcript names the sender on a "From:" line and in MAIL FROM
MDAEMON_BODY = """The attached message had PERMANENT fatal delivery errors!

After one or more unsuccessful delivery attempts the attached message has
been removed from the mail queue on this server.

--- Session Transcript ---
 Mon 2026-12-07 09:55:18: Parsing message <md50000012344.msg>
 Mon 2026-12-07 09:55:18: *  From: anita@example.com
 Mon 2026-12-07 09:55:18: *  To: s.fischer@example.net
 Mon 2026-12-07 09:55:18: Attempting SMTP connection to [mx.example.net : 25]
 Mon 2026-12-07 09:55:19: --> MAIL From:<anita@example.com> SIZE=2201
 Mon 2026-12-07 09:55:19: <-- 250 2.1.0 Ok
 Mon 2026-12-07 09:55:19: --> RCPT To:<s.fischer@example.net>
 Mon 2026-12-07 09:55:20: <-- 550 5.1.1 <s.fischer@example.net>: Recipient address rejected: User unknown
 Mon 2026-12-07 09:55:20: --> QUIT
--- End Transcript ---
"""
# qmail's report: the server refused the sender, whom the returned original's Return-Path names
QMAIL_BODY = """Hi. This is the qmail-send program at out.example.org.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<jp@example.net>:
Connected to 203.0.113.95 but sender was rejected.
Remote host said: 553 5.7.1 <promo@example.org>: Sender address rejected: Access denied

--- Below this line is a copy of the message.

Return-Path: <promo@example.org>
From: Promo Desk <promo@example.org>
To: jp@example.net
Subject: Warning: last chance for 2-for-1 tickets
"""


def test_the_sender_the_paste_names_is_no_recipient(engine: Engine) -> None:
    assert findings(engine, MDAEMON_BODY) == [("s.fischer@example.net", "userunknown", "550", "5.1.1")]
    assert [f[:2] for f in findings(engine, QMAIL_BODY)] == [("jp@example.net", "rejected")]


def test_an_alias_is_not_taken_for_a_sender(engine: Engine) -> None:
    sendmail = (
        "   ----- The following addresses had permanent fatal errors -----\ntkwan\n"
        "    (expanded from: <tkwan@example.net>)\nrbianchi@example.net\n\n"
        "   ----- Transcript of session follows -----\n550 tkwan... User unknown\n"
        "550 rbianchi@example.net... User unknown\n"
    )
    assert {f[0] for f in findings(engine, sendmail)} == {"tkwan@example.net", "rbianchi@example.net"}


def test_a_report_may_open_on_its_recipients_line(engine: Engine) -> None:
    # IMail's, MailFoundry's and SmarterMail's openings name the recipient right away
    for body, recipient in (
        (
            "Delivery failed 3 attempts: info@oldhost.example\nUnknown host: oldhost.example\n",
            "info@oldhost.example",
        ),
        (
            "Unable to deliver message to: <goalie@example.com>\nDelivery failed for the following reason:\n"
            "Server mx.example.com[192.0.2.15] failed with: 552 5.2.2 Mailbox quota exceeded\n",
            "goalie@example.com",
        ),
        (
            "Could not deliver message to the following recipient(s):\n\nFailed Recipient: "
            "bestellung@example.de\nReason: Failed to connect to the recipient's mail server. "
            "No MX records found.\n",
            "bestellung@example.de",
        ),
    ):
        assert pastedreport.detect(body)
        explanation = engine.explain(body)
        assert explanation.input_kind == "email"
        assert [f.recipient for f in explanation.findings] == [recipient]
        assert explanation.findings[0].bounce == "hard"


def test_the_quoted_originals_sole_addressee_stands_in(engine: Engine) -> None:
    # Google Groups names the poster and the group's name, never the group's address
    groups = (
        "hana@example.jp\n\nWe're writing to let you know that the group you tried to contact (staff) "
        "may not exist, or you may not have permission to post messages to the group.\n\n"
        "----- Original message -----\n\nFrom: Hana <hana@example.jp>\nTo: staff@groups.example.org\n"
        "Subject: Rota\n\nHello all\n"
    )
    assert [f[0] for f in findings(engine, groups)] == ["staff@groups.example.org"]
    # a report that names another address speaks for itself: the original went to an alias
    alias = groups.replace("(staff)", "(staff) through team-lead@example.org")
    assert "staff@groups.example.org" not in {f[0] for f in findings(engine, alias)}


def test_the_returned_original_is_no_bounce_pasted_after_words() -> None:
    # its Subject speaks of a warning, but it comes after the report's separator line
    assert forwarded.inner_report(QMAIL_BODY) is None
    # a bounce pasted after a person's words is still the bounce they ask about
    asked = (
        "what does this mean?\n\nFrom: MAILER-DAEMON@out.example.org\nTo: promo@example.org\n"
        f"Subject: failure notice\n\n{QMAIL_BODY}"
    )
    assert forwarded.inner_report(asked) is not None


def test_a_warning_that_promises_news_of_a_permanent_failure_is_still_a_warning() -> None:
    # Gmail's delay notice: "fails permanently" is the condition of a later notice, not news
    text = (
        "Delivery incomplete\n"
        "There was a temporary problem delivering your message to ana@example.net. Gmail will retry "
        "for 45 more hours. You'll be notified if the delivery fails permanently.\n\n"
        "The response was:\n451 4.3.0 Mail server temporarily rejected message."
    )
    assert pastedreport.detect(text)
    (incident,) = pastedreport.parse(text, True)
    assert (incident.recipient, incident.action) == ("ana@example.net", "delayed")
    final = text.replace(
        "You'll be notified if the delivery fails permanently.", "Delivery failed permanently."
    )
    (incident,) = pastedreport.parse(final, True)
    assert incident.action == "failed"
