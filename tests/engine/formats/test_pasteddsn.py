"""Delivery-status fields pasted under the report's readable text, as a mail client shows a
multipart/report bounce, read as the same bounce in its email reads: each record's reply code
comes from the text that names its recipient, and a record naming only a host gets the
address the text lists."""

from __future__ import annotations

from bot.engine import Engine
from bot.engine.formats import pasteddsn

POSTFIX_TEXT = """This is the mail system at host mx.example.com.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

                   The mail system

<ines@example.com>: unknown user: "ines"

<marco@example.net>: host mx.example.net[198.51.100.20] said: 552 5.2.2
    <marco@example.net>: Mailbox full (in reply to RCPT TO command)
"""
POSTFIX_FIELDS = """Reporting-MTA: dns; mx.example.com
X-Postfix-Queue-ID: 4F2A11C0042
Arrival-Date: Mon,  7 Dec 2026 09:10:11 +0000 (UTC)

Final-Recipient: rfc822; ines@example.com
Original-Recipient: rfc822;ines@example.com
Action: failed
Status: 5.1.1

Final-Recipient: rfc822; marco@example.net
Action: failed
Status: 5.2.2
Remote-MTA: dns; mx.example.net
Diagnostic-Code: smtp; 552 5.2.2 <marco@example.net>: Mailbox full
"""
# Sendmail's report whose record names the recipient's host alone
SENDMAIL_PASTE = """The original message was received at Mon, 7 Dec 2026 10:02:11 +0900
from relay.example.jp [192.0.2.70]

   ----- The following addresses had permanent fatal errors -----
<kim@example.org>
    (reason: 550 Host unknown)

   ----- Transcript of session follows -----
550 5.1.2 <kim@example.org>... Host unknown (Name server: mx.example.org: host not found)

Reporting-MTA: dns; mx.example.jp
Received-From-MTA: DNS; relay.example.jp
Arrival-Date: Mon, 7 Dec 2026 10:02:11 +0900

Final-Recipient: RFC822; @mx.example.org
Action: failed
Status: 5.1.2
Remote-MTA: DNS; relay.example.jp
"""


def findings(engine: Engine, text: str) -> list[tuple[str | None, str, str | None, str | None]]:
    return [(f.recipient, f.reason, f.reply_code, f.enhanced_code) for f in engine.explain(text).findings]


def as_email(text: str, fields: str) -> str:
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.com>\nTo: ana@example.com\n"
        "Subject: Undelivered Mail Returned to Sender\nDate: Mon, 7 Dec 2026 09:10:12 +0000\n"
        'MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary="b1"\n\n'
        f"--b1\nContent-Type: text/plain\n\n{text}\n--b1\nContent-Type: message/delivery-status\n\n"
        f"{fields}\n--b1--\n"
    )


def test_each_record_takes_its_own_recipients_reply(engine: Engine) -> None:
    paste = f"{POSTFIX_TEXT}\n{POSTFIX_FIELDS}"
    # the unknown local user got no reply from any server: not the other recipient's 552
    assert findings(engine, paste) == [
        ("ines@example.com", "userunknown", None, "5.1.1"),
        ("marco@example.net", "mailboxfull", "552", "5.2.2"),
    ]
    assert findings(engine, paste) == findings(engine, as_email(POSTFIX_TEXT, POSTFIX_FIELDS))


def test_a_record_naming_a_host_gets_the_address_the_text_lists(engine: Engine) -> None:
    assert [f[0] for f in findings(engine, SENDMAIL_PASTE)] == ["kim@example.org"]


def test_the_readable_text_ends_where_the_fields_start() -> None:
    assert pasteddsn.report_text(SENDMAIL_PASTE).rstrip().endswith("host not found)")
    assert pasteddsn.report_text(POSTFIX_FIELDS) == ""


def test_fields_pasted_alone_are_still_read_as_fields(engine: Engine) -> None:
    assert [(f[0], f[1], f[3]) for f in findings(engine, POSTFIX_FIELDS)] == [
        ("ines@example.com", "userunknown", "5.1.1"),
        ("marco@example.net", "mailboxfull", "5.2.2"),
    ]
    assert engine.explain(POSTFIX_FIELDS).input_kind == "dsn"
