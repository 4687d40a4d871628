"""A gateway's own wording that counts only where the gateway is named: a report of several
records keeps each record's own lines as its context, so the name comes from the report's
headers (its From, the daemon that signed it)."""

from __future__ import annotations

from sample_mail import findings, message, multipart_report

TEXT = "This is an automatically generated message. Your message could not be delivered."
RECORDS = """Reporting-MTA: dns; server-7.tower-301.relay.example

Action: failed
Final-Recipient: rfc822;ana@brightfield.example
Status: 5.0.0
Diagnostic-Code: smtp; 542 <ana@brightfield.example> Rejected

Action: failed
Final-Recipient: rfc822;ben@brightfield.example
Status: 5.0.0
Diagnostic-Code: smtp; 542 <ben@brightfield.example> Rejected
"""


def _report(sender: str) -> str:
    body, ctype = multipart_report(TEXT, RECORDS)
    return message(body, subject="Mail Delivery Failure", From=sender, Content_Type=ctype)


def test_the_report_sender_names_the_gateway_for_every_record(engine) -> None:
    got = findings(engine, _report("MAILER-DAEMON@messagelabs.com"))
    assert [(f.recipient, f.reason, f.provider) for f in got] == [
        ("ana@brightfield.example", "userunknown", "MessageLabs"),
        ("ben@brightfield.example", "userunknown", "MessageLabs"),
    ]


def test_without_the_gateway_named_its_wording_does_not_count(engine) -> None:
    got = findings(engine, _report("MAILER-DAEMON@relay.example"))
    assert {f.entry_id for f in got}.isdisjoint({"messagelabs.invalid-recipient"})
