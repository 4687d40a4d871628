"""Delivery-status fields pasted without their email."""

from __future__ import annotations

import pytest

from bot.engine.formats import dsn

CASES = [
    (
        "two records, fields in any order",
        "Action: failed\nFinal-Recipient: rfc822; ana@example.com\nStatus: 5.1.1\n\n"
        "Final-Recipient: rfc822; bo@example.net\nStatus: 4.2.2\nAction: delayed\n",
        [("ana@example.com", "failed", "5.1.1"), ("bo@example.net", "delayed", "4.2.2")],
    ),
    (
        "the server's status beats the summary",
        "Final-Recipient: rfc822; cy@example.com\nAction: failed\nStatus: 5.0.0\n"
        "Diagnostic-Code: smtp; 550 5.7.1 Message rejected as spam",
        [("cy@example.com", "failed", "5.7.1")],
    ),
    (
        "a recipient field without an address names nobody",
        "Final-Recipient: rfc822; @mx.example.com\nAction: failed\nStatus: 5.1.2\n",
        [(None, "failed", "5.1.2")],
    ),
    (
        "a local Final-Recipient leaves the name to Original-Recipient",
        "Original-Recipient: rfc822;jdoe@example.com\nFinal-Recipient: LOCAL;jdoe\nAction: failed\n"
        "Status: 5.2.2\n",
        [("jdoe@example.com", "failed", "5.2.2")],
    ),
    (
        "Final-Recipient names the mailbox that failed, not the alias the sender wrote",
        "Original-Recipient: rfc822;team@example.com\nFinal-Recipient: rfc822;ana@example.com\n"
        "Action: failed\nStatus: 5.1.1\n",
        [("ana@example.com", "failed", "5.1.1")],
    ),
]


@pytest.mark.parametrize(("name", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_records(name: str, text: str, expected: list) -> None:
    assert dsn.looks_like_dsn(text)
    assert [(i.recipient, i.action, i.enhanced_code) for i in dsn.parse(text, True)] == expected


def test_an_incident_update_is_no_dsn() -> None:
    assert not dsn.looks_like_dsn("Status: investigating\nAction: failed over to the standby database")


def test_the_reply_that_failed_beats_a_greeting_quoted_before_it() -> None:
    """Some servers put their banner's 220 in front of the refusal: the 421 is the reply."""
    record = (
        "Final-Recipient: rfc822; ana@example.com\nAction: failed\nStatus: 4.2.1\n"
        "Diagnostic-Code: smtp; 220-mx.example.com 421 4.2.1 Service refused, try later\n"
    )
    (incident,) = dsn.incidents(record)
    assert (incident.reply_code, incident.enhanced_code) == ("421", "4.2.1")


@pytest.mark.parametrize(
    ("status", "diagnostic", "expected"),
    [
        # the server gave only the class: the report's own Status says more
        ("5.1.1", "550 5.0.0 <ana@example.com>... User unknown", "5.1.1"),
        # the server's specific code still beats the report's summary
        ("5.0.0", "550 5.2.2 Mailbox full", "5.2.2"),
        ("5.1.1", "550 5.7.1 Access denied", "5.7.1"),
    ],
)
def test_a_class_only_code_in_the_diagnostic_gives_way_to_a_specific_status(
    status: str, diagnostic: str, expected: str
) -> None:
    record = (
        f"Final-Recipient: rfc822; ana@example.com\nAction: failed\nStatus: {status}\n"
        f"Diagnostic-Code: smtp; {diagnostic}\n"
    )
    (incident,) = dsn.incidents(record)
    assert incident.enhanced_code == expected
