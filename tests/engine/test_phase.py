"""The RE2 pre-test of the phase wording never hides a phase that _STATED_RE would read, and
reading from where it points finds what reading the whole text finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.engine.phase import (
    _STATED_RE,
    PRE_TEST_MIN_CHARS,
    _at_word_start,
    _first_candidate,
    _stated,
    smtp_phase,
)

PIECES = st.sampled_from(
    ["in reply to", "after", "at", "on", "our", "nach", "en respuesta al", "dopo", "après", "the",
     "den", "la commande", "end of data", "data", "rcpt", "mail", "helo", "initial connection",
     "smtp greeting", "-befehl", ".x", ".", "-", " ", "  ", "\n", "\t", "\x0b", "\x1c", "\xa0", "x",
     "_", "a", "o", "é", "5"]
)  # fmt: skip


@settings(max_examples=2000, deadline=None)
@given(st.lists(PIECES, min_size=1, max_size=8).map("".join))
def test_the_pre_test_passes_every_text_that_states_a_phase(text: str) -> None:
    text = text.ljust(PRE_TEST_MIN_CHARS)  # long enough to be tested
    whole = _at_word_start(_STATED_RE, text)
    if whole is not None:
        start = _first_candidate(text)
        assert start is not None and start <= whole.start(), repr(text)
    found = _stated(text)
    read = (found.span(), found.group(1)) if found else None
    assert read == ((whole.span(), whole.group(1)) if whole else None), repr(text)


def test_a_stated_phase_is_read() -> None:
    assert smtp_phase("550 5.1.1 user unknown (in reply to RCPT TO command)") == "RCPT"
    assert smtp_phase("550 rejected after\x0bDATA") == "DATA"
    assert smtp_phase("550 rejected (cat data)") is None
    assert smtp_phase("SMTP:RCPT host 192.0.2.8: 553 5.3.0 <a@example.de>... No such user") == "RCPT"
    assert smtp_phase("see smtp:data.example.net for help") is None
    padding = " " * PRE_TEST_MIN_CHARS
    assert smtp_phase(f"550 5.7.1 rejected after end of data{padding}") == "DATA"
    assert smtp_phase(f"550 5.7.1 rejected after the mailbox check{padding}") is None


VTEXT_REPORT = """From: post_master@sms.example.com
To: alerts@example.com
Subject: Undeliverable Message

Error: 550 - Requested action not taken: no such user here

Message details:
  MAIL FROM: alerts@example.com
  RCPT TO: 5550100199@sms.example.com
  Size (in bytes): 512
"""


def test_a_code_inside_the_recipients_number_is_no_reply_of_its_own(engine) -> None:
    """The recipient's text quotes no reply ("550" is part of the phone number), so a user-unknown
    answer in no stated phase stays userunknown: no remote filter was heard speaking."""
    finding = engine.explain(VTEXT_REPORT).findings[0]
    assert (finding.recipient, finding.reason) == ("5550100199@sms.example.com", "userunknown")


def test_a_mailbox_refused_at_mail_from_is_the_senders(engine) -> None:
    """No recipient is named yet at MAIL FROM: "mailbox unavailable" there refuses the sender."""
    reply = (
        "<ana@web.example>: host mx.web.example[192.0.2.96] said: 550 Requested action not taken: "
        "mailbox unavailable (in reply to MAIL FROM command)"
    )
    assert engine.explain(reply).findings[0].reason == "rejected"
    assert engine.explain(reply.replace("MAIL FROM", "RCPT TO")).findings[0].reason == "userunknown"


def test_qmail_remotes_own_words_state_the_step() -> None:
    assert smtp_phase("192.0.2.7 does not like recipient.\nRemote host said: 550 5.2.1 No") == "RCPT"
    assert smtp_phase("Connected to 192.0.2.7 but sender was rejected.\nRemote host said: 553 no") == "MAIL"
    assert smtp_phase("Connected to 192.0.2.7 but my name was rejected.") == "HELO"
    assert smtp_phase("Connected to 192.0.2.7 but greeting failed.") == "CONN"
    assert smtp_phase("192.0.2.7 failed after I sent the message.\nRemote host said: 554 spam") == "DATA"
    assert smtp_phase("the recipient does not like mondays") is None


QMAIL_TWO = """From: MAILER-DAEMON@mail.example.org
To: ana@example.org
Subject: failure notice

Hi. This is the qmail-send program at mail.example.org.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<bo@example.net>:
192.0.2.7 does not like recipient.
Remote host said: 550 5.1.1 <bo@example.net>... User unknown
Giving up on 192.0.2.7.

<cy@example.net>:
192.0.2.7 does not like recipient.
Remote host said: 550 5.2.1 <cy@example.net>... User unknown
Giving up on 192.0.2.7.

--- Below this line is a copy of the message.
"""


def test_every_recipient_refused_at_rcpt_by_qmail_keeps_the_missing_user(engine) -> None:
    # the second reply's status (5.2.1) is not a user status: without the step qmail names,
    # "user unknown" in no stated phase would read as a filter speaking
    findings = engine.explain(QMAIL_TWO).findings
    assert [(f.recipient, f.reason) for f in findings] == [
        ("bo@example.net", "userunknown"),
        ("cy@example.net", "userunknown"),
    ]
