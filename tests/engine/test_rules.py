"""The engine's recent rules, through its public API: the SMTP phase and what it does to the reason,
failure codes first, codes read from odd layouts and from the notice body, X-Unix diagnostics,
the `when_no_code` and `requires_provider` knowledge flags, and MIME and DSN corner cases.

Every bounce text here was written for these tests, in the layout the named MTA or provider uses.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import Engine, Explanation, Finding, load_knowledge
from bot.engine.knowledge import builtin_knowledge_dir


@pytest.fixture(scope="module")
def engine() -> Engine:
    # the shipped knowledge only, whatever the environment says; no start-up cache
    return Engine.load(extra_dir="", use_cache=False)


def best(engine: Engine, text: str | bytes) -> Finding:
    result = engine.explain(text)
    assert result.findings, f"no finding for {text!r}; notice: {result.notice}"
    return result.findings[0]


def first_email_finding(engine: Engine, body: str, sender: str | None = None) -> Finding:
    """The first finding for a bounce email with this body, checked to be read as an email."""
    subject = "Undelivered Mail Returned to Sender"
    result = engine.explain(email(subject, body, sender) if sender else email(subject, body))
    assert result.input_kind == "email"
    assert result.findings, result.notice
    return result.findings[0]


def summary(result: Explanation) -> list[tuple]:
    return [
        (f.entry_id, f.reason, f.reply_code, f.enhanced_code, f.smtp_phase, f.recipient)
        for f in result.findings
    ]


def email(subject: str, body: str, sender: str = "MAILER-DAEMON@relay1.shop.example.com") -> str:
    """A plain-text bounce email around `body`."""
    return (
        "Return-Path: <>\n"
        f"From: Mail Delivery System <{sender}>\n"
        "To: news@shop.example.com\n"
        f"Subject: {subject}\n"
        "Date: Thu,  6 Jun 2024 10:22:51 +0000 (UTC)\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=us-ascii\n"
        "\n" + body
    )


POSTFIX_INTRO = (
    "This is the mail system at host relay1.shop.example.com.\n\n"
    "I'm sorry to have to inform you that your message could not\n"
    "be delivered to one or more recipients.\n\n"
)
EXIM_INTRO = (
    "This message was created automatically by mail delivery software.\n\n"
    "A message that you sent could not be delivered to one or more of its\n"
    "recipients. This is a permanent error. The following address(es) failed:\n\n"
)


# --- 1. the SMTP phase and the reason ----------------------------------------------------------

POSTFIX_LOG = (
    "Jun  3 10:11:12 relay1 postfix/smtp[2211]: 4F1A23C0D: to=<ana@example.net>, "
    "relay=mx.example.net[198.51.100.7]:25, delay=1.2, delays=0.1/0/0.4/0.7, dsn=5.0.0, "
    "status=bounced (host mx.example.net[198.51.100.7] said: 550 User unknown (in reply to {step}))"
)


def test_user_unknown_after_end_of_data_is_a_filter(engine: Engine) -> None:
    finding = best(engine, POSTFIX_LOG.format(step="end of DATA command"))
    assert finding.smtp_phase == "DATA"
    assert finding.reason == "filtered"
    assert finding.reply_code == "550"


def test_user_unknown_in_reply_to_rcpt_to_stays_userunknown(engine: Engine) -> None:
    finding = best(engine, POSTFIX_LOG.format(step="RCPT TO command"))
    assert finding.smtp_phase == "RCPT"
    assert finding.reason == "userunknown"


def test_sendmail_transcript_data_then_failing_reply(engine: Engine) -> None:
    text = (
        "   ----- Transcript of session follows -----\n"
        "... while talking to mx1.example.org.:\n"
        ">>> DATA\n"
        "<<< 550 User unknown\n"
        "554 5.0.0 Service unavailable\n"
    )
    finding = best(engine, text)
    assert finding.smtp_phase == "DATA"
    assert finding.reason == "filtered"


def test_transcript_phase_is_the_last_command_before_the_failing_reply(engine: Engine) -> None:
    """The RCPT step worked (`250`); the refusal came after `>>> DATA`."""
    text = (
        "... while talking to mx1.example.org.:\n"
        ">>> RCPT To:<li.wei@example.org>\n"
        "<<< 250 Recipient ok\n"
        ">>> DATA\n"
        "<<< 550 Unknown user li.wei@example.org\n"
    )
    finding = best(engine, text)
    assert finding.smtp_phase == "DATA"
    assert finding.reply_code == "550"


def test_sendmail_transcript_success_statuses_are_not_the_failure_status(engine: Engine) -> None:
    text = (
        "   ----- Transcript of session follows -----\n"
        "... while talking to mx1.example.org.:\n"
        ">>> MAIL From:<noreply@shop.example.com> SIZE=4211\n"
        "<<< 250 2.1.0 Sender ok\n"
        ">>> RCPT To:<li.wei@example.org>\n"
        "<<< 250 2.1.5 Recipient ok\n"
        ">>> DATA\n"
        '<<< 354 Enter mail, end with "." on a line by itself\n'
        ">>> .\n"
        "<<< 550 User unknown\n"
        "554 5.0.0 Service unavailable\n"
    )
    finding = best(engine, text)
    assert finding.smtp_phase == "DATA"
    assert finding.enhanced_code == "5.0.0"  # got 2.1.0 (the MAIL FROM step's success)
    assert finding.reason == "filtered"  # got userunknown, because 2.1.0 looks like an X.1.x status


def test_exim_after_rcpt_to_in_a_bounce_is_rcpt(engine: Engine) -> None:
    body = EXIM_INTRO + (
        "  kofi@example.org\n"
        "    host mx.example.org [203.0.113.25]\n"
        "    SMTP error from remote mail server after RCPT TO:<kofi@example.org>:\n"
        "    550 Unknown user\n"
    )
    finding = best(engine, email("Mail delivery failed: returning message to sender", body))
    assert finding.smtp_phase == "RCPT"
    # a bounce naming the RCPT phase: the directory said no, not a filter
    assert finding.reason == "userunknown"
    assert finding.recipient == "kofi@example.org"


YAHOO_BOUNCE_BODY = POSTFIX_INTRO + (
    "<carlos.m@yahoo.com>: host mta5.am0.yahoodns.net[67.195.204.77] said: 554\n"
    "    30 Sorry, your message to carlos.m@yahoo.com could not be delivered.\n"
    "    User Unknown{tag}\n"
)


def test_yahoo_rcpt_to_tag_is_the_rcpt_phase(engine: Engine) -> None:
    text = email("Undelivered Mail Returned to Sender", YAHOO_BOUNCE_BODY.format(tag=" [RCPT_TO]"))
    finding = best(engine, text)
    assert finding.smtp_phase == "RCPT"
    assert finding.reason == "userunknown"
    assert finding.provider == "Yahoo"


def test_same_yahoo_bounce_without_the_tag_names_no_phase(engine: Engine) -> None:
    """The counterpart of the test above: with no phase, a generic reply in a bounce is a filter."""
    finding = best(engine, email("Undelivered Mail Returned to Sender", YAHOO_BOUNCE_BODY.format(tag="")))
    assert finding.smtp_phase is None
    assert finding.reason == "filtered"


def test_stated_5_1_1_keeps_userunknown_after_data(engine: Engine) -> None:
    text = (
        "status=bounced (host mx.example.net[198.51.100.7] said: 550 5.1.1 <ana@example.net>: "
        "User unknown (in reply to end of DATA command))"
    )
    finding = best(engine, text)
    assert finding.smtp_phase == "DATA"
    assert finding.enhanced_code == "5.1.1"
    assert finding.reason == "userunknown"


def test_yahoo_own_wording_keeps_userunknown_in_a_bounce_without_phase(engine: Engine) -> None:
    entry = engine.by_id["yahoo.no-such-account"]
    assert entry.provider == "Yahoo" and entry.family == "providers" and entry.reason == "userunknown"
    body = POSTFIX_INTRO + (
        "<pablo.r@yahoo.com>: host mta6.am0.yahoodns.net[67.195.228.94] said: 554\n"
        "    delivery error: dd This user doesn't have a yahoo.com account\n"
        "    (pablo.r@yahoo.com) [0] - mta4031.mail.ne1.yahoo.com\n"
    )
    finding = first_email_finding(engine, body)
    assert finding.entry_id == "yahoo.no-such-account"
    assert finding.smtp_phase is None
    assert finding.reason == "userunknown"


def test_generic_unknown_user_in_a_bounce_without_phase_or_status_is_filtered(engine: Engine) -> None:
    body = (
        "Hello,\n\n"
        "We could not deliver your message to the following address.\n\n"
        "<pablo@example.org>:\n"
        "550 Unknown user\n\n"
        "-- \nMail system at mx.example.org\n"
    )
    finding = first_email_finding(engine, body, "MAILER-DAEMON@mx.example.org")
    assert finding.reply_code == "550"
    assert finding.smtp_phase is None
    assert finding.reason == "filtered"


def test_local_directory_notice_without_reply_code_keeps_userunknown(engine: Engine) -> None:
    body = (
        "This is the mail system at host mail.example.com.\n\n"
        "I'm sorry to have to inform you that your message could not\n"
        "be delivered to one or more recipients.\n\n"
        '<bob@mail.example.com>: unknown user: "bob"\n'
    )
    finding = first_email_finding(engine, body, "MAILER-DAEMON@mail.example.com")
    assert finding.reply_code is None
    assert finding.recipient == "bob@mail.example.com"
    assert finding.reason == "userunknown"


def test_code_only_refusal_after_initial_connection_is_blocked(engine: Engine) -> None:
    body = EXIM_INTRO + (
        "  ops@example.org\n"
        "    host mx.example.org [203.0.113.25]\n"
        "    SMTP error from remote mail server after initial connection:\n"
        "    554 mx.example.org\n"
    )
    finding = best(engine, email("Mail delivery failed: returning message to sender", body))
    assert finding.matched_text == "554"  # only the code chose the entry
    assert finding.smtp_phase == "CONN"
    assert finding.reason == "blocked"


def test_code_only_refusal_after_mail_from_is_rejected(engine: Engine) -> None:
    body = EXIM_INTRO + (
        "  ops@example.org\n"
        "    host mx.example.org [203.0.113.25]\n"
        "    SMTP error from remote mail server after MAIL FROM:<news@shop.example.com> SIZE=18233:\n"
        "    550 Policy violation for news@shop.example.com\n"
    )
    finding = best(engine, email("Mail delivery failed: returning message to sender", body))
    assert finding.matched_text == "550"
    assert finding.smtp_phase == "MAIL"
    assert finding.reason == "rejected"


def test_connection_timeout_is_net_not_blocked(engine: Engine) -> None:
    text = (
        "Jun  4 09:20:01 relay1 postfix/smtp[3310]: 9AB12C0FF: to=<ops@example.org>, relay=none, "
        "delay=30, delays=0.01/0/30/0, dsn=4.4.1, status=deferred "
        "(connect to mx.example.org[192.0.2.44]:25: Connection timed out)"
    )
    finding = best(engine, text)
    assert finding.smtp_phase == "NET"
    assert finding.reason != "blocked"
    assert finding.bounce == "soft"


def test_unreachable_host_with_only_a_status_code_is_net_not_blocked(engine: Engine) -> None:
    text = (
        "Reporting-MTA: dns; relay1.shop.example.com\n"
        "Arrival-Date: Tue,  4 Jun 2024 09:14:02 +0000 (UTC)\n"
        "\n"
        "Final-Recipient: rfc822; ops@example.org\n"
        "Original-Recipient: rfc822;ops@example.org\n"
        "Action: delayed\n"
        "Status: 4.4.1\n"
        "Diagnostic-Code: X-Postfix; connect to mx.example.org[192.0.2.44]:25: No route to host\n"
    )
    finding = best(engine, text)
    assert finding.smtp_phase == "NET"
    assert finding.reason not in ("blocked", "rejected")


# --- 2. X-Unix diagnostics ---------------------------------------------------------------------

SENDMAIL_XUNIX_DSN = """\
Reporting-MTA: dns; mail.example.com
Received-From-MTA: DNS; relay1.shop.example.com
Arrival-Date: Wed, 5 Jun 2024 07:41:09 +0200

Final-Recipient: RFC822; support@mail.example.com
X-Actual-Recipient: RFC822; |/usr/local/bin/ticket-intake@mail.example.com
Action: failed
Status: 5.3.0
Diagnostic-Code: X-Unix; 255
Last-Attempt-Date: Wed, 5 Jun 2024 07:41:10 +0200
"""


def test_x_unix_exit_status_is_not_a_reply_code(engine: Engine) -> None:
    result = engine.explain(SENDMAIL_XUNIX_DSN)
    assert result.input_kind == "dsn"
    finding = result.findings[0]
    assert finding.reply_code is None  # 255 is the program's exit status
    assert finding.enhanced_code == "5.3.0"
    assert finding.reason == "mailererror"
    assert finding.recipient == "support@mail.example.com"


def test_x_unix_record_still_queued_for_a_failed_connection_is_expired(engine: Engine) -> None:
    """A delayed X-Unix record whose words are a refused connection: the message waits in the
    queue (expired), which no local program's failure explains; failed, the same words stay
    with the program (mailererror)."""
    delayed = (
        SENDMAIL_XUNIX_DSN.replace("Action: failed", "Action: delayed")
        .replace("Status: 5.3.0", "Status: 4.4.1")
        .replace("X-Unix; 255", "X-Unix; connect to 198.51.100.61 port 25: Connection refused")
    )
    finding = best(engine, delayed)
    assert (finding.reason, finding.bounce) == ("expired", "soft")
    assert best(engine, SENDMAIL_XUNIX_DSN).reason == "mailererror"


def test_smtp_diagnostic_255_would_be_read_as_a_code(engine: Engine) -> None:
    """The counterpart: the same number in an smtp-typed diagnostic is taken as a reply."""
    finding = best(engine, SENDMAIL_XUNIX_DSN.replace("X-Unix; 255", "smtp; 255"))
    assert finding.reply_code == "255"


# --- 3. failure codes first --------------------------------------------------------------------


def test_transcript_failure_code_wins_over_earlier_250_lines(engine: Engine) -> None:
    text = (
        "Transcript of the session with mx.example.org[203.0.113.25]:\n"
        "<<< 220 mx.example.org ESMTP ready\n"
        ">>> EHLO relay1.shop.example.com\n"
        "<<< 250 mx.example.org\n"
        ">>> MAIL FROM:<news@shop.example.com>\n"
        "<<< 250 2.1.0 Ok\n"
        ">>> RCPT TO:<ada@example.org>\n"
        "<<< 250 2.1.5 Ok\n"
        ">>> DATA\n"
        "<<< 451 4.3.0 Error: queue file write error\n"
    )
    finding = best(engine, text)
    assert finding.reply_code == "451"
    assert finding.enhanced_code == "4.3.0"
    assert finding.smtp_phase == "DATA"
    assert finding.bounce == "soft"


# --- 4. the reply code from the notice body ----------------------------------------------------

SENDMAIL_DELAY_BOUNCE = """\
Return-Path: <>
Received: from localhost (localhost)
	by relay1.shop.example.com (8.17.1/8.17.1) id 454DE2a9011223;
	Tue, 4 Jun 2024 13:14:02 +0000
Date: Tue, 4 Jun 2024 13:14:02 +0000
From: Mail Delivery Subsystem <MAILER-DAEMON@relay1.shop.example.com>
To: <news@shop.example.com>
Message-Id: <202406041314.454DE2a9011223@relay1.shop.example.com>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="454DE2a9011223.1717506842/relay1.shop.example.com"
Subject: Warning: could not send message for past 4 hours
Auto-Submitted: auto-generated (warning-timeout)

This is a MIME-encapsulated message

--454DE2a9011223.1717506842/relay1.shop.example.com

    **********************************************
    **      THIS IS A WARNING MESSAGE ONLY      **
    **  YOU DO NOT NEED TO RESEND YOUR MESSAGE  **
    **********************************************

The original message was received at Tue, 4 Jun 2024 09:12:40 +0000
from localhost [127.0.0.1]

   ----- Transcript of session follows -----
... while talking to mx.example.org.:
<<< 421 mx.example.org: Service not available, closing transmission channel
Warning: message still undelivered after 4 hours
Will keep trying until message is 5 days old

--454DE2a9011223.1717506842/relay1.shop.example.com
Content-Type: message/delivery-status

Reporting-MTA: dns; relay1.shop.example.com
Arrival-Date: Tue, 4 Jun 2024 09:12:40 +0000

Final-Recipient: RFC822; nadia@example.org
Action: delayed
Status: 4.4.7
Last-Attempt-Date: Tue, 4 Jun 2024 13:14:02 +0000
Will-Retry-Until: Sun, 9 Jun 2024 09:12:40 +0000

--454DE2a9011223.1717506842/relay1.shop.example.com
Content-Type: text/rfc822-headers

Return-Path: <news@shop.example.com>
Message-Id: <202406040912.454Cc001@shop.example.com>
Subject: Your June newsletter
From: news@shop.example.com
To: nadia@example.org

--454DE2a9011223.1717506842/relay1.shop.example.com--
"""


def test_reply_code_comes_from_the_transcript_when_the_dsn_has_none(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "delayed.eml"
    path.write_bytes(SENDMAIL_DELAY_BOUNCE.replace("\n", "\r\n").encode())
    result = engine.explain_file(path)
    assert result.input_kind == "email"
    finding = result.findings[0]
    assert finding.recipient == "nadia@example.org"
    assert finding.enhanced_code == "4.4.7"
    assert finding.reply_code == "421"
    assert finding.bounce == "soft"


def test_transcript_reply_of_another_class_does_not_fill_in(engine: Engine) -> None:
    """Only a code of the record's class counts: a `<<< 250` does not become a delayed record's reply."""
    text = SENDMAIL_DELAY_BOUNCE.replace(
        "<<< 421 mx.example.org: Service not available, closing transmission channel",
        "<<< 250 2.1.5 Ok",
    )
    finding = best(engine, text)
    assert finding.enhanced_code == "4.4.7"
    assert finding.reply_code is None


# --- 5. odd layouts of the reply code ----------------------------------------------------------


def test_error_code_colon_layout_is_read(engine: Engine) -> None:
    text = (
        "Final-Recipient: rfc822; hana@example.jp\n"
        "Action: failed\n"
        "Status: 5.0.0\n"
        "Diagnostic-Code: smtp; ERROR_CODE :550, ERROR_MESSAGE :Mailbox unavailable\n"
    )
    finding = best(engine, text)
    assert finding.reply_code == "550"
    assert finding.recipient == "hana@example.jp"


def test_quoted_enhanced_code_after_the_reply_beats_the_summary_status(engine: Engine) -> None:
    text = (
        "Reporting-MTA: dns; mta03.bulk.example.com\n"
        "\n"
        "Final-Recipient: rfc822; carla@example.com.br\n"
        "Action: failed\n"
        "Status: 5.1.0\n"
        "Diagnostic-Code: smtp; 5.1.0 - Unknown address error 550-'5.2.2 "
        "<carla@example.com.br>... Mailbox Full'\n"
    )
    finding = best(engine, text)
    assert finding.reply_code == "550"
    assert finding.enhanced_code == "5.2.2"
    assert finding.reason == "mailboxfull"


# --- 6. knowledge flags ------------------------------------------------------------------------

FRAMING = "Delivery to the following recipient failed permanently:"


def test_framing_entry_explains_a_text_without_codes(engine: Engine) -> None:
    finding = best(engine, FRAMING + "\n\n     li.na@example.org\n")
    assert finding.reason == "undefined"
    assert engine.by_id[finding.entry_id].when_no_code


def test_framing_entry_gives_way_to_any_code(engine: Engine) -> None:
    result = engine.explain(FRAMING + " li.na@example.org 550 5.7.1 Message rejected by policy")
    assert result.findings
    assert not any(engine.by_id[f.entry_id].when_no_code for f in result.findings)
    assert result.findings[0].enhanced_code == "5.7.1"


def test_framing_entry_ranks_below_a_cause_without_codes(engine: Engine) -> None:
    result = engine.explain(FRAMING + " li.na@example.org - the recipient's mailbox is full")
    assert result.findings[0].reason == "mailboxfull"
    assert not any(engine.by_id[f.entry_id].when_no_code for f in result.findings)


def test_framing_paragraph_is_dropped_beside_a_paragraph_naming_the_cause(engine: Engine) -> None:
    text = (
        FRAMING + "\n\n     li.na@example.org\n\n"
        "The response from the remote server was:\n"
        "552 5.2.2 li.na@example.org: mailbox is full\n"
    )
    result = engine.explain(text)
    assert [f.reason for f in result.findings] == ["mailboxfull"], summary(result)
    assert result.findings[0].reply_code == "552"


DOCOMO_DATA = (
    "Jun  5 18:02:11 relay1 postfix/smtp[4410]: 5D21C3A0B: to=<ken.s@docomo.ne.jp>, "
    "relay=mfsmax.docomo.ne.jp[203.138.181.112]:25, delay=2.1, dsn=5.0.0, status=bounced "
    "(host mfsmax.docomo.ne.jp[203.138.181.112] said: 550 Unknown user ken.s@docomo.ne.jp "
    "(in reply to end of DATA command))"
)


def test_requires_provider_entry_matches_from_that_provider(engine: Engine) -> None:
    entry = engine.by_id["docomo.refused-after-data"]
    assert entry.requires_provider and entry.provider == "NTT Docomo"
    finding = best(engine, DOCOMO_DATA)
    assert finding.entry_id == "docomo.refused-after-data"
    assert finding.provider == "NTT Docomo"
    assert finding.smtp_phase == "DATA"


def test_the_same_provider_words_at_rcpt_take_the_entrys_rcpt_reason(engine: Engine) -> None:
    data = best(engine, DOCOMO_DATA)
    rcpt = best(engine, DOCOMO_DATA.replace("end of DATA", "RCPT TO"))
    assert (data.entry_id, data.reason) == ("docomo.refused-after-data", "rejected")
    assert (rcpt.entry_id, rcpt.smtp_phase) == ("docomo.refused-after-data", "RCPT")
    assert rcpt.reason == "userunknown"


def test_requires_provider_entry_is_skipped_for_other_servers(engine: Engine) -> None:
    text = DOCOMO_DATA.replace("docomo.ne.jp", "example.jp").replace("203.138.181.112", "192.0.2.80")
    finding = best(engine, text)
    assert finding.entry_id != "docomo.refused-after-data"
    assert finding.reason == "filtered"


ORG_ENTRY = """\
[[provider]]
name = "Acme Mobile"
hosts = ["acmemobile.example"]

[[entry]]
id = "acme.reception-settings"
title = "Acme Mobile: the subscriber's reception settings refused the sender"
reason = "rejected"
provider = "Acme Mobile"
codes = ["550"]
phrases = ["refused by reception settings"]
{flags}
permanence = "permanent"
retry = "No. Ask the recipient to allow your address."
who = "recipient"
meaning = "The subscriber only accepts mail from senders on their allowed list."
sender_fix = ["Ask the recipient to allow your address or domain."]
references = ["RFC 5321"]
examples = ["host mx1.acmemobile.example[192.0.2.9] said: 550 refused by reception settings"]
"""


def org_engine(tmp_path: Path, flags: str) -> Engine:
    (tmp_path / "acme.toml").write_text(ORG_ENTRY.format(flags=flags))
    engine = Engine.load(extra_dir=str(tmp_path), use_cache=False)
    assert engine.kb.problems == []
    return engine


def test_requires_provider_in_an_organisation_entry(tmp_path: Path) -> None:
    engine = org_engine(tmp_path, "requires_provider = true")
    from_acme = "host mx1.acmemobile.example[192.0.2.9] said: 550 refused by reception settings"
    from_other = "host mx.example.net[198.51.100.7] said: 550 refused by reception settings"
    assert best(engine, from_acme).entry_id == "acme.reception-settings"
    other = best(engine, from_other)
    assert other.entry_id != "acme.reception-settings"
    assert other.reply_code == "550"  # the code still explains it


def test_without_requires_provider_the_same_entry_matches_anywhere(tmp_path: Path) -> None:
    engine = org_engine(tmp_path, "")
    from_other = "host mx.example.net[198.51.100.7] said: 550 refused by reception settings"
    assert best(engine, from_other).entry_id == "acme.reception-settings"


def test_when_no_code_in_an_organisation_entry(tmp_path: Path) -> None:
    engine = org_engine(tmp_path, "when_no_code = true")
    assert best(engine, "Acme: refused by reception settings").entry_id == "acme.reception-settings"
    coded = best(engine, "host mx.example.net[198.51.100.7] said: 550 refused by reception settings")
    assert coded.entry_id != "acme.reception-settings"


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        ('when_no_code = "yes"', "when_no_code must be true or false"),
        ("when_no_code = 1", "when_no_code must be true or false"),
        ('requires_provider = "true"', "requires_provider must be true or false"),
        ("requires_provider = 0", "requires_provider must be true or false"),
    ],
)
def test_loader_rejects_non_boolean_flags(tmp_path: Path, flags: str, message: str) -> None:
    (tmp_path / "acme.toml").write_text(ORG_ENTRY.format(flags=flags))
    kb = load_knowledge([(tmp_path, True)])
    assert any(message in p.message for p in kb.problems), kb.problems
    assert "acme.reception-settings" not in kb.by_id()


def test_loader_rejects_requires_provider_without_provider(tmp_path: Path) -> None:
    text = ORG_ENTRY.format(flags="requires_provider = true").replace('provider = "Acme Mobile"\n', "")
    (tmp_path / "acme.toml").write_text(text)
    kb = load_knowledge([(tmp_path, True)])
    assert any("requires_provider needs a provider" in p.message for p in kb.problems), kb.problems
    assert "acme.reception-settings" not in kb.by_id()


def test_loader_accepts_boolean_flags(tmp_path: Path) -> None:
    (tmp_path / "acme.toml").write_text(
        ORG_ENTRY.format(flags="requires_provider = true\nwhen_no_code = false")
    )
    kb = load_knowledge([(builtin_knowledge_dir(), False), (tmp_path, True)])
    assert kb.problems == []
    entry = kb.by_id()["acme.reception-settings"]
    assert entry.requires_provider is True and entry.when_no_code is False


# --- 7. a multipart whose boundary never appears ----------------------------------------------

EXIM_MULTIPART_NO_BOUNDARY = """\
Return-Path: <>
From: Mail Delivery System <mailer-daemon@mx2.example.net>
To: billing@shop.example.com
Subject: Mail delivery failed: returning message to sender
Date: Thu, 06 Jun 2024 08:01:17 +0000
Message-Id: <E1sFAb2-000Kx1-3Q@mx2.example.net>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="=_mx2_1717660877_4411"

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  jonas@example.net
    host in1.example.net [198.51.100.30]
    SMTP error from remote mail server after RCPT TO:<jonas@example.net>:
    552 5.2.2 Mailbox quota exceeded for jonas@example.net
"""


def test_multipart_without_its_boundary_is_read_as_plain_text(engine: Engine) -> None:
    result = engine.explain(EXIM_MULTIPART_NO_BOUNDARY)
    assert result.input_kind == "email"
    finding = result.findings[0]
    assert (finding.reply_code, finding.enhanced_code, finding.reason) == ("552", "5.2.2", "mailboxfull")
    assert finding.recipient == "jonas@example.net"
    assert finding.smtp_phase == "RCPT"


# --- 8. success codes in bounces and success reports -------------------------------------------

SENDMAIL_MIXED = """\
From: Mail Delivery Subsystem <MAILER-DAEMON@relay1.shop.example.com>
To: <news@shop.example.com>
Subject: Returned mail: see transcript for details
Date: Tue, 4 Jun 2024 13:14:02 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

The original message was received at Tue, 4 Jun 2024 13:13:58 +0000
from localhost [127.0.0.1]

   ----- The following addresses had permanent fatal errors -----
<ana@example.org>
    (reason: 554 5.7.1 Message rejected as spam)

   ----- Transcript of session follows -----
... while talking to mx.example.org.:
>>> MAIL From:<news@shop.example.com> SIZE=5120
<<< 250 2.1.0 Sender OK

>>> DATA
<<< 554 5.7.1 Message rejected as spam
"""


def test_success_step_in_a_failed_bounce_is_not_a_finding(engine: Engine) -> None:
    result = engine.explain(SENDMAIL_MIXED)
    assert result.input_kind == "email"
    assert result.findings
    for finding in result.findings:
        assert finding.reply_code != "250" and finding.enhanced_code != "2.1.0", summary(result)
        assert finding.bounce == "hard"
    assert result.findings[0].reason == "spamdetected"


POSTFIX_SUCCESS_DSN = """\
Reporting-MTA: dns; relay1.shop.example.com
X-Postfix-Queue-ID: 4F1A23C0D
Arrival-Date: Tue,  4 Jun 2024 09:14:02 +0000 (UTC)

Final-Recipient: rfc822; ana@example.org
Original-Recipient: rfc822;ana@example.org
Action: {action}
Status: 2.0.0
Remote-MTA: dns; mx.example.org
Diagnostic-Code: smtp; 250 2.0.0 Ok: queued as 9BC2D1F00
"""


@pytest.mark.parametrize("action", ["delivered", "relayed", "Delivered"])
def test_success_report_is_not_turned_into_a_failure(engine: Engine, action: str) -> None:
    result = engine.explain(POSTFIX_SUCCESS_DSN.format(action=action))
    assert result.input_kind == "dsn"
    (finding,) = result.findings
    assert finding.bounce == "none"
    assert (finding.reply_code, finding.enhanced_code) == ("250", "2.0.0")
    assert finding.reason == "delivered"
    assert finding.recipient == "ana@example.org"


def test_success_report_is_silent_in_an_alert_channel(engine: Engine) -> None:
    result = engine.explain(POSTFIX_SUCCESS_DSN.format(action="delivered"), mode="passive")
    assert result.findings == ()


def test_deliverable_is_read_as_delivered(engine: Engine) -> None:
    """`deliverable` is not RFC 3464's word, but some MTAs write it in delivery reports."""
    (finding,) = engine.explain(POSTFIX_SUCCESS_DSN.format(action="deliverable")).findings
    assert (finding.bounce, finding.reason) == ("none", "delivered")


def test_success_status_with_an_unknown_action_is_dropped(engine: Engine) -> None:
    """An Action outside RFC 3464 counts as none, so a lone 2.0.0 is a step that worked, not news."""
    result = engine.explain(POSTFIX_SUCCESS_DSN.format(action="accepted"))
    assert result.findings == ()


@pytest.mark.parametrize(
    ("text", "phase"),
    [
        ("said: 421 4.7.0 Try again later (in reply to MAIL FROM command)", "MAIL"),
        ("This notification was generated on mail.example.net: 4.4.1 Cannot connect", None),
        ("host at helo.example.org said: 550 5.1.1 unknown", None),
        ("SMTP error from remote mail server after end of data: 554 rejected", "DATA"),
    ],
)
def test_phase_words_are_not_host_names(text: str, phase: str | None) -> None:
    from bot.engine.phase import smtp_phase

    assert smtp_phase(text) == phase
