"""Free text, the last format: pasted replies and questions."""

from __future__ import annotations

from bot.engine.formats import freetext


def test_a_multiline_reply_is_one_record() -> None:
    text = (
        "550-5.7.26 This mail is unauthenticated.\n550-5.7.26 Please read our guidelines.\n550 5.7.26 gsmtp"
    )
    (incident,) = freetext.parse(text, True)
    assert (incident.reply_code, incident.enhanced_code) == ("550", "5.7.26")


def test_each_paragraph_is_a_record() -> None:
    text = "first server said 452 4.2.2 mailbox full\n\nsecond one: 550 5.1.1 user unknown"
    assert [i.enhanced_code for i in freetext.parse(text, True)] == ["4.2.2", "5.1.1"]


def test_kind_says_whether_smtp_codes_were_used() -> None:
    assert freetext.kind_of(freetext.parse("550 5.1.1 user unknown", True)) == "smtp"
    assert freetext.kind_of(freetext.parse("why do my mails bounce?", True)) == "text"


GMAIL_NOTICE = """Message blocked
Your message to ana@example.net has been blocked. See technical details below for more information.

The response was:
550 5.7.1 Message rejected by policy"""


def test_the_one_address_of_a_notice_is_the_recipient_of_its_other_paragraphs() -> None:
    incidents = freetext.parse(GMAIL_NOTICE, True)
    assert [i.recipient for i in incidents] == [None, "ana@example.net"]


def test_with_two_addresses_or_none_in_a_failure_context_nobody_is_named() -> None:
    two = GMAIL_NOTICE.replace("See technical", "Copy sent to bo@example.net. See technical")
    assert all(i.recipient is None for i in freetext.parse(two, True))
    sender = GMAIL_NOTICE.replace("Your message to ana@example.net has", "Mail from ana@example.net has")
    assert all(i.recipient is None for i in freetext.parse(sender, True))


def test_a_status_on_a_later_line_of_a_multiline_reply_is_the_replys() -> None:
    # Exim and others give the status on the last line only (RFC 5321 §4.2.1: one reply)
    for text, status in (
        ("550-Unrouteable address\n550 5.1.1 <a@example.org>", "5.1.1"),
        ("452-Message not accepted\n452-for this mailbox\n452 4.2.2 over quota", "4.2.2"),
        ("> 421-Service not available\n> 421 4.3.2 try again later", "4.3.2"),
    ):
        (incident,) = freetext.parse(text, True)
        assert (incident.reply_code, incident.enhanced_code) == (text.lstrip("> ")[:3], status)


def test_a_later_line_of_another_code_is_not_joined_to_the_reply() -> None:
    for text in ("550-No such user\n451 4.3.0 try later", "550-No such user\nsee 5.1.1 at example.org"):
        assert freetext.join_multiline_replies(text) == text
    joined = freetext.join_multiline_replies("550-No such user\n550 5.1.1 <a@example.org>\n451 4.3.0 later")
    assert joined == "550 5.1.1 No such user <a@example.org>\n451 4.3.0 later"
