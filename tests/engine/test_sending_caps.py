"""A sending cap's words belong to whom they name: the sender's own account at its submission
server (toomanyconn), or a remote IP, host or sender domain that a receiving server slows down
(speeding). See generic/toomanyconn.toml and generic/speeding.toml."""

from __future__ import annotations

import pytest

from bot.engine import Engine

OWN_CAP = "generic.toomanyconn.sending-quota-exceeded"
SLOWED = "generic.speeding.rate-limited"


@pytest.mark.parametrize(
    ("text", "entry_id", "reason"),
    [
        # the account's own allowance, said by its own provider or host
        ("550 5.4.5 Daily user sending quota exceeded", OWN_CAP, "toomanyconn"),
        ("451 HST-RTE: Hourly send rate exceeded, retry later.", OWN_CAP, "toomanyconn"),
        ("554 5.4.5 Sending rate limit exceeded for this account", OWN_CAP, "toomanyconn"),
        ("550 5.7.1 Your account has exceeded its daily sending limit", OWN_CAP, "toomanyconn"),
        ("421 4.7.0 You have exceeded your hourly sending limit", OWN_CAP, "toomanyconn"),
        ("550 Maximum daily sending limit reached for your account", OWN_CAP, "toomanyconn"),
        # a receiving server's limit on a remote sender, by IP, host or domain
        ("421 Hourly sending rate exceeded for 192.0.2.7, try again later", SLOWED, "speeding"),
        ("450 4.7.1 Daily sending limit exceeded from your IP address", SLOWED, "speeding"),
        ("421 Daily sending quota exceeded for sender domain example.com", SLOWED, "speeding"),
        ("421 Too many messages from your IP, hourly sending limit exceeded", SLOWED, "speeding"),
        ("421 4.7.0 Try again later, closing connection. rate limited", SLOWED, "speeding"),
        (
            "450 4.2.1 The user you are trying to contact is receiving mail at a rate that prevents"
            " additional messages from being delivered. - gsmtp",
            "google.receiving-too-fast",
            "speeding",
        ),
    ],
)
def test_a_sending_cap_is_whose_it_names(engine: Engine, text: str, entry_id: str, reason: str) -> None:
    finding = engine.explain(text).findings[0]
    assert (finding.entry_id, finding.reason) == (entry_id, reason)
