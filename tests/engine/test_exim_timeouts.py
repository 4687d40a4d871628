"""Exim's SMTP timeouts are filed `expired`: its retry rules treat a timeout as a temporary error,
so Exim returns the address only once the retry time has passed (Exim's specification, the retry
configuration chapter); a 421 timeout reply on its own stays soft."""

from __future__ import annotations

import pytest

from bot.engine import Engine

BOUNCE = """This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  ana@example.org
    {}
"""


@pytest.mark.parametrize(
    "last_error",
    [
        "SMTP timeout after end of data (41234 bytes written)",
        "SMTP timeout after RCPT TO:<ana@example.org>",
        "SMTP error from remote mail server after MAIL FROM:<bo@example.net>:\n"
        "    host mx.example.org [192.0.2.7]: 421 mx.example.org: SMTP command timeout - closing connection",
    ],
)
def test_a_final_exim_bounce_after_a_timeout_is_expired(engine: Engine, last_error: str) -> None:
    finding = engine.explain(BOUNCE.format(last_error)).findings[0]
    assert (finding.reason, finding.bounce, finding.recipient) == ("expired", "hard", "ana@example.org")


def test_the_timeout_reply_alone_is_retried(engine: Engine) -> None:
    finding = engine.explain("421 mx.example.org: SMTP command timeout - closing connection").findings[0]
    assert (finding.entry_id, finding.reason, finding.bounce) == ("exim.smtp-timeout", "expired", "soft")


def test_the_give_up_still_names_itself(engine: Engine) -> None:
    text = BOUNCE.format("retry timeout exceeded\n    SMTP timeout after end of data (41234 bytes written)")
    assert engine.explain(text).findings[0].entry_id == "exim.retry-timeout-exceeded"
