"""What still marks a paste as a bounce's report once its header block is gone: a returned
original after a report's separator line, the report's framing on the line under its
recipient, the report's own localised words; and, for pasted delivery-status fields, each
record's own paragraph and the Reporting-MTA that names the reporting host. A person's words
(a question under an address, a reply quoting a message under a mail client's separator)
stay free text, and an alert channel stays silent on them."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.engine.formats import pasteddsn, pastedreport

ORIGINAL = """From: Rosa Lind <rosa@example.com>
To: Finance Desk <finance@example.net>
Subject: Invoice 2291
Date: Tue, 1 Dec 2026 10:02:11 +0100

Please find the invoice attached.
"""

RETURNED = f"""We were unable to deliver your message. The mailbox has been disabled
by the account's administrator.

   ----- Original message follows -----

{ORIGINAL}"""

CLIENT_REPLY = f"""Our newsletter was undeliverable to some people, see below.

-----Original Message-----
{ORIGINAL}"""

FRAMED_UNDER = "<m.tanaka@example.jp>\nYour message was not delivered within 3 days of being sent.\n"


def findings(engine: Engine, text: str, mode: str = "explicit") -> list[tuple]:
    explanation = engine.explain(text, mode)  # type: ignore[arg-type]
    return [(f.recipient, f.reason, f.enhanced_code, f.bounce) for f in explanation.findings]


def test_a_report_that_returns_the_original_is_read_as_one(engine: Engine) -> None:
    # it lists nobody: the returned original's sole addressee stands in, and the report is final
    assert pastedreport.detect(RETURNED)
    assert findings(engine, RETURNED) == [("finance@example.net", "suspend", "5.2.1", "hard")]
    assert engine.explain(RETURNED).input_kind == "email"


def test_a_message_quoted_under_a_mail_clients_separator_is_no_report(engine: Engine) -> None:
    assert not pastedreport.detect(CLIENT_REPLY)
    assert findings(engine, CLIENT_REPLY, "passive") == []


def test_a_reports_framing_may_stand_under_its_recipient(engine: Engine) -> None:
    assert pastedreport.detect(FRAMED_UNDER)
    assert findings(engine, FRAMED_UNDER) == [("m.tanaka@example.jp", "expired", "5.4.7", "hard")]


@pytest.mark.parametrize(
    "text",
    [
        "m.tanaka@example.jp\nthis one was not delivered, can someone look?\n",  # a person's question
        "m.tanaka@example.jp\nuser unknown\n",  # a server's words, not a report's framing
    ],
)
def test_words_under_an_address_that_frame_no_report(engine: Engine, text: str) -> None:
    assert not pastedreport.detect(text)
    assert findings(engine, text, "passive") == []


@pytest.mark.parametrize(
    ("text", "recipient"),
    [
        # Chinese webmail: "could not be delivered to the recipients below"
        (
            "很抱歉，您的邮件未能送达以下收件人：\n\n  li.wei@example.cn\n\n"
            "失败原因：\n  对方服务器拒绝接收：554 5.7.1 Mail rejected\n",
            "li.wei@example.cn",
        ),
        # Exchange's Swedish template: "the message could not be delivered to"
        (
            "Det gick inte att leverera meddelandet till nils.holm@example.se eftersom "
            "mottagarens postlåda är full.\n\nnils.holm@example.se\n"
            "Fjärrservern returnerade '554 5.2.2 mailbox full'\n",
            "nils.holm@example.se",
        ),
    ],
)
def test_localised_openings_mark_a_report(engine: Engine, text: str, recipient: str) -> None:
    assert pastedreport.detect(text)
    found = findings(engine, text)
    assert [(f[0], f[3]) for f in found] == [(recipient, "hard")]


FIELDS_ALONE = """Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; anna@example.org
Action: failed
Status: 5.1.1
Diagnostic-Code: X-Postfix; unknown user: "anna"

Final-Recipient: rfc822; ben@example.net
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.example.net
Diagnostic-Code: smtp; 550 5.1.1 <ben@example.net>: Recipient address rejected: User unknown
"""


def test_fields_alone_give_each_record_only_its_own_reply_code(engine: Engine) -> None:
    replies = [(f.recipient, f.reply_code) for f in engine.explain(FIELDS_ALONE).findings]
    assert replies == [("anna@example.org", None), ("ben@example.net", "550")]


HOTMAIL_PASTE = """This is an automatically generated Delivery Status Notification.

Delivery to the following recipients failed.

       pia@example.net

Reporting-MTA: dns;BLU0-OMC1-S2.blu0.hotmail.com
Arrival-Date: Tue, 1 Dec 2026 10:02:11 -0800

Final-Recipient: rfc822;pia@example.net
Action: failed
Status: 5.5.0
Diagnostic-Code: smtp;550 Requested action not taken: mailbox unavailable
"""


def test_the_reporting_mta_names_the_provider_the_from_would_have(engine: Engine) -> None:
    assert pasteddsn.provider_hint(HOTMAIL_PASTE) == "reporting-mta: dns;BLU0-OMC1-S2.blu0.hotmail.com"
    finding = engine.explain(HOTMAIL_PASTE).findings[0]
    assert (finding.recipient, finding.reason) == ("pia@example.net", "userunknown")
    assert finding.provider == "Microsoft"
    assert pasteddsn.provider_hint("Final-Recipient: rfc822; a@example.org\nStatus: 5.1.1\n") == ""
