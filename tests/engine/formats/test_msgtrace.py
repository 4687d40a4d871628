"""Exchange message tracking and Microsoft 365 message trace: Fail and Defer events."""

from __future__ import annotations

from bot.engine import Engine
from bot.engine.formats import msgtrace

TRACKING = (
    "EventId        : FAIL\n"
    "Source         : SMTP\n"
    "Recipients     : {ana@example.net}\n"
    "RecipientStatus: {[{LRT=3/5/2026 10:15:00 AM};{LED=550 5.1.1 User unknown};"
    "{FQDN=mx.example.net};{IP=192.0.2.9}]}"
)
TRACE = (
    "Date: 3/5/2026 10:15:00 AM\n"
    "Event: Defer\n"
    "Detail: Reason: [{LED=451 4.4.0 Primary target IP address responded with: 421 4.4.2 "
    "Connection dropped};{MSG=};{FQDN=};{IP=};{LRT=}]"
)


def test_a_fail_event_is_a_failed_delivery_of_the_one_recipient_named() -> None:
    assert msgtrace.detect(TRACKING)
    (incident,) = msgtrace.parse(TRACKING, True)
    assert (incident.recipient, incident.action, incident.enhanced_code, incident.remote_mta) == (
        "ana@example.net",
        "failed",
        "5.1.1",
        "mx.example.net",
    )
    assert incident.text == "550 5.1.1 User unknown"


def test_a_defer_event_is_delayed_and_names_nobody_it_does_not_name() -> None:
    (incident,) = msgtrace.parse(TRACE, True)
    assert (incident.action, incident.recipient, incident.reply_code) == ("delayed", None, "451")


def test_several_recipients_in_one_list_name_none_of_them() -> None:
    listed = TRACKING.replace("{ana@example.net}", "{ana@example.net, bo@example.net}")
    (incident,) = msgtrace.parse(listed, True)
    assert incident.recipient is None


def test_a_delivered_event_or_an_empty_error_is_no_record() -> None:
    assert not msgtrace.detect("Event: Deliver\nDetail: The message was successfully delivered.")
    assert msgtrace.parse("Event: Fail\nDetail: Reason: [{LED=};{MSG=}]", True) == []


def test_the_engine_gives_the_fail_event_a_hard_answer(engine: Engine) -> None:
    best = engine.explain(TRACKING, "passive").best
    assert best is not None and (best.reason, best.bounce, best.recipient) == (
        "userunknown",
        "hard",
        "ana@example.net",
    )


def test_a_row_copied_from_the_trace_s_event_table_is_read_with_its_recipient_row() -> None:
    # the events' table (Date, Event, Action, Detail) copied with tabs, under the row of the
    # trace's results (Date, Sender, Recipient, Subject, Status): 550 4.4.7 gave up
    text = (
        "Dec 8, 2026 2:11 AM\tbilling@example.net\tcai@example.org\tInvoice\tFailed\n"
        "12/8/2026 2:11 AM\tFail\tReason: [{LED=550 4.4.7 QUEUE.Expired; message expired};{MSG=};"
        "{FQDN=mx.example.org};{IP=192.0.2.40};{LRT=}]"
    )
    assert msgtrace.detect(text)
    (incident,) = msgtrace.parse(text, True)
    assert (incident.action, incident.recipient, incident.reply_code) == ("failed", "cai@example.org", "550")
    best = Engine.load().explain(text, "explicit").best
    assert best is not None and (best.reason, best.bounce) == ("expired", "hard")


def test_fail_in_a_sentence_is_no_event_column() -> None:
    assert not msgtrace.detect("tests fail: LED=red on the build board")
