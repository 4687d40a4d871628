"""A delivery agent's or Sieve's rejection notice (RFC 5429 `reject`, sent as an RFC 8098
disposition notification): "Your message to <a> was automatically rejected:" and the rule's own
reason on the next line. The reason answers when an entry knows it; a reason in the recipient's
own words (no entry's) is the recipient's filter speaking. Written for this test from Dovecot's
documented `rejection_reason` and `rejection_subject` settings."""

from __future__ import annotations

import pytest
from sample_mail import findings, message

BOUNDARY = "7731/imap.example.net"


def _notice(reason: str) -> str:
    body = (
        "This is a MIME-encapsulated message\n\n"
        f"--{BOUNDARY}\nContent-Type: text/plain; charset=utf-8\n\n"
        f"Your message to <ana@example.net> was automatically rejected:\n{reason}\n\n"
        f"--{BOUNDARY}\nContent-Type: message/disposition-notification\n\n"
        "Reporting-UA: imap.example.net; Dovecot Mail Delivery Agent\n"
        "Final-Recipient: rfc822; ana@example.net\n"
        "Original-Message-ID: <a1@example.org>\n"
        "Disposition: automatic-action/MDN-sent-automatically; deleted\n\n"
        f"--{BOUNDARY}--\n"
    )
    return message(
        body,
        subject="Rejected: Quarterly figures",
        MIME_Version="1.0",
        Content_Type=f'multipart/report; report-type=disposition-notification; boundary="{BOUNDARY}"',
        Auto_Submitted="auto-replied (rejected)",
    )


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("Please stop writing to me about this project.", "filtered"),
        ("Ich lese diese Adresse nicht mehr.", "filtered"),
        ("Quota exceeded (mailbox for user is full)", "mailboxfull"),
    ],
)
def test_the_stated_reason_or_the_recipients_rule_answers(engine, reason: str, expected: str) -> None:
    found = findings(engine, _notice(reason))
    assert [(f.recipient, f.reason, f.bounce) for f in found] == [("ana@example.net", expected, "hard")]
