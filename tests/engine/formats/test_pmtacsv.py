"""PowerMTA accounting records: the recipient from rcpt, never the sender in orig."""

from __future__ import annotations

from bot.engine import Engine
from bot.engine.formats import pmtacsv, read

HEADER = "type,timeLogged,timeQueued,orig,rcpt,orcpt,dsnAction,dsnStatus,dsnDiag,dsnMta,bounceCat,srcType"
BOUNCE = (
    "b,2026-03-05 10:15:00+0000,2026-03-05 10:14:58+0000,list@example.com,ana@example.net,,failed,"
    "5.0.0 (undefined status),smtp;550 5.1.1 <ana@example.net>... User unknown,"
    "mx.example.net (192.0.2.9),bad-mailbox,smtp"
)


def test_a_bounce_row_names_its_rcpt_and_the_remote_reply() -> None:
    (incident,) = pmtacsv.parse(BOUNCE, True)
    assert (incident.recipient, incident.action, incident.reply_code, incident.enhanced_code) == (
        "ana@example.net",
        "failed",
        "550",
        "5.1.1",
    )
    assert incident.remote_mta == "mx.example.net"
    assert incident.text.startswith("550 5.1.1")  # "smtp;" names the kind of diagnostic only


def test_a_header_row_names_the_fields_in_its_own_order() -> None:
    text = (
        "type,rcpt,dsnStatus,dsnDiag,orig\n"
        "t,bo@example.net,4.2.2 (mailbox full),smtp;452 4.2.2 Mailbox full,a@example.com"
    )
    assert pmtacsv.detect(text)
    (incident,) = pmtacsv.parse(text, True)
    assert (incident.recipient, incident.action, incident.enhanced_code) == (
        "bo@example.net",
        "delayed",
        "4.2.2",
    )


def test_a_status_whose_remark_lost_its_quotes_is_one_field() -> None:
    row = BOUNCE.replace("5.0.0 (undefined status)", "5.7.1 (delivery not authorized, message refused)")
    row = row.replace("550 5.1.1 <ana@example.net>... User unknown", "554 5.7.1 refused")
    (incident,) = pmtacsv.parse(row, True)
    assert (incident.recipient, incident.enhanced_code, incident.remote_mta) == (
        "ana@example.net",
        "5.7.1",
        "mx.example.net",
    )


def test_delivered_rows_and_rows_out_of_line_are_no_records() -> None:
    delivered = BOUNCE.replace("b,", "d,", 1).replace(",failed,", ",relayed,")
    assert not pmtacsv.detect(delivered)
    shifted = "b,2026-03-05 10:15:00+0000,ana@example.net,failed,5.1.1"  # no rcpt where rcpt goes
    assert pmtacsv.parse(shifted, True) == []


def test_the_engine_answers_the_row(engine: Engine) -> None:
    assert read(HEADER + "\n" + BOUNCE, True).kind == "log"
    best = engine.explain(HEADER + "\n" + BOUNCE, "passive").best
    assert best is not None and (best.reason, best.recipient) == ("userunknown", "ana@example.net")
