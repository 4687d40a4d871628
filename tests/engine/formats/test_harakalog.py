"""Haraka's log: a plugin's DENY or DENYSOFT, and the last rejection of a session."""

from __future__ import annotations

import time

from bot.engine import Engine
from bot.engine.formats import harakalog

RCPT_DENY = (
    "[INFO] [5D32-13D9.1] [core] hook=rcpt plugin=rcpt_to.in_host_list function=hook_rcpt "
    'params=<ana@example.net> retval=DENY msg="I cannot deliver mail for <ana@example.net>"'
)


def test_a_rcpt_hook_refusal_names_its_recipient() -> None:
    assert harakalog.detect(RCPT_DENY)
    (incident,) = harakalog.parse(RCPT_DENY, True)
    assert (incident.recipient, incident.action, incident.text) == (
        "ana@example.net",
        "failed",
        "I cannot deliver mail for <ana@example.net>",
    )


def test_older_quoted_params_and_denysoft() -> None:
    line = RCPT_DENY.replace("params=<ana@example.net>", 'params="<ana@example.net>"').replace(
        "retval=DENY", "retval=DENYSOFT"
    )
    (incident,) = harakalog.parse(line, True)
    assert (incident.recipient, incident.action) == ("ana@example.net", "delayed")


def test_a_connect_hook_names_no_recipient_and_cont_is_nothing() -> None:
    line = (
        "[core] hook=connect plugin=dnsbl function=connect_first params= retval=DENY "
        'msg="host [192.0.2.7] is blacklisted by zen.spamhaus.org"'
    )
    (incident,) = harakalog.parse(line, True)
    assert incident.recipient is None and incident.action == "failed"
    cont = RCPT_DENY.replace("retval=DENY", "retval=CONT").replace('msg="I cannot', 'msg="')
    assert not harakalog.detect(cont)


def test_the_last_rejection_of_a_session() -> None:
    line = (
        "[NOTICE] [5C1B] [core] disconnect ip=192.0.2.7 rdns=mail.example.com helo=mail.example.com "
        "relay=N early=N esmtp=Y tls=Y pipe=N errors=1 txns=1 rcpts=0/0/1 msgs=0/0/0 bytes=0 "
        'lr="550 5.1.1 <ana@example.net>: no such user" time=0.31'
    )
    (incident,) = harakalog.parse(line, True)
    assert (incident.reply_code, incident.action) == ("550", "failed")
    assert not harakalog.detect(line.replace('lr="550 5.1.1 <ana@example.net>: no such user"', 'lr=""'))


def test_the_engine_reads_the_refusal_as_relaying_denied(engine: Engine) -> None:
    best = engine.explain(RCPT_DENY, "passive").best
    assert best is not None and (best.reason, best.recipient) == ("norelaying", "ana@example.net")


def test_a_long_line_costs_one_pass() -> None:
    line = "hook=rcpt plugin=x function=y params= retval=DENY " + "a " * 200_000
    start = time.perf_counter()
    harakalog.parse(line, True)
    assert time.perf_counter() - start < 0.5
