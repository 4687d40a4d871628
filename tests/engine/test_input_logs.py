"""MTA log lines: Postfix, Exim and Sendmail, one finding per failed recipient."""

from __future__ import annotations

from explain_checks import best, by_recipient, check, explain
from repo_paths import DATA

from bot.engine import Engine


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


def test_a_receiving_exims_reject_lines_are_failures_and_its_temporary_ones_deferrals(
    engine: Engine,
) -> None:
    # Exim logs the refusals it gave: no reply code in the line, "temporarily" marks a 4xx.
    head = "2026-12-07 10:14:02 H=mx.example.net [192.0.2.7] F=<ann@example.net>"
    check(
        best(engine, f"{head} rejected RCPT <bo@example.org>: Sender verify failed"),
        {"recipient": "bo@example.org", "reason": "rejected", "bounce": "hard"},
    )
    check(
        best(engine, f"{head} temporarily rejected RCPT <bo@example.org>: greylisted"),
        {"recipient": "bo@example.org", "reason": "expired", "bounce": "soft"},
    )
    check(
        best(engine, f"{head} rejected after DATA: This message scored 14.1 spam points."),
        {"reason": "spamdetected", "bounce": "hard"},
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


def test_sendmails_summary_of_any_failure_yields_to_the_lines_own_status(engine: Engine) -> None:
    # stat= is sysexits' word for how the mailer ended ("Service unavailable" for any 5xx the
    # remote gave); dsn= is the status itself
    line = (
        "Mar  5 10:15:00 mx sm-mta[311]: 425AF0: to=<wes@example.com>, delay=00:00:01, "
        "mailer=esmtp, pri=120, relay=mx.example.com. [192.0.2.51], dsn=5.2.2, stat=Service unavailable"
    )
    found = best(engine, line)
    assert (found.reason, found.bounce, found.recipient) == ("mailboxfull", "hard", "wes@example.com")
    # with no specific status, the summary still says only that delivery failed
    assert best(engine, "554 5.0.0 Service unavailable").reason == "onhold"
