"""A bounce pasted with every line break turned into a space (as some chat clients and web forms
do) is one long line of free text: header fields, the report and the returned message run
together. The engine then names the labelled recipient or nobody, never the bounce's own To:,
a Message-ID or the reporting system's MAILER-DAEMON@."""

from __future__ import annotations

import pytest
from forward_variants import load

from bot.engine import Engine
from bot.engine.address import follows_header_field, in_failure_context
from bot.engine.incident import find_recipient

# Postfix, Exim, Gmail, AOL, Exchange, MDaemon, SES, delay warnings: each named a wrong address
# when flattened before header fields and reporting systems were kept out.
SAMPLES = (
    "postfix-02",
    "exim-05",
    "exim-06",
    "exim-10",
    "gmail-01",
    "gmail-03",
    "aol-01",
    "delay-08",
    "delay-10",
    "exchange-online-02",
    "exchange2003-02",
    "mdaemon-06",
    "amazonses-04",
)


def flattened(raw: str) -> str:
    return " ".join(raw.splitlines())


@pytest.mark.parametrize("sample_id", SAMPLES)
def test_a_flattened_bounce_names_the_labelled_recipient_or_nobody(engine: Engine, sample_id: str) -> None:
    sample = load(sample_id)
    labelled = {row["recipient"].lower() for row in sample.expected if row.get("recipient")}
    named = {f.recipient.lower() for f in engine.explain(flattened(sample.raw)).findings if f.recipient}
    assert named <= labelled


def at(text: str, address: str) -> int:
    return text.index(address)


@pytest.mark.parametrize(
    "text",
    [
        "To: amy@example.org",
        "From: Mail Delivery Subsystem <amy@example.org>",
        'Reply-To: "Chen, Amy" <amy@example.org>',
        "Cc: a@example.net, Bob Brown <amy@example.org>",
        "Message-ID: <amy@example.org>",
        "x X-Original-To: amy@example.org",
        "Subject: hello Return-Path: <amy@example.org> Date: today",
        "MAIL FROM:<amy@example.org>",
    ],
)
def test_an_address_after_a_header_field_name_is_its_value(text: str) -> None:
    assert follows_header_field(text, at(text, "amy@example.org"))


@pytest.mark.parametrize(
    "text",
    [
        "RCPT TO:<amy@example.org>",
        "Original-Rcpt-To: <amy@example.org>",
        "To: a@example.net Delivery to amy@example.org failed",
        "To: a@example.net Subject: x  <amy@example.org>: host mx.example.org said: 550 5.1.1",
    ],
)
def test_an_address_after_other_words_is_no_header_value(text: str) -> None:
    assert not follows_header_field(text, at(text, "amy@example.org"))


def test_failure_words_name_the_address_they_introduce() -> None:
    for text in (
        "could not be delivered to amy@example.org",
        "The following recipients failed: amy@example.org",
        "<amy@example.org>: host mx said: 550 5.1.1",
        "amy@example.org... User unknown",
        "Failed addresses follow: <amy@example.org> ... unknown user",
    ):
        assert in_failure_context(text, at(text, "amy@example.org"), "amy@example.org"), text
    for text in (
        "Sender Address: amy@example.org",
        "call me, urgent : amy@example.org",
        "Questions to my colleague: amy@example.org",
        "they are not accepting mail from amy@example.org: bob@example.net",
    ):
        assert not in_failure_context(text, at(text, "amy@example.org"), "amy@example.org"), text


def test_a_flattened_message_names_the_address_of_the_failure() -> None:
    text = (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.org> To: olga@example.org "
        "Subject: Undelivered Mail Message-Id: <1.2@mx.example.org> This is the mail system. "
        "<amy@example.net>: host mx.example.net said: 550 5.1.1 User unknown"
    )
    assert find_recipient(text) == "amy@example.net"


def test_a_flattened_message_without_a_failure_context_names_nobody() -> None:
    text = (
        "From: MAILER-DAEMON@mx.example.org To: olga@example.org Subject: failure "
        "Message-Id: <1.2@mx.example.org> Your message could not be sent. Questions: amy@example.net?"
    )
    assert find_recipient(text) is None


def test_inline_report_fields_name_the_recipient() -> None:
    assert find_recipient("To: olga@example.org X-Failed-Recipients: amy@example.net") == "amy@example.net"
    text = "To: olga@example.org Final-Recipient: rfc822; amy@example.net Action: failed"
    assert find_recipient(text) == "amy@example.net"


def test_a_short_paste_still_names_its_only_address() -> None:
    assert find_recipient("550 5.1.1 amy@example.net User unknown") == "amy@example.net"
    assert find_recipient("550 5.1.1 postmaster@example.net said no") is None
