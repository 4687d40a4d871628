"""SMTP replies pasted as text: one line, several lines, quoted, folded, several in one paste."""

from __future__ import annotations

from typing import Any

import pytest
from explain_checks import best, by_recipient, check, explain
from repo_paths import DATA

from bot.engine import Engine

SMTP_REPLIES = [
    (
        "550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown in virtual mailbox table",
        {
            "reply_code": "550",
            "enhanced_code": "5.1.1",
            "reason": "userunknown",
            "recipient": "bob@example.com",
        },
    ),
    (
        "452 4.2.2 The recipient's inbox is out of storage space. Please direct the recipient to "
        "https://support.google.com/mail/?p=OverQuotaTemp - gsmtp",
        {
            "reply_code": "452",
            "enhanced_code": "4.2.2",
            "reason": "mailboxfull",
            "bounce": "soft",
            "provider": "Google",
        },
    ),
    (
        "421 4.7.0 [TSS04] Messages from 203.0.113.9 temporarily deferred due to unexpected volume or "
        "user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes",
        {"reply_code": "421", "enhanced_code": "4.7.0", "bounce": "soft", "provider": "Yahoo"},
    ),
    (
        "550 5.7.1 Unfortunately, messages from [203.0.113.9] weren't sent. Please contact your Internet "
        "service provider since part of their network is on our block list (S3150). You can also refer "
        "your provider to http://mail.live.com/mail/troubleshooting.aspx#errors.",
        {"reply_code": "550", "enhanced_code": "5.7.1", "reason": "blocked", "provider": "Microsoft"},
    ),
    (
        "550 5.7.1 Service unavailable; Client host [203.0.113.9] blocked using zen.spamhaus.org; "
        "https://www.spamhaus.org/query/ip/203.0.113.9",
        {"reply_code": "550", "enhanced_code": "5.7.1", "reason": "blocked", "bounce": "hard"},
    ),
    (
        "554 5.7.1 <d.novak@partner-lab.example>: Relay access denied",
        {"reply_code": "554", "enhanced_code": "5.7.1", "reason": "norelaying"},
    ),
    (
        "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
        {"reply_code": "550", "enhanced_code": "5.1.10", "reason": "userunknown", "provider": "Microsoft"},
    ),
]


@pytest.mark.parametrize(("text", "expected"), SMTP_REPLIES, ids=[t[:40] for t, _ in SMTP_REPLIES])
def test_single_line_reply(engine: Engine, text: str, expected: dict[str, Any]) -> None:
    result = explain(engine, text)
    assert result.input_kind == "smtp"
    check(result.findings[0], expected)


def alert(name: str) -> str:
    return (DATA / "alerts" / name).read_text()


# Replies over several lines: each continuation line repeats the codes, or only some lines carry them.
MULTILINE = [
    pytest.param(
        alert("gsmtp_multiline_auth.txt"),
        {
            "reply_code": "550",
            "enhanced_code": "5.7.26",
            "reason": "authfailure",
            "bounce": "hard",
            "provider": "Google",
        },
        id="gmail authentication",
    ),
    pytest.param(
        alert("gsmtp_multiline_ratelimit.txt"),
        {"reply_code": "421", "enhanced_code": "4.7.28", "bounce": "soft", "provider": "Google"},
        id="gmail rate limit",
    ),
    pytest.param(
        "> 550-5.7.1 [203.0.113.9] Our system has detected that this message is\n"
        "> 550-5.7.1 likely unsolicited mail. To reduce the amount of spam sent to Gmail,\n"
        "> 550-5.7.1 this message has been blocked. For more information, go to\n"
        "> 550 5.7.1  https://support.google.com/mail/?p=UnsolicitedMessageError 6a1c2b3d4e5f.12 - gsmtp\n",
        {"reply_code": "550", "enhanced_code": "5.7.1", "reason": "spamdetected", "provider": "Google"},
        id="quoted in an email reply",
    ),
    pytest.param(
        # Postfix folds a long Gmail reply so the codes land mid-line; the first code still counts
        "host gmail-smtp-in.l.google.com[142.250.153.27] said: 550-5.1.1 The email account that you "
        "tried to reach does not exist. Please try 550-5.1.1 double-checking the recipient's email "
        "address for typos or 550-5.1.1 unnecessary spaces. For more information, go to 550 5.1.1 "
        "https://support.google.com/mail/?p=NoSuchUser - gsmtp (in reply to RCPT TO command)",
        {
            "reply_code": "550",
            "enhanced_code": "5.1.1",
            "reason": "userunknown",
            "provider": "Google",
            "remote_mta": "gmail-smtp-in.l.google.com",
        },
        id="codes only on continuation lines",
    ),
]


@pytest.mark.parametrize(("text", "expected"), MULTILINE)
def test_multiline_reply(engine: Engine, text: str, expected: dict[str, Any]) -> None:
    check(best(engine, text), expected)


def test_multiline_reply_gives_one_finding(engine: Engine) -> None:
    """Nine continuation lines are one reply, not nine."""
    assert len(explain(engine, alert("gsmtp_multiline_auth.txt")).findings) == 1


def test_several_replies_in_one_paste_each_found(engine: Engine) -> None:
    text = (
        "Yesterday's failures:\n\n"
        "550 5.1.1 <ann@example.com>: Recipient address rejected: User unknown in local recipient table\n\n"
        "452 4.2.2 <max@example.net>: Mailbox full\n"
    )
    found = by_recipient(explain(engine, text))
    assert found["ann@example.com"][0].reason == "userunknown"
    assert found["max@example.net"][0].reason == "mailboxfull"
    assert found["max@example.net"][0].bounce == "soft"
