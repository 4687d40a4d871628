"""An address a reply gives for help (where to forward it, whom to contact) is not the recipient."""

from __future__ import annotations

import pytest

from bot.engine import Engine


@pytest.mark.parametrize(
    "text",
    [
        "host mx.example.net[192.0.2.5] said: 553 5.3.0 flpd591 DNSBL:RBL 521< 198.51.100.17 >_is_blocked."
        "For assistance forward this email to abuse_rbl@abuse-att.net (in reply to MAIL FROM command)",
        "550 5.7.1 Your IP 192.0.2.7 is blocked, please contact blocks@example.net",
        "554 Message refused as spam. Report false positives to fp@example.net",
    ],
)
def test_a_help_address_in_the_reply_is_not_named_the_recipient(engine: Engine, text: str) -> None:
    found = engine.explain(text).best
    assert found is not None and found.recipient is None


def test_the_failed_address_is_still_named_beside_a_help_address(engine: Engine) -> None:
    text = "550 5.1.1 <ana@example.org>: user unknown; contact postmaster@example.org for help"
    found = engine.explain(text).best
    assert found is not None and found.recipient == "ana@example.org"
