"""A report's outcome decides what its words mean: a rate limit beside the words of a queue whose
time ran out is an expired message (bot/engine/give_up.py), and a delivery receipt read as a plain
report is no failure (bot/engine/findings.py `_bounce`)."""

from __future__ import annotations

from bot.engine import Engine

EXIM_GAVE_UP = """From: Mail Delivery System <Mailer-Daemon@smtp.example.ie>
To: tom@example.ie
Subject: Mail delivery failed: returning message to sender
X-Failed-Recipients: list@club.example

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  list@club.example
    retry timeout exceeded
    host mx.club.example [198.51.100.15]
    SMTP error from remote mail server after RCPT TO:<list@club.example>:
    451 4.7.1 Sender rate limit exceeded, try again later
"""

EXIM_STILL_TRYING = (
    EXIM_GAVE_UP.replace("    retry timeout exceeded\n", "")
    .replace(
        "could not be delivered to one or more of its\nrecipients. This is a permanent error. The following"
        " address(es) failed:",
        "has not yet been delivered to one or more of its\nrecipients after more than 24 hours on the"
        " queue.\n\nThe address to which the message has not yet been delivered is:",
    )
    .replace("Mail delivery failed: returning message to sender", "Warning: message 1tA-0 delayed 24 hours")
)

RECEIPT = """From: Microsoft Outlook <postmaster@contoso.example>
To: Sara Lind <s.lind@contoso.example>
Subject: Delivered: Offer

Your message has been delivered to the following recipients:

Per Holm (per.holm@customer.example)

Subject: Offer
"""


def _first(engine: Engine, text: str) -> tuple[str | None, str, str]:
    finding = engine.explain(text, "explicit").findings[0]
    return finding.recipient, finding.reason, finding.bounce


def test_a_rate_limit_given_up_on_is_an_expired_message(engine: Engine) -> None:
    assert _first(engine, EXIM_GAVE_UP) == ("list@club.example", "expired", "hard")


def test_a_rate_limit_still_being_retried_is_the_rate_limit(engine: Engine) -> None:
    assert _first(engine, EXIM_STILL_TRYING) == ("list@club.example", "speeding", "soft")


def test_a_permanent_rate_limit_refusal_stays_speeding(engine: Engine) -> None:
    text = EXIM_GAVE_UP.replace("451 4.7.1", "550 5.7.1").replace("    retry timeout exceeded\n", "")
    assert _first(engine, text) == ("list@club.example", "speeding", "hard")


def test_a_plain_delivery_receipt_is_no_failure(engine: Engine) -> None:
    assert _first(engine, RECEIPT) == ("per.holm@customer.example", "delivered", "none")
