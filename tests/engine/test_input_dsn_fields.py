"""RFC 3464 delivery-status fields pasted as text, whole or in part."""

from __future__ import annotations

from explain_checks import best, by_recipient, check, explain
from repo_paths import DATA

from bot.engine import Engine


def test_dsn_fields(engine: Engine) -> None:
    result = explain(engine, (DATA / "alerts" / "dsn_fields.txt").read_text())
    assert result.input_kind == "dsn"
    assert len(result.findings) == 1
    check(
        result.findings[0],
        {
            "reply_code": "550",
            "enhanced_code": "5.1.1",
            "reason": "userunknown",
            "bounce": "hard",
            "recipient": "pat@example.com",
            "remote_mta": "mx.example.com",
        },
    )


def test_dsn_fields_in_any_order(engine: Engine) -> None:
    text = (
        "Action: failed\n"
        "Status: 5.2.2\n"
        "Diagnostic-Code: smtp; 552 5.2.2 <lin@example.org>: Mailbox quota exceeded\n"
        "Remote-MTA: dns; mx2.example.org\n"
        "Final-Recipient: rfc822; lin@example.org\n"
    )
    check(
        best(engine, text),
        {
            "reply_code": "552",
            "enhanced_code": "5.2.2",
            "reason": "mailboxfull",
            "recipient": "lin@example.org",
            "remote_mta": "mx2.example.org",
        },
    )


def test_dsn_final_and_original_recipient_are_one_record(engine: Engine) -> None:
    """Postfix writes Final-Recipient then Original-Recipient for the same address: one finding."""
    text = (
        "Final-Recipient: rfc822; jane.doe@gmail.com\n"
        "Original-Recipient: rfc822;jane.doe@gmail.com\n"
        "Action: failed\n"
        "Status: 5.1.1\n"
        "Remote-MTA: dns; gmail-smtp-in.l.google.com\n"
        "Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach does\n"
        "    not exist. Please try 550-5.1.1 double-checking the recipient's email\n"
        "    address for typos or 550-5.1.1 unnecessary spaces. - gsmtp\n"
    )
    result = explain(engine, text)
    assert len(result.findings) == 1, [(f.entry_id, f.reply_code, f.remote_mta) for f in result.findings]
    check(
        result.findings[0],
        {
            "reply_code": "550",
            "enhanced_code": "5.1.1",
            "recipient": "jane.doe@gmail.com",
            "remote_mta": "gmail-smtp-in.l.google.com",
        },
    )


def test_dsn_two_recipients_failed_and_delayed(engine: Engine) -> None:
    text = (
        "Reporting-MTA: dns; relay.example.org\n\n"
        "Final-Recipient: rfc822; a@example.com\n"
        "Action: failed\n"
        "Status: 5.1.1\n"
        "Diagnostic-Code: smtp; 550 5.1.1 <a@example.com>... User unknown\n\n"
        "Final-Recipient: rfc822; b@example.net\n"
        "Action: delayed\n"
        "Status: 4.2.2\n"
        "Diagnostic-Code: smtp; 452 4.2.2 <b@example.net>: Mailbox full\n"
    )
    found = by_recipient(explain(engine, text))
    assert set(found) == {"a@example.com", "b@example.net"}
    check(found["a@example.com"][0], {"reason": "userunknown", "bounce": "hard", "enhanced_code": "5.1.1"})
    check(found["b@example.net"][0], {"reason": "mailboxfull", "bounce": "soft", "enhanced_code": "4.2.2"})


def test_dsn_status_without_diagnostic(engine: Engine) -> None:
    text = "Final-Recipient: rfc822; slow@example.com\nAction: delayed\nStatus: 4.4.7\n"
    check(best(engine, text), {"enhanced_code": "4.4.7", "bounce": "soft", "recipient": "slow@example.com"})
