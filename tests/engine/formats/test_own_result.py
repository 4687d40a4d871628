"""A reply that lists a result per recipient gives each recipient its own result."""

from __future__ import annotations

from bot.engine.own_result import own_result

LIST_REPLY = (
    "550 permanent failure for one or more recipients (ana@example.org:550 5.1.1 <ana@example.org>: "
    "Recipient address rejected: User unknown;bo@example.org:blocked) (in reply to end of DATA command)"
)

POSTFIX_TWO_RESULTS = """\
Return-Path: <>
From: MAILER-DAEMON@mail.example.net (Mail Delivery System)
To: sender@example.net
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mail.example.net.

<ana@example.org>: host d1.ess.barracudanetworks.com[192.0.2.5] said: 550
    permanent failure for one or more recipients (ana@example.org:550 5.1.1
    <ana@example.org>: Recipient address rejected: User unknown in virtual
    mailbox table;bo@example.org:blocked) (in reply to end of DATA command)

<bo@example.org>: host d1.ess.barracudanetworks.com[192.0.2.5] said: 550
    permanent failure for one or more recipients (ana@example.org:550 5.1.1
    <ana@example.org>: Recipient address rejected: User unknown in virtual
    mailbox table;bo@example.org:blocked) (in reply to end of DATA command)

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.example.net

Final-Recipient: rfc822; ana@example.org
Action: failed
Status: 5.0.0
Diagnostic-Code: smtp; 550 permanent failure for one or more recipients
    (ana@example.org:550 5.1.1 <ana@example.org>: Recipient address rejected:
    User unknown in virtual mailbox table;bo@example.org:blocked)

Final-Recipient: rfc822; bo@example.org
Action: failed
Status: 5.0.0
Diagnostic-Code: smtp; 550 permanent failure for one or more recipients
    (ana@example.org:550 5.1.1 <ana@example.org>: Recipient address rejected:
    User unknown in virtual mailbox table;bo@example.org:blocked)

--B--
"""


def test_each_recipient_keeps_only_its_own_item_and_the_words_around_the_list() -> None:
    assert own_result(LIST_REPLY, "ana@example.org") == (
        "550 permanent failure for one or more recipients (ana@example.org:550 5.1.1 <ana@example.org>: "
        "Recipient address rejected: User unknown) (in reply to end of DATA command)"
    )
    assert own_result(LIST_REPLY, "BO@example.org") == (
        "550 permanent failure for one or more recipients (bo@example.org:blocked) "
        "(in reply to end of DATA command)"
    )


def test_a_text_without_a_list_naming_the_recipient_is_unchanged() -> None:
    assert own_result(LIST_REPLY, "cy@example.org") == LIST_REPLY
    assert own_result(LIST_REPLY, None) == LIST_REPLY
    single = "550 permanent failure for one or more recipients (ana@example.org:blocked)"
    assert own_result(single, "ana@example.org") == single
    # addresses followed by ":" that no bracket opens are a report's lines, not a list
    lines = "<ana@example.org>: host mx said: 550 no;bo@example.org: 550 no"
    assert own_result(lines, "bo@example.org") == lines


def test_each_recipient_of_one_gateway_reply_gets_its_own_cause(engine) -> None:
    findings = engine.explain(POSTFIX_TWO_RESULTS).findings
    answers = {f.recipient: (f.reason, f.enhanced_code) for f in findings}
    assert answers == {"ana@example.org": ("userunknown", "5.1.1"), "bo@example.org": ("blocked", "5.0.0")}
