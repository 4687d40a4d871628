"""A bounce that names no recipient is about the returned message's only addressee, when it has
exactly one; never a list's address, one of several addressees, or a reporting system."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.engine.formats import returned

SENDMAIL_V5 = """\
Return-Path: <MAILER-DAEMON@mx.example.net>
Date: Sat, 29 Apr 1995 23:34:45 +0900
From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>
Subject: Returned mail: Cannot send message for 4 days
To: alice@example.org

   ----- Transcript of session follows -----
421 mx.example.com (smtp)... Deferred: Connection timed out during user open with mx.example.com

   ----- Unsent message follows -----
Received: by mx.example.org; Thu, 25 Apr 1995 23:34:45 +0900
From: alice@example.org
{addressees}
Subject: Minutes

The minutes are attached.
"""

POSTFIX_NO_REPORT = """\
From: MAILER-DAEMON@mx.example.net (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: news@example.org
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

--B1
Content-Type: text/plain

This is the mail system at host mx.example.net.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

	--- Delivery report unavailable ---

--B1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net
Arrival-Date: Mon, 16 Dec 2019 14:12:15 +0100 (CET)

--B1
Content-Type: message/rfc822

From: <news@example.org>
{addressees}
Subject: December news

Hello.
--B1--
"""


@pytest.mark.parametrize("bounce", [SENDMAIL_V5, POSTFIX_NO_REPORT], ids=["inline", "attached"])
def test_the_only_addressee_is_the_failed_recipient(engine: Engine, bounce: str) -> None:
    text = bounce.format(addressees="To: Bob Example <bob@example.com>")
    assert returned.sole_addressee(text) == "bob@example.com"
    findings = engine.explain(text).findings
    assert findings and {f.recipient for f in findings} == {"bob@example.com"}


@pytest.mark.parametrize("bounce", [SENDMAIL_V5, POSTFIX_NO_REPORT], ids=["inline", "attached"])
@pytest.mark.parametrize(
    "addressees",
    [
        "To: bob@example.com, carol@example.com",
        "To: bob@example.com\nCc: carol@example.com",
        "To: staff@lists.example.com\nList-Post: <mailto:staff@lists.example.com>",
        "To: staff@lists.example.com\nList-Id: Staff <staff.lists.example.com>",
        "To: postmaster@example.com",
        "To: undisclosed-recipients:;",
    ],
    ids=["two-to", "to-and-cc", "list-post", "list-id", "reporting-system", "undisclosed"],
)
def test_no_recipient_is_guessed(engine: Engine, bounce: str, addressees: str) -> None:
    text = bounce.format(addressees=addressees)
    assert returned.sole_addressee(text) is None
    findings = engine.explain(text).findings
    assert findings and all(f.recipient is None for f in findings)


def test_a_recipient_the_report_names_stays(engine: Engine) -> None:
    text = SENDMAIL_V5.format(addressees="To: bob@example.com").replace(
        "421 mx.example.com (smtp)... Deferred: Connection timed out during user open with mx.example.com",
        "<dave@example.com>... Deferred: Connection timed out with mx.example.com",
    )
    assert {f.recipient for f in engine.explain(text).findings} == {"dave@example.com"}


def test_text_that_is_no_email_has_no_returned_message() -> None:
    assert returned.sole_addressee("550 5.1.1 <bob@example.com>: user unknown") is None
