"""RFC 5321's 550 "mailbox unavailable" means not found, no access or policy; from Microsoft's
consumer service (knowledge/providers/microsoft-outlookcom.toml) it is the account look-up."""

from __future__ import annotations

import pytest


def _hotmail_dsn(recipient: str, status: str, diagnostic: str) -> str:
    return (
        "From: postmaster@hotmail.com\nTo: sender@example.org\n"
        "Subject: Delivery Status Notification (Failure)\n"
        'MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary="b1"\n\n'
        "--b1\nContent-Type: text/plain\n\nDelivery to the following recipients failed.\n\n"
        f"       {recipient}\n\n--b1\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns;BAY0-MC1-F12.bay0.hotmail.com\n\n"
        f"Final-Recipient: rfc822;{recipient}\nAction: failed\nStatus: {status}\n"
        f"Diagnostic-Code: smtp;{diagnostic}\n\n--b1--\n"
    )


PLAIN = "550 Requested action not taken: mailbox unavailable"


@pytest.mark.parametrize(
    "text",
    [
        # a Hotmail account, the report's status with no detail
        _hotmail_dsn("ana.k@hotmail.com", "5.0.0", PLAIN),
        _hotmail_dsn(
            "ana.k@outlook.com", "5.5.0", "550 5.5.0 Requested action not taken: mailbox unavailable"
        ),
        # a log line that names Microsoft's host
        "host mx1.hotmail.com[192.0.2.25] said: " + PLAIN + " (in reply to RCPT TO command)",
    ],
)
def test_microsofts_mailbox_unavailable_is_an_unknown_user(engine, text: str) -> None:
    finding = engine.explain(text).findings[0]
    assert (finding.reason, finding.entry_id) == ("userunknown", "microsoft.outlookcom-mailbox-unavailable")


def test_the_same_words_from_another_server_are_not_microsofts(engine) -> None:
    text = "host mx.example.net[192.0.2.9] said: " + PLAIN + " (in reply to end of DATA command)"
    finding = engine.explain(text).findings[0]
    assert finding.entry_id != "microsoft.outlookcom-mailbox-unavailable"
    assert finding.reason == "filtered"  # refused after the message was sent: a filter speaking


def test_a_policy_code_beside_the_words_is_not_an_unknown_user(engine) -> None:
    text = "host mx1.hotmail.com[192.0.2.25] said: 550 5.7.1 Requested action not taken: mailbox unavailable"
    assert engine.explain(text).findings[0].reason != "userunknown"
