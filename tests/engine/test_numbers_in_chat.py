"""A number in a sentence that counts something, belongs to a phone number or is a version is no
code asked about, even in explicit mode (`/smtp`, a mention); a code asked about still is, and a
code quoted the SMTP way is read whatever stands beside it. In an alert channel a line of chat
that asks about a code gets no answer; the failures posted there still do."""

from __future__ import annotations

import pytest

from bot.engine import Engine

NUMBERS = [
    "we moved the MX for example.com yesterday, 550 users moved over, all fine now?",
    "call the NOC on +1 555 0142 550 or 0800 555 421 if the relay is down",
    "INFO digest-job: sent to 452 subscribers, 550 skipped (unsubscribed)",
    "Deferred queue is 12 messages (threshold 500). Resolved at 16:07 UTC.",
    "bumped the mailer library to 4.4.1 on the web tier",
    "mailbox limit raised to 550 MB for the sales team",
    "we hit 550 signups today, a record for the newsletter",
    "deploy 4.2.1 is out on mx1 and mx2",
    "SMTP latency p95 is 452 ms on relay-02, up from 421 ms last week",
    "[FIRING:1] api-gateway returns 503 Service Unavailable on https://api.example.com/v2/send",
    "the 421 page on our site is broken, the link from /careers gives a 404",
    "HTTP 550? no such thing",
    # a sentence about HTTP: its numbers are web statuses, wherever they stand in it
    "the list of HTTP status codes ends with 511, right?",
    "the https health check of the load balancer got 550 twice",
]

ASKED = [
    ("what does 550 mean?", "550"),
    ("we get 421 errors from yahoo", "421"),
    ("got a 550 5.1.1 for bob, 2 users affected", "550"),
    ("Remote server returned 550 users mailbox unavailable", "550"),
    # a server's text begins with a capital: no count, whatever its first word
    ("Reason: 552 MS-Office file containing VBA macros found", "552"),
    ("host mx.example.net [203.0.113.126]: 550 User suspended", "550"),
    ("2026-12-07 11:07:31 550 User unknown", "550"),
    # HTTP named, then the sentence turns to mail; a URL's https:// is no topic
    ("the HTTP side is fine but SMTP says 550 for every recipient", "550"),
    ("docs at https://example.com/errors say 550 means what?", "550"),
]


def test_a_status_after_a_reply_code_of_no_class_is_still_read(engine: Engine) -> None:
    text = "host mx.example.net[192.0.2.51] said: 571 5.7.1 message classified as spam"
    best = engine.explain(text, "explicit").best
    assert best is not None and (best.enhanced_code, best.bounce) == ("5.7.1", "hard")


@pytest.mark.parametrize("text", NUMBERS)
def test_a_count_a_phone_number_or_a_version_is_no_code(engine: Engine, text: str) -> None:
    found = engine.explain(text, "explicit").findings
    assert not any(f.bounce in ("hard", "soft") for f in found), [(f.entry_id, f.reply_code) for f in found]


@pytest.mark.parametrize(("text", "reply"), ASKED)
def test_a_code_asked_about_or_quoted_is_still_read(engine: Engine, text: str, reply: str) -> None:
    best = engine.explain(text, "explicit").best
    assert best is not None and best.reply_code == reply


@pytest.mark.parametrize(
    "text",
    [
        "anyone know what 550 5.1.1 means? marketing keeps asking",
        "what does 421 4.7.28 from gmail mean, is it a block or just slow down?",
        "is 550 5.7.26 about SPF or DKIM?",
        # the same asking in the languages a team chats in
        "qué significa el 550 5.7.26 de gmail? ¿es SPF o DKIM?",
        "was bedeutet 452 4.2.2 bei GMX?",
        "quelqu'un sait ce que veut dire 421 4.7.0 chez orange ?",
    ],
)
def test_an_alert_channel_stays_out_of_a_question_about_a_code(engine: Engine, text: str) -> None:
    assert engine.explain(text, "passive").findings == ()
    assert engine.explain(text, "explicit").best is not None  # asked of the bot, it is answered


@pytest.mark.parametrize(
    "text",
    [
        "550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown",
        "452 4.2.2 The recipient's inbox is out of storage space. See https://support.google.com/mail/?p=OverQuotaTemp",
        "why does this keep happening?\n550 5.1.1 <bob@example.org>: User unknown",
        # one line, a question around a reply quoted whole: the server's words are shown
        "why do we keep getting 550-5.7.26 Unauthenticated email from example.org is not accepted"
        " due to domain's DMARC policy?",
        "Is this normal? 550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in"
        " virtual mailbox table",
    ],
)
def test_an_alert_channel_answers_a_failure_posted_with_or_without_a_question(
    engine: Engine, text: str
) -> None:
    assert any(f.bounce in ("hard", "soft") for f in engine.explain(text, "passive").findings)


def test_a_service_unavailable_after_a_smtp_code_is_still_smtp(engine: Engine) -> None:
    # only HTTP's own pairing ("503 Service Unavailable") reads as a web status
    best = engine.explain("we get 554 Service unavailable; Client host blocked", "explicit").best
    assert best is not None and best.reply_code == "554"
