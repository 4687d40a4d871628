"""Every input family the engine reads (issue 2 §3), with realistic texts.

Fixtures live in tests/data/ (written for these tests, modelled on what Postfix, Exim, Sendmail,
qmail, Exchange Online, Gmail, Amazon SES, SendGrid, Mailgun and Postmark really produce).
Assertions are on what the text says (codes, recipient, remote MTA, provider) and on the reason
where the wording or code leaves no doubt; exact entry ids are left to the knowledge base.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.engine import Engine, Explanation, Finding

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load(extra_dir="")  # the shipped knowledge only, whatever the environment says


def explain(engine: Engine, text: str | bytes, mode: str = "explicit") -> Explanation:
    return engine.explain(text, mode)  # type: ignore[arg-type]


def best(engine: Engine, text: str | bytes, mode: str = "explicit") -> Finding:
    result = explain(engine, text, mode)
    assert result.findings, f"no finding for {text!r}; notice: {result.notice}"
    return result.findings[0]


def check(finding: Finding, expected: dict[str, Any]) -> None:
    got = {key: getattr(finding, key) for key in expected}
    assert got == expected, f"{finding.entry_id}: got {got}, expected {expected}"


def by_recipient(result: Explanation) -> dict[str | None, list[Finding]]:
    out: dict[str | None, list[Finding]] = {}
    for finding in result.findings:
        out.setdefault(finding.recipient, []).append(finding)
    return out


# --- bare codes and questions ----------------------------------------------------------------

BARE = [
    ("452", {"reply_code": "452", "bounce": "soft"}),
    ("550", {"reply_code": "550", "bounce": "hard"}),
    ("421?", {"reply_code": "421", "bounce": "soft"}),
    ("5.1.1", {"enhanced_code": "5.1.1", "reason": "userunknown", "bounce": "hard"}),
    ("5.2.2", {"enhanced_code": "5.2.2", "reason": "mailboxfull", "bounce": "hard"}),
    ("4.2.2", {"enhanced_code": "4.2.2", "reason": "mailboxfull", "bounce": "soft"}),
    ("550 5.1.1", {"reply_code": "550", "enhanced_code": "5.1.1", "reason": "userunknown"}),
    ("552 5.2.2", {"reply_code": "552", "enhanced_code": "5.2.2", "reason": "mailboxfull"}),
    ("  5.7.26  ", {"enhanced_code": "5.7.26", "bounce": "hard"}),
]


@pytest.mark.parametrize(("text", "expected"), BARE, ids=[t.strip() for t, _ in BARE])
def test_bare_code(engine: Engine, text: str, expected: dict[str, Any]) -> None:
    result = explain(engine, text)
    assert result.input_kind == "code"
    assert result.notice is None
    check(best(engine, text), expected)


QUESTIONS = [
    ("what does 5.7.26 mean", {"enhanced_code": "5.7.26", "bounce": "hard"}),
    ("What does 5.7.26 mean?", {"enhanced_code": "5.7.26"}),
    ("what is 421?", {"reply_code": "421", "bounce": "soft"}),
    ("Is 4.7.1 a temporary error?", {"enhanced_code": "4.7.1", "bounce": "soft"}),
    ("why would a server say 5.1.1", {"enhanced_code": "5.1.1", "reason": "userunknown"}),
    ("is 552 5.2.2 a hard bounce?", {"reply_code": "552", "enhanced_code": "5.2.2", "reason": "mailboxfull"}),
    ("mailbox full", {"reason": "mailboxfull"}),
    ("Mailbox is full", {"reason": "mailboxfull"}),
    ("user unknown", {"reason": "userunknown"}),
    ("relay access denied", {"reason": "norelaying"}),
]


@pytest.mark.parametrize(("text", "expected"), QUESTIONS, ids=[t for t, _ in QUESTIONS])
def test_question(engine: Engine, text: str, expected: dict[str, Any]) -> None:
    check(best(engine, text), expected)


def test_bare_code_is_not_answered_in_passive_mode(engine: Engine) -> None:
    # a lone number in an alert channel is not clearly a mail failure
    for text in ("452", "5.2.2", "what does 5.7.26 mean"):
        assert explain(engine, text, "passive").findings == ()


# --- SMTP replies, single and multi-line -----------------------------------------------------

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


def test_multiline_gmail_authentication_reply(engine: Engine) -> None:
    text = (DATA / "alerts" / "gsmtp_multiline_auth.txt").read_text()
    check(
        best(engine, text),
        {
            "reply_code": "550",
            "enhanced_code": "5.7.26",
            "reason": "authfailure",
            "bounce": "hard",
            "provider": "Google",
        },
    )


def test_multiline_gmail_rate_limit_reply(engine: Engine) -> None:
    text = (DATA / "alerts" / "gsmtp_multiline_ratelimit.txt").read_text()
    check(
        best(engine, text),
        {"reply_code": "421", "enhanced_code": "4.7.28", "bounce": "soft", "provider": "Google"},
    )


def test_multiline_reply_gives_one_finding(engine: Engine) -> None:
    """Nine continuation lines are one reply, not nine."""
    text = (DATA / "alerts" / "gsmtp_multiline_auth.txt").read_text()
    assert len(explain(engine, text).findings) == 1


def test_multiline_reply_quoted_in_an_email_reply(engine: Engine) -> None:
    text = (
        "> 550-5.7.1 [203.0.113.9] Our system has detected that this message is\n"
        "> 550-5.7.1 likely unsolicited mail. To reduce the amount of spam sent to Gmail,\n"
        "> 550-5.7.1 this message has been blocked. For more information, go to\n"
        "> 550 5.7.1  https://support.google.com/mail/?p=UnsolicitedMessageError 6a1c2b3d4e5f.12 - gsmtp\n"
    )
    check(
        best(engine, text),
        {"reply_code": "550", "enhanced_code": "5.7.1", "reason": "spamdetected", "provider": "Google"},
    )


def test_reply_with_enhanced_code_only_on_continuation_lines(engine: Engine) -> None:
    # Postfix folds a long Gmail reply so the codes land mid-line; the first code still counts
    text = (
        "host gmail-smtp-in.l.google.com[142.250.153.27] said: 550-5.1.1 The email account that you "
        "tried to reach does not exist. Please try 550-5.1.1 double-checking the recipient's email "
        "address for typos or 550-5.1.1 unnecessary spaces. For more information, go to 550 5.1.1 "
        "https://support.google.com/mail/?p=NoSuchUser - gsmtp (in reply to RCPT TO command)"
    )
    check(
        best(engine, text),
        {
            "reply_code": "550",
            "enhanced_code": "5.1.1",
            "reason": "userunknown",
            "provider": "Google",
            "remote_mta": "gmail-smtp-in.l.google.com",
        },
    )


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


# --- Slack's encoding ------------------------------------------------------------------------


def test_slack_html_escapes(engine: Engine) -> None:
    finding = best(engine, "552 5.2.2 &lt;kim@example.net&gt;: Mailbox is full")
    check(
        finding,
        {
            "reply_code": "552",
            "enhanced_code": "5.2.2",
            "reason": "mailboxfull",
            "recipient": "kim@example.net",
        },
    )
    assert "&lt;" not in finding.diagnostic and "&gt;" not in finding.diagnostic


def test_slack_ampersand(engine: Engine) -> None:
    finding = best(engine, "554 5.7.1 Message rejected: spam &amp; phishing content detected")
    check(finding, {"reply_code": "554", "enhanced_code": "5.7.1"})
    assert "&amp;" not in finding.diagnostic
    assert "spam & phishing" in finding.diagnostic


def test_slack_mailto_link(engine: Engine) -> None:
    text = (
        "<mailto:bob@example.com|bob@example.com>: host mx.example.com[203.0.113.5] said: 550 5.1.1 "
        "<mailto:bob@example.com|bob@example.com>: Recipient address rejected: User unknown in virtual "
        "mailbox table (in reply to RCPT TO command)"
    )
    check(
        best(engine, text),
        {
            "reply_code": "550",
            "enhanced_code": "5.1.1",
            "reason": "userunknown",
            "recipient": "bob@example.com",
            "remote_mta": "mx.example.com",
        },
    )


def test_slack_link_with_label_names_the_provider(engine: Engine) -> None:
    # no tag such as S3150 in the text: only the documentation link tells it is Microsoft
    text = (
        "550 5.7.1 Unfortunately, messages from [203.0.113.9] weren't sent. Please contact your "
        "Internet service provider. You can also refer your provider to "
        "<http://mail.live.com/mail/troubleshooting.aspx#errors|mail.live.com/mail/troubleshooting.aspx#errors>."
    )
    check(best(engine, text), {"reply_code": "550", "enhanced_code": "5.7.1", "provider": "Microsoft"})


def test_slack_link_inside_multiline_reply(engine: Engine) -> None:
    text = (DATA / "alerts" / "slack_escaped_postfix_bounce.txt").read_text()
    check(
        best(engine, text),
        {
            "reply_code": "550",
            "enhanced_code": "5.1.1",
            "reason": "userunknown",
            "provider": "Google",
            "recipient": "jane.doe@gmail.com",
            "remote_mta": "gmail-smtp-in.l.google.com",
        },
    )


def test_slack_mention_and_inline_code(engine: Engine) -> None:
    check(best(engine, "<@U024BE7LH> what does `5.7.26` mean?"), {"enhanced_code": "5.7.26"})


def test_slack_inline_code_reply(engine: Engine) -> None:
    text = "bounce from the relay: `550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown`"
    check(
        best(engine, text),
        {
            "reply_code": "550",
            "enhanced_code": "5.1.1",
            "reason": "userunknown",
            "recipient": "bob@example.com",
        },
    )


def test_slack_code_block(engine: Engine) -> None:
    text = (
        "got this from the relay, any idea?\n```\n"
        "452 4.2.2 The recipient's inbox is out of storage space. Please direct the recipient to\n"
        "https://support.google.com/mail/?p=OverQuotaTemp - gsmtp\n```"
    )
    check(
        best(engine, text),
        {"reply_code": "452", "enhanced_code": "4.2.2", "reason": "mailboxfull", "provider": "Google"},
    )


def test_slack_code_block_with_language_hint(engine: Engine) -> None:
    text = "```text\n451 4.7.1 Greylisting in action, please come back later\n```"
    check(best(engine, text), {"reply_code": "451", "enhanced_code": "4.7.1", "bounce": "soft"})


def test_slack_channel_reference_is_harmless(engine: Engine) -> None:
    text = "<#C024BE7LR|mail-alerts> 550 5.1.1 <ann@example.com>: Recipient address rejected: User unknown"
    check(best(engine, text), {"reason": "userunknown", "recipient": "ann@example.com"})


# --- MTA log lines ---------------------------------------------------------------------------


def test_postfix_log(engine: Engine) -> None:
    result = explain(engine, (DATA / "logs" / "postfix_maillog.txt").read_text())
    assert result.input_kind == "log"
    found = by_recipient(result)
    # status=sent is not a problem; qmgr and bounce lines carry no recipient failure
    assert set(found) == {
        "jane.doe@gmail.com",
        "bob@yahoo.com",
        "x.user@example.org",
        "info@exmaple.com",
        "team@slow.example",
    }
    assert all(len(v) == 1 for v in found.values()), found
    check(
        found["jane.doe@gmail.com"][0],
        {
            "reply_code": "550",
            "enhanced_code": "5.1.1",
            "reason": "userunknown",
            "bounce": "hard",
            "provider": "Google",
            "remote_mta": "gmail-smtp-in.l.google.com",
        },
    )
    check(
        found["bob@yahoo.com"][0],
        {
            "reply_code": "421",
            "enhanced_code": "4.7.0",
            "bounce": "soft",
            "provider": "Yahoo",
            "remote_mta": "mta6.am0.yahoodns.net",
        },
    )
    check(
        found["x.user@example.org"][0],
        {"reply_code": "552", "enhanced_code": "5.2.2", "reason": "mailboxfull", "bounce": "hard"},
    )
    check(found["info@exmaple.com"][0], {"enhanced_code": "5.4.4", "reason": "hostunknown", "bounce": "hard"})
    check(found["team@slow.example"][0], {"enhanced_code": "4.4.1", "bounce": "soft"})


def test_postfix_log_line_escaped_by_slack(engine: Engine) -> None:
    line = (
        "postfix/smtp[2211]: 0A1B2C3D4E: to=&lt;bob@yahoo.com&gt;, "
        "relay=mta6.am0.yahoodns.net[67.195.204.72]:25, "
        "delay=3600, delays=3599/0.1/0.4/0, dsn=4.7.0, status=deferred (host mta6.am0.yahoodns.net"
        "[67.195.204.72] said: 421 4.7.0 [TSS04] Messages from 203.0.113.9 temporarily deferred due to "
        "unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes "
        "(in reply to MAIL FROM command))"
    )
    result = explain(engine, line)
    assert result.input_kind == "log"
    check(
        result.findings[0],
        {"recipient": "bob@yahoo.com", "enhanced_code": "4.7.0", "bounce": "soft", "provider": "Yahoo"},
    )


def test_postfix_sent_line_is_not_a_failure(engine: Engine) -> None:
    line = (
        "Mar 12 10:15:03 mail postfix/smtp[12346]: 5B2C31C0125: to=<ok.user@example.net>, "
        "relay=mx.example.net[203.0.113.5]:25, delay=0.9, delays=0.1/0/0.3/0.5, dsn=2.0.0, "
        "status=sent (250 2.0.0 Ok: queued as 3F9A2B1C)"
    )
    assert explain(engine, line, "passive").findings == ()
    assert all(f.bounce == "none" for f in explain(engine, line).findings)


def test_exim_log(engine: Engine) -> None:
    result = explain(engine, (DATA / "logs" / "exim_mainlog.txt").read_text())
    assert result.input_kind == "log"
    found = by_recipient(result)
    assert set(found) == {"kim@members.example", "bob@example.com"}
    check(
        found["kim@members.example"][0],
        {
            "reply_code": "550",
            "enhanced_code": "5.1.1",
            "reason": "userunknown",
            "bounce": "hard",
            "remote_mta": "mx1.members.example",
        },
    )
    check(
        found["bob@example.com"][0],
        {"reply_code": "451", "enhanced_code": "4.7.1", "bounce": "soft", "remote_mta": "mx1.example.com"},
    )


def test_exim_unrouteable_address(engine: Engine) -> None:
    line = "2024-03-12 11:02:41 1rk2Hc-0007Qz-3B ** sales@oldcompany.example: Unrouteable address"
    check(
        best(engine, line),
        {"recipient": "sales@oldcompany.example", "reason": "hostunknown", "bounce": "hard"},
    )


def test_sendmail_log(engine: Engine) -> None:
    result = explain(engine, (DATA / "logs" / "sendmail_maillog.txt").read_text())
    assert result.input_kind == "log"
    found = by_recipient(result)
    assert set(found) == {"dana@partner.example", "lee@bigbox.example"}
    check(
        found["dana@partner.example"][0],
        {
            "enhanced_code": "5.1.1",
            "reason": "userunknown",
            "bounce": "hard",
            "remote_mta": "mx.partner.example",
        },
    )
    check(
        found["lee@bigbox.example"][0],
        {
            "reply_code": "452",
            "enhanced_code": "4.2.2",
            "reason": "mailboxfull",
            "bounce": "soft",
            "remote_mta": "mx.bigbox.example",
        },
    )


# --- RFC 3464 delivery-status fields pasted as text ------------------------------------------


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


# --- whole raw bounce emails -----------------------------------------------------------------

EMAILS = [
    (
        "postfix_gmail_userunknown.eml",
        {
            "reply_code": "550",
            "enhanced_code": "5.1.1",
            "reason": "userunknown",
            "bounce": "hard",
            "provider": "Google",
            "recipient": "jane.doe@gmail.com",
            "remote_mta": "gmail-smtp-in.l.google.com",
        },
    ),
    (
        "exchange_online_recipient_not_found_qp.eml",
        {
            "reply_code": "550",
            "enhanced_code": "5.1.10",
            "reason": "userunknown",
            "bounce": "hard",
            "provider": "Microsoft",
            "recipient": "tom.baker@contoso.com",
        },
    ),
    (
        # the only diagnostic is in a quoted-printable body, with a soft line break inside the code
        "exchange_onprem_qp_only.eml",
        {
            "reply_code": "550",
            "enhanced_code": "5.1.10",
            "reason": "userunknown",
            "bounce": "hard",
            "recipient": "a.weber@partner.example",
        },
    ),
    (
        "base64_body_mailbox_full.eml",
        {
            "reply_code": "552",
            "enhanced_code": "5.2.2",
            "reason": "mailboxfull",
            "bounce": "hard",
            "recipient": "olga.ivanova@yandex.ru",
        },
    ),
    (
        "gmail_dsn_base64_notice_timeout.eml",
        {"enhanced_code": "4.4.1", "bounce": "hard", "recipient": "ravi.k@zoho.example"},
    ),
    (
        "qmail_plain.eml",
        {
            "reply_code": "550",
            "enhanced_code": "5.1.1",
            "reason": "userunknown",
            "bounce": "hard",
            "recipient": "lars.nilsson@nordmail.example",
        },
    ),
    (
        "exim_plain_mailbox_full.eml",
        {
            "reply_code": "552",
            "enhanced_code": "5.2.2",
            "reason": "mailboxfull",
            "bounce": "hard",
            "recipient": "kim.park@members.example",
            "remote_mta": "mx1.members.example",
        },
    ),
    (
        "sendmail_multipart.eml",
        {
            "reply_code": "550",
            "enhanced_code": "5.7.1",
            "reason": "norelaying",
            "bounce": "hard",
            "recipient": "d.novak@partner-lab.example",
            "remote_mta": "mx.partner-lab.example",
        },
    ),
    (
        "postfix_delayed_warning.eml",
        {
            "reply_code": "421",
            "enhanced_code": "4.7.0",
            "bounce": "soft",
            "provider": "Yahoo",
            "recipient": "ops@yahoo.com",
            "remote_mta": "mta7.am0.yahoodns.net",
        },
    ),
    (
        # the notification alone, as a forwarder that drops the delivery-status part leaves it
        "postfix_text_only.eml",
        {
            "reply_code": "550",
            "enhanced_code": "5.1.1",
            "reason": "userunknown",
            "provider": "Google",
            "recipient": "supplier@gmail.com",
        },
    ),
]


@pytest.mark.parametrize(("name", "expected"), EMAILS, ids=[n for n, _ in EMAILS])
def test_bounce_email(engine: Engine, name: str, expected: dict[str, Any]) -> None:
    raw = (DATA / "bounces" / name).read_bytes()
    result = explain(engine, raw)
    assert result.input_kind == "email"
    assert result.findings, result.notice
    check(result.findings[0], expected)


@pytest.mark.parametrize("name", [n for n, _ in EMAILS])
def test_bounce_email_gives_one_finding_for_one_recipient(engine: Engine, name: str) -> None:
    """No second finding for the same failure (a generic 'delivery failed' banner, an empty record)."""
    result = explain(engine, (DATA / "bounces" / name).read_bytes())
    assert len(result.findings) == 1, [(f.entry_id, f.recipient, f.reply_code) for f in result.findings]


@pytest.mark.parametrize("name", [n for n, _ in EMAILS])
def test_bounce_email_ignores_the_returned_message(engine: Engine, name: str) -> None:
    """The quoted original carries decoys ('mailbox full', 'Order 552', '5.1.1 o'clock'): ignore them."""
    result = explain(engine, (DATA / "bounces" / name).read_text())
    expected = dict(EMAILS)[name]
    for finding in result.findings:
        assert finding.recipient == expected["recipient"]
        assert finding.reply_code in (None, expected.get("reply_code"))


def test_bounce_email_from_file_matches_text(engine: Engine) -> None:
    path = DATA / "bounces" / "exchange_online_recipient_not_found_qp.eml"
    from_file = engine.explain_file(path)
    from_text = explain(engine, path.read_text())
    assert from_file.contract() == from_text.contract()


def test_large_file_is_read_past_the_first_read(engine: Engine, tmp_path: Path) -> None:
    """A file longer than one read (an attachment before the report) is read whole, up to the cap."""
    from bot.engine.engine import FIRST_READ_BYTES, MAX_FILE_BYTES

    bounce = (DATA / "bounces" / "exchange_online_recipient_not_found_qp.eml").read_bytes()
    padding = b"X-Padding: " + b"y" * 70 + b"\n"
    big = bounce.replace(b"\n", b"\n" + padding * (2 * FIRST_READ_BYTES // len(padding)), 1)
    path = tmp_path / "big.eml"
    path.write_bytes(big)
    assert FIRST_READ_BYTES < len(big) < MAX_FILE_BYTES
    assert engine.explain_file(path).contract() == explain(engine, big).contract()
    assert engine.explain_file(path).findings


def test_bounce_email_with_several_recipients(engine: Engine) -> None:
    result = explain(engine, (DATA / "bounces" / "postfix_multi_recipient.eml").read_text())
    assert result.input_kind == "email"
    found = by_recipient(result)
    assert set(found) == {"a.schmidt@gmx.example", "j.smith@outlook.com", "p.rossi@lavoro.example"}
    assert all(len(v) == 1 for v in found.values())
    check(
        found["a.schmidt@gmx.example"][0],
        {"reply_code": "550", "bounce": "hard", "remote_mta": "mx00.gmx.example"},
    )
    check(
        found["j.smith@outlook.com"][0],
        {
            "reply_code": "550",
            "enhanced_code": "5.5.0",
            "bounce": "hard",
            "provider": "Microsoft",
            "remote_mta": "outlook-com.olc.protection.outlook.com",
        },
    )
    check(
        found["p.rossi@lavoro.example"][0],
        {"reply_code": "552", "enhanced_code": "5.2.2", "reason": "mailboxfull", "bounce": "hard"},
    )


def test_bounce_email_with_crlf_line_ends(engine: Engine) -> None:
    raw = (DATA / "bounces" / "postfix_gmail_userunknown.eml").read_text().replace("\n", "\r\n")
    check(best(engine, raw.encode()), dict(EMAILS)["postfix_gmail_userunknown.eml"])


# --- JSON bounce notifications ---------------------------------------------------------------

JSON_SINGLE = [
    (
        "ses_bounce_permanent.json",
        {
            "reply_code": "550",
            "enhanced_code": "5.1.1",
            "reason": "userunknown",
            "bounce": "hard",
            "recipient": "no.such.person@example.net",
        },
    ),
    (
        "sns_wrapped_ses_mailbox_full.json",
        {
            "reply_code": "552",
            "enhanced_code": "5.2.2",
            "reason": "mailboxfull",
            "recipient": "lucy.grey@mail.example.com",
        },
    ),
    (
        "ses_event_publishing_bounce.json",
        {"reason": "suppressed", "bounce": "hard", "recipient": "old.customer@example.org"},
    ),
    (
        "ses_delivery_delay.json",
        {"enhanced_code": "4.4.7", "bounce": "soft", "recipient": "oncall@slowmx.example"},
    ),
    (
        # a complaint is feedback about a delivered message, not a bounce
        "ses_complaint.json",
        {"reason": "feedback", "bounce": "none", "recipient": "annoyed.reader@yahoo.com"},
    ),
    (
        "mailgun_failed_permanent.json",
        {
            "reply_code": "550",
            "enhanced_code": "5.5.0",
            "bounce": "hard",
            "provider": "Microsoft",
            "recipient": "erik.larsson@outlook.com",
            "remote_mta": "outlook-com.olc.protection.outlook.com",
        },
    ),
    (
        "mailgun_failed_temporary.json",
        {
            "reply_code": "421",
            "enhanced_code": "4.7.0",
            "bounce": "soft",
            "provider": "Google",
            "recipient": "sam@busy-host.example",
            "remote_mta": "aspmx.l.google.com",
        },
    ),
    (
        "postmark_hard_bounce.json",
        {
            "reply_code": "550",
            "enhanced_code": "5.1.1",
            "reason": "userunknown",
            "bounce": "hard",
            "recipient": "typo.adress@gmial.example",
        },
    ),
    (
        "postmark_spam_notification.json",
        {
            "reply_code": "550",
            "enhanced_code": "5.7.1",
            "reason": "spamdetected",
            "recipient": "reader@corp.example",
        },
    ),
]


@pytest.mark.parametrize(("name", "expected"), JSON_SINGLE, ids=[n for n, _ in JSON_SINGLE])
def test_json_notification(engine: Engine, name: str, expected: dict[str, Any]) -> None:
    result = explain(engine, (DATA / "json" / name).read_text())
    assert result.input_kind == "json"
    assert len(result.findings) == 1, [(f.entry_id, f.recipient) for f in result.findings]
    check(result.findings[0], expected)


def test_sendgrid_event_array(engine: Engine) -> None:
    result = explain(engine, (DATA / "json" / "sendgrid_events.json").read_text())
    assert result.input_kind == "json"
    found = by_recipient(result)
    # processed and delivered events are not problems
    assert set(found) == {"nobody.here@gmail.com", "busy.user@example.org"}
    check(
        found["nobody.here@gmail.com"][0],
        {
            "reply_code": "550",
            "enhanced_code": "5.1.1",
            "reason": "userunknown",
            "bounce": "hard",
            "provider": "Google",
        },
    )
    check(
        found["busy.user@example.org"][0],
        {"reply_code": "452", "enhanced_code": "4.2.2", "reason": "mailboxfull", "bounce": "soft"},
    )


def test_json_pasted_in_a_slack_code_block(engine: Engine) -> None:
    raw = (DATA / "alerts" / "ses_bounce_compact.json").read_text()
    slack = "```" + raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "```"
    check(
        best(engine, slack),
        {"enhanced_code": "5.1.1", "reason": "userunknown", "recipient": "no.such.person@example.net"},
    )


def test_json_that_is_not_a_bounce(engine: Engine) -> None:
    text = '{"event": "delivered", "email": "ok@example.com", "response": "250 2.0.0 OK"}'
    assert explain(engine, text, "passive").findings == ()
    assert all(f.bounce == "none" for f in explain(engine, text).findings)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("From: a@example.com\nTo: b@example.com\nSubject: hi\nDate: today\n\nbody", True),
        ("\n\n  FROM: a@example.com\nto: b@example.com\n\nbody", True),  # any case, after blank lines
        ("Received: from x\nX-Mailer: y\n\nbody", True),  # two, the first line one of them
        ("hello there\nFrom: a@example.com\nTo: b@example.com\n\nbody", False),  # two, not first
        ("Hello: x\nFrom: a\nTo: b\nSubject: c\nDate: d\n", True),  # four anywhere in the block
        ("From: a@example.com\n\nTo: b\nSubject: c\nDate: d\n", False),  # the rest is body
        ("Hello: x\n" + "Y: z\n" * 60 + "From: a\nTo: b\nSubject: c\nDate: d\n", False),  # past 60 lines
        ("Hello: x\n" + "Y" * 6000 + "\nFrom: a\nTo: b\nSubject: c\nDate: d\n", False),  # past 6,000
        ("X-: not a field\nX-Spam: yes\n\n", False),  # "X-" alone is no field name
    ],
)
def test_looks_like_email_reads_only_the_header_block(text: str, expected: bool) -> None:
    from bot.engine.formats.bounce_email import looks_like_email

    assert looks_like_email(text) is expected
