"""The plain-text report reader: every listed recipient, each with its own diagnostic.

One sample per MTA family, written for this test from the layout of each MTA's own report
template (Postfix's bounce(5) templates, Exim's and Sendmail's fixed texts, qmail-send's "Hi.
This is the qmail-send program", Exchange 2003's "could not be reached", Lotus Notes' "was not
delivered to", GroupWise's and Netscape Messaging Server's, SMTP32's, old Yahoo's and AOL's).
"""

from __future__ import annotations

import pytest
from sample_mail import findings, message, recipients

from bot.engine.formats import bounce_email, plainbounce

POSTFIX = message(
    """This is the mail system at host mx.example.net.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

                   The mail system

<ana@example.com>: host mx.example.com[192.0.2.10] said: 550 5.1.1
    <ana@example.com>: Recipient address rejected: User unknown in local
    recipient table (in reply to RCPT TO command)

<bo@example.com>: host mx.example.com[192.0.2.10] said: 552 5.2.2
    <bo@example.com>: Mailbox full (in reply to RCPT TO command)
"""
)
EXIM = message(
    """This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  carl@example.org
    SMTP error from remote mail server after RCPT TO:<carl@example.org>:
    host mx.example.org [198.51.100.7]: 550 5.1.1 No such user here
  dana@example.org
    (generated from team@example.org)
    SMTP error from remote mail server after RCPT TO:<dana@example.org>:
    host mx.example.org [198.51.100.7]: 452 4.2.2 Mailbox full

------ This is a copy of the message, including all the headers. ------

From: sender@example.org
To: team@example.org
Subject: minutes
""",
    subject="Mail delivery failed: returning message to sender",
    X_Failed_Recipients="carl@example.org, dana@example.org",
)
SENDMAIL = message(
    """The original message was received at Tue, 5 Mar 2024 10:14:58 GMT
from client.example.org [203.0.113.5]

   ----- The following addresses had permanent fatal errors -----
<erik@example.net>
    (reason: 550 5.1.1 <erik@example.net>... User unknown)

   ----- Transcript of session follows -----
... while talking to mx.example.net.:
>>> RCPT To:<erik@example.net>
<<< 550 5.1.1 <erik@example.net>... User unknown
550 5.1.1 <erik@example.net>... User unknown
""",
    subject="Returned mail: see transcript for details",
)
QMAIL = message(
    """Hi. This is the qmail-send program at mail.example.net.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<fay@example.com>:
192.0.2.20 does not like recipient.
Remote host said: 550 5.1.1 <fay@example.com>: Recipient address rejected: User unknown
Giving up on 192.0.2.20.

<gil@example.com>:
Sorry, no mailbox here by that name. (#5.1.1)

--- Below this line is a copy of the message.

To: fay@example.com, gil@example.com, hal@example.com
""",
    subject="failure notice",
)
EXCHANGE_2003 = message(
    """Your message did not reach some or all of the intended recipients.

      Subject:	Budget 2024
      Sent:	3/5/2024 10:12 AM

The following recipient(s) could not be reached:

      ivy@example.com on 3/5/2024 10:14 AM
            The e-mail account does not exist at the organization this message was sent to.
            <mail.example.net #5.1.1 smtp;550 5.1.1 User unknown>
""",
    subject="Undeliverable: Budget 2024",
)
LOTUS_NOTES = message(
    """Your message

  Subject: Quarterly report

was not delivered to:

  jon@example.com

because:

  User jon (jon@example.com) not listed in Domino Directory
""",
    subject="DELIVERY FAILURE: User jon (jon@example.com) not listed in Domino Directory",
    From="Postmaster <postmaster@notes.example.com>",
)
SMTP32 = message(
    """Original message follows.
""".replace("Original message follows.", "user mailbox is full: kim@example.net\n\nOriginal message follows.")
    + "\nTo: kim@example.net\nSubject: hi\n",
    subject="Undeliverable Mail",
    From="Postmaster <postmaster@example.net>",
)
YAHOO_OLD = message(
    """Sorry, we were unable to deliver your message to the following address.

<lou@example.com>:
Remote host said: 550 5.7.1 Message rejected as spam by Content Filtering. [BODY]

--- Below this line is a copy of the message.
""",
    subject="Failure Notice",
    From="MAILER-DAEMON@yahoo.example.com",
)

CASES = [
    (
        "postfix",
        POSTFIX,
        [("ana@example.com", "userunknown", "hard"), ("bo@example.com", "mailboxfull", "hard")],
    ),
    (
        "exim",
        EXIM,
        [("carl@example.org", "userunknown", "hard"), ("dana@example.org", "mailboxfull", "hard")],
    ),
    ("sendmail", SENDMAIL, [("erik@example.net", "userunknown", "hard")]),
    (
        "qmail",
        QMAIL,
        [("fay@example.com", "userunknown", "hard"), ("gil@example.com", "userunknown", "hard")],
    ),
    ("exchange2003", EXCHANGE_2003, [("ivy@example.com", "userunknown", "hard")]),
    ("lotus-notes", LOTUS_NOTES, [("jon@example.com", "userunknown", "hard")]),
    ("smtp32", SMTP32, [("kim@example.net", "mailboxfull", "hard")]),
    ("yahoo-old", YAHOO_OLD, [("lou@example.com", "spamdetected", "hard")]),
]


@pytest.mark.parametrize(("name", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_every_listed_recipient_with_its_own_reason(engine, name: str, text: str, expected: list) -> None:
    got = [(f.recipient, f.reason, f.bounce) for f in findings(engine, text)]
    assert got == expected


@pytest.mark.parametrize(("name", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_plain_reports_are_read_by_the_plain_report_reader(name: str, text: str, expected: list) -> None:
    assert plainbounce.detect(text)
    assert [i.recipient for i in plainbounce.parse(text, True)] == [r for r, _, _ in expected]


def test_recipients_never_come_from_the_returned_headers(engine) -> None:
    # hal@example.com is only on the original's To: line, below the report
    assert "hal@example.com" not in [f.recipient for f in findings(engine, QMAIL)]


EXIM_MALFORMED = message(
    """A message that you sent contained one or more recipient addresses that were
incorrectly constructed:

  ed@example.org <fay@example.net>: malformed address: <fay@example.net> may not follow ed@example.org

This address has been ignored. The other addresses in the message were
syntactically valid and have been passed on for an attempt at delivery.
"""
)


def test_an_address_before_an_angle_address_is_only_its_display_name(engine) -> None:
    # RFC 5322 name-addr: in `ed@example.org <fay@example.net>` the mailbox is the angle address
    assert recipients(engine, EXIM_MALFORMED) == ["fay@example.net"]


def test_each_recipient_has_its_own_diagnostic(engine) -> None:
    first, second = findings(engine, POSTFIX)
    assert "User unknown" in first.diagnostic and "Mailbox full" not in first.diagnostic
    assert "Mailbox full" in second.diagnostic and "User unknown" not in second.diagnostic


DELAYS = [
    (
        "postfix-template",
        "Delayed Mail (still being retried)",
        "This is the mail system at host mx.example.net.\n\n"
        "####################################################################\n"
        "# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\n"
        "####################################################################\n\n"
        "Your message could not be delivered for more than 4 hour(s).\n"
        "It will be retried until it is 5 day(s) old.\n\n"
        "                   The mail system\n\n"
        "<mo@example.com>: connect to mx.example.com[192.0.2.30]:25: Connection refused",
    ),
    (
        "postfix",
        "Delayed Mail (still being retried)",
        "<mo@example.com>: connect to mx.example.com[192.0.2.30]:25: Connection timed out",
    ),
    (
        "sendmail",
        "Warning: could not send message for past 4 hours",
        "    ----- Transcript of session follows -----\n<mo@example.com>... Deferred: "
        "Connection timed out with mx.example.com.\nWarning: message still undelivered "
        "after 4 hours\nWill keep trying until message is 5 days old",
    ),
    (
        "exim",
        "Warning: message 1rhXyZ-0001Ab-7Q delayed 24 hours",
        "A message that you sent has not yet been delivered to one or more of "
        "its\nrecipients after more than 24 hours on the queue on mx.example.net.\n\n  "
        "mo@example.com\n    Delay reason: SMTP error from remote mail server after RCPT "
        "TO:<mo@example.com>:\n    host mx.example.com [192.0.2.30]: 451 4.3.0 Temporary "
        "lookup failure\n\nNo action is required on your part. Delivery attempts will "
        "continue for\nsome time",
    ),
    (
        "gmail",
        "Delivery Status Notification (Delay)",
        "This is an automatically generated Delivery Status Notification\n\nTHIS IS A "
        "WARNING MESSAGE ONLY.\n\nYOU DO NOT NEED TO RESEND YOUR MESSAGE.\n\nDelivery to "
        "the following recipient has been delayed:\n\n     mo@example.com",
    ),
]


@pytest.mark.parametrize(("name", "subject", "body"), DELAYS, ids=[d[0] for d in DELAYS])
def test_delay_warnings_are_soft(engine, name: str, subject: str, body: str) -> None:
    text = message(body, subject=subject)
    assert [(f.recipient, f.bounce) for f in findings(engine, text)] == [("mo@example.com", "soft")]


def test_a_final_report_that_mentions_retries_is_not_a_delay() -> None:
    body = (
        "I'm sorry to have to inform you that your message could not\nbe delivered. This "
        "is a permanent error; I will not retry."
    )
    assert not plainbounce.is_delay_warning("Undelivered Mail Returned to Sender", body)


def test_an_email_listing_nobody_is_read_by_paragraphs(engine) -> None:
    text = message(
        "Your message could not be delivered.\n\n550 5.7.1 Service unavailable; client "
        "host blocked using a DNS blocklist"
    )
    reading = plainbounce.parse(text, True)
    assert [i.recipient for i in reading] == [None, None]
    assert findings(engine, text)[0].reply_code == "550"


def test_listing_is_linear_on_a_long_line() -> None:
    body = "to " + "a@b.example, " * 3000
    reading = bounce_email.read(message(body))
    assert len(plainbounce.listed_recipients(reading)) <= 200


def test_an_email_that_reports_no_delivery_names_no_failed_recipients(engine) -> None:
    text = message(
        "Hi all,\n\nplease add these two to the team list:\nalice@example.com\nbob@example.com\n\nThanks",
        subject="New team members",
        From="Ann <ann@example.org>",
    )
    assert plainbounce.parse(text, True)[0].recipient is None
    assert engine.explain(text).findings == ()


def test_a_report_naming_one_address_on_every_line_is_read_quickly(engine) -> None:
    import time

    text = message("Delivery failed:\n" + "<same@example.com>: 550 5.1.1 unknown\n" * 1200)
    started = time.perf_counter()
    assert recipients(engine, text) == ["same@example.com"]
    # a hang guard, not a speed target (those live in bench/): work that grows with the square
    # of a 40 KB text takes minutes, linear work milliseconds, so a loaded machine cannot fail it
    assert time.perf_counter() - started < 2.0


SENDMAIL_TRANSCRIPT = message(
    """   ----- Transcript of session follows -----
While talking to mx.example.edu:
>>> DATA
<<< 550 Message refused by local policy
554 <nia@example.edu>... Remote protocol error
550 example.org (smtp)... 550 Host unknown
554 <oli@example.org>... 550 Host unknown (Authoritative answer from name server)

   ----- Unsent message follows -----
""",
    subject="Returned mail: Host unknown",
)


def test_a_transcript_summary_line_takes_the_exchange_before_it(engine) -> None:
    # Sendmail sums each recipient up after the exchange with its server: the reply code that
    # server gave stands above the summary line
    got = [(f.recipient, f.reply_code) for f in findings(engine, SENDMAIL_TRANSCRIPT)]
    assert got == [("nia@example.edu", "550"), ("oli@example.org", "550")]


def test_postmaster_is_the_failed_recipient_only_when_nobody_else_is_listed(engine) -> None:
    alone = message(
        "<postmaster@mx.example.net>: host mx.example.net[192.0.2.9] said: 552 5.2.2 Mailbox full"
    )
    assert recipients(engine, alone) == ["postmaster@mx.example.net"]
    beside = message(
        "For help, write to postmaster@mx.example.org.\n\n"
        "<pia@example.net>: host mx.example.net[192.0.2.9] said: 552 5.2.2 Mailbox full"
    )
    assert recipients(engine, beside) == ["pia@example.net"]


# A reply that refuses the envelope sender may name the login the sender's address belongs to
# (Postfix's reject_sender_login_mismatch, "not owned by user ..."): the sender's side, never a
# recipient, and the reply stays with the recipient above it.
SENDER_LOGIN_REPLIES = [
    (
        "qmail",
        "<tia@example.gr>:\nConnected to 192.0.2.118 but sender was rejected.\n"
        "Remote host said: 553 5.7.1 <desk@example.net>: Sender address rejected: "
        "not owned by user support@example.net\n",
    ),
    (
        "postfix",
        "<tia@example.gr>: host mx.example.gr[192.0.2.5] said: 553 5.7.1 <desk@example.net>:\n"
        "    Sender address rejected: not owned by user support@example.net (in reply to\n"
        "    MAIL FROM command)\n",
    ),
]


@pytest.mark.parametrize(("name", "body"), SENDER_LOGIN_REPLIES, ids=[n for n, _ in SENDER_LOGIN_REPLIES])
def test_the_login_a_sender_refusal_names_is_no_recipient(engine, name: str, body: str) -> None:
    got = [(f.recipient, f.reply_code) for f in findings(engine, message(body, To="desk@example.net"))]
    assert got == [("tia@example.gr", "553")]
