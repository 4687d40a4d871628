"""A bounce's report pasted without its header block (what a person copies from a mail client's
view into Slack) is read as the bounce's body: every recipient it lists, each with its own reply.
A server's reply pasted on its own, one line or several, is still read as free text."""

from __future__ import annotations

from bot.engine import Engine
from bot.engine.formats import pastedreport

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
