"""qmail-send's log: failures and deferrals with the recipient their delivery started with."""

from __future__ import annotations

import time

from bot.engine import Engine
from bot.engine.formats import qmaillog, read

STARTED = "@4000000065a1b2c30a0b0c0d starting delivery 7: msg 90211 to remote ana@example.net\n"
FAILED = (
    "@4000000065a1b2c40a0b0c0e delivery 7: failure: 192.0.2.9_does_not_like_recipient./"
    "Remote_host_said:_550_5.1.1_No_such_user/Giving_up_on_192.0.2.9./"
)


def test_a_failure_is_read_with_the_recipient_its_delivery_started_with() -> None:
    text = STARTED + FAILED
    assert qmaillog.detect(text)
    (incident,) = qmaillog.parse(text, True)
    assert (incident.recipient, incident.action, incident.reply_code, incident.enhanced_code) == (
        "ana@example.net",
        "failed",
        "550",
        "5.1.1",
    )
    # the report's underscores are spaces again and its slashes line breaks
    assert "Remote host said: 550 5.1.1 No such user" in incident.text


def test_a_deferral_is_a_delayed_delivery_and_success_is_none() -> None:
    text = (
        "delivery 8: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/\n"
        "delivery 9: success: 192.0.2.9_accepted_message./Remote_host_said:_250_ok/"
    )
    (incident,) = qmaillog.parse(text, True)
    assert incident.action == "delayed" and incident.recipient is None


def test_a_local_delivery_names_no_recipient_of_its_own() -> None:
    # qmail-local's recipient carries the virtual domain's prefix: no address the sender wrote
    text = (
        "starting delivery 3: msg 5 to local example.net-bo@example.net\n"
        "delivery 3: failure: Sorry,_no_mailbox_here_by_that_name._(#5.1.1)/"
    )
    (incident,) = qmaillog.parse(text, True)
    assert incident.recipient is None


def test_the_registry_reads_it_and_the_engine_answers_in_an_alert_channel(engine: Engine) -> None:
    assert read(STARTED + FAILED, True).kind == "log"
    best = engine.explain(STARTED + FAILED, "passive").best
    assert best is not None and (best.reason, best.bounce, best.recipient) == (
        "userunknown",
        "hard",
        "ana@example.net",
    )


def test_status_lines_and_chat_are_not_read() -> None:
    assert not qmaillog.detect("status: local 0/10 remote 2/20")
    assert not qmaillog.detect("the delivery 3 failure yesterday was odd")


def test_a_long_line_costs_one_pass() -> None:
    line = "delivery 1: failure: " + "x_" * 200_000
    start = time.perf_counter()
    qmaillog.parse(line, True)
    assert time.perf_counter() - start < 0.5


def test_a_report_quoted_without_its_delivery_number_is_read_the_qmail_way() -> None:
    # hosts' help pages quote the report alone: "failure: <report>", spaces written as `_`
    text = (
        "<ana@example.net>:\nfailure: 192.0.2.9_does_not_like_recipient./Remote_host_said:_550_No_such_user/"
    )
    assert qmaillog.detect(text)
    (incident,) = qmaillog.parse(text, True)
    assert (incident.action, incident.reply_code) == ("failed", "550")
    assert "Remote host said: 550 No such user" in incident.text


def test_a_plain_failure_line_in_prose_is_not_a_qmail_report() -> None:
    assert not qmaillog.detect("failure: the upload did not finish\nfailure: disk_full")
