"""MTA log lines, and the promise that no line costs more than a pass over it."""

from __future__ import annotations

import time

import pytest

from bot.engine.formats import mtalog

LINES = [
    (
        "postfix",
        "Mar  5 10:15:00 mx postfix/smtp[2212]: 4F1A2: to=<vic@example.com>, "
        "relay=mx.example.com[192.0.2.50]:25, "
        "delay=1.2, delays=0.1/0/0.5/0.6, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.50] said: "
        "550 5.1.1 <vic@example.com>: User unknown (in reply to RCPT TO command))",
        ("vic@example.com", "failed", "5.1.1", "mx.example.com"),
    ),
    (
        "sendmail",
        "Mar  5 10:15:00 mx sm-mta[311]: 425AF0: to=<wes@example.com>, delay=00:00:01, xdelay=00:00:01, "
        "mailer=esmtp, pri=120, relay=mx.example.com. [192.0.2.51], dsn=4.2.2, "
        "stat=Deferred: 452 4.2.2 Mailbox full",
        ("wes@example.com", "delayed", "4.2.2", "mx.example.com"),
    ),
    (
        "exim",
        "2024-03-05 10:15:00 1rhXyZ-0001Ab-7Q ** xena@example.com R=dnslookup "
        "T=remote_smtp: SMTP error from remote "
        "mail server after RCPT TO:<xena@example.com>: 550 5.1.1 No such user",
        ("xena@example.com", "failed", "5.1.1", None),
    ),
]


@pytest.mark.parametrize(("name", "line", "expected"), LINES, ids=[c[0] for c in LINES])
def test_log_line(name: str, line: str, expected: tuple) -> None:
    assert mtalog.detect(line)
    (incident,) = mtalog.parse(line, True)
    assert (incident.recipient, incident.action, incident.enhanced_code, incident.remote_mta) == expected


def test_a_delivered_line_is_no_failure() -> None:
    line = (
        "postfix/smtp[1]: 1A: to=<y@example.com>, relay=mx.example.com[192.0.2.1]:25, "
        "dsn=2.0.0, status=sent (250 ok)"
    )
    assert mtalog.parse(line, True) == []


def test_the_queue_managers_expiry_line_is_a_failure_that_names_no_recipient() -> None:
    # qmgr names the sender only: the sender must not be taken for the recipient
    line = (
        "Mar  5 10:15:00 mx postfix/qmgr[801]: 4C2B1A: from=<news@example.com>, "
        "status=expired, returned to sender"
    )
    assert mtalog.detect(line)
    (incident,) = mtalog.parse(line, True)
    assert (incident.action, incident.recipient, incident.text) == (
        "failed",
        "",
        "status=expired, returned to sender",
    )


HOSTILE = [
    "to=<a@b>, relay=x, " * 2200,  # many recipient and relay fields and no dsn=
    "to=<a@b>, relay=x, " * 2000 + "dsn=5.1.1, status=bounced (" + "(" * 3000,
    "to=a, relay=x, " * 2600 + "dsn=5.1.1, stat=",
    " ** a@b " * 4000,
]


@pytest.mark.parametrize("line", HOSTILE, ids=["postfix-no-dsn", "postfix-parens", "sendmail", "exim"])
def test_a_40000_character_line_is_read_in_linear_time(line: str) -> None:
    line = line[:40000]
    started = time.perf_counter()
    mtalog.parse(line, True)
    # a hang guard, not a speed target (those live in bench/): work that grows with the square
    # of a 40 KB text takes minutes, linear work milliseconds, so a loaded machine cannot fail it
    assert time.perf_counter() - started < 2.0


SENDMAIL_DEFERRED = (
    "Dec  7 13:20:31 relay sm-mta[5521]: 0B7DKVcW005521: to=<bea@example.org>, delay=4+00:00:01, "
    "mailer=esmtp, relay=mx.example.org., dsn=4.0.0, stat=Deferred: Connection refused by mx.example.org."
)
SENDMAIL_GIVE_UP = (
    "Dec  7 13:20:31 relay sm-mta[5521]: 0B7DKVcW005521: 0B7DKVcX005521: DSN: Cannot send message for 5 days"
)
POSTFIX_DEFERRED = (
    "Dec  7 10:14:02 mx1 postfix/smtp[2]: 0B5CFEDDEF: to=<ana@example.org>, relay=none, delay=432000, "
    "dsn=4.4.1, status=deferred (connect to mx.example.org[192.0.2.40]:25: Connection timed out)"
)
POSTFIX_GIVE_UP = (
    "Dec  7 10:14:02 mx1 postfix/qmgr[1190]: 0B5CFEDDEF: from=<news@example.net>, "
    "status=expired, returned to sender"
)


@pytest.mark.parametrize(
    ("deferred", "give_up"),
    [(SENDMAIL_DEFERRED, SENDMAIL_GIVE_UP), (POSTFIX_DEFERRED, POSTFIX_GIVE_UP)],
    ids=["sendmail", "postfix"],
)
def test_a_give_up_ends_the_deferrals_of_its_message(deferred: str, give_up: str) -> None:
    (incident,) = mtalog.parse(f"{deferred}\n{give_up}", True)
    assert incident.action == "failed" and incident.recipient in ("bea@example.org", "ana@example.org")
    assert incident.text.endswith(("Cannot send message for 5 days", "returned to sender"))
    # another message's give-up ends nothing: both stay, each as it was logged
    other = give_up.replace("0B7DKVcW", "0B7DKVcZ").replace("0B5CFEDDEF", "0B5CFEDDEA")
    assert [i.action for i in mtalog.parse(f"{deferred}\n{other}", True)] == ["delayed", "failed"]


def test_the_bounce_sendmail_sends_after_a_failure_adds_no_record() -> None:
    failed = SENDMAIL_DEFERRED.replace(
        "dsn=4.0.0, stat=Deferred: Connection refused by mx.example.org.", "dsn=5.1.1, stat=User unknown"
    )
    bounce = SENDMAIL_GIVE_UP.replace("Cannot send message for 5 days", "User unknown")
    (incident,) = mtalog.parse(f"{failed}\n{bounce}", True)
    assert (incident.action, incident.recipient) == ("failed", "bea@example.org")
