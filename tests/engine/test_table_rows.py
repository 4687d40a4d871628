"""The recipient of a row copied from a message trace (sender before recipient) or a CSV log
(the recipient's column before its status)."""

from __future__ import annotations

import pytest

from bot.engine import Engine, table_rows

ROWS = [
    # Google Workspace Email Log Search, copied with tabs
    ("Dec 8, 2026, 8:02:40 AM\tnews@example.net\tjon@example.org\tWeekly\tBounced", "jon@example.org"),
    # Get-MessageTrace as PowerShell prints it
    ("12/8/2026 6:44:02   news@example.net      dag@example.com    December news  Failed", "dag@example.com"),
    # Exchange's message tracking log: the Message-ID column is no recipient
    (
        "2026-12-08T06:20:31.402Z,,,,EX01,,,,FAIL,,<7a8b@EX01.example.net>,d1e2,tom@example.net,"
        "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found,19233,1",
        "tom@example.net",
    ),
]


@pytest.mark.parametrize(("row", "recipient"), ROWS)
def test_the_recipient_column_is_read(row: str, recipient: str) -> None:
    assert table_rows.recipient(row) == recipient


@pytest.mark.parametrize(
    "text",
    [
        "From: ana@example.org  To: bob@example.net  the invoice Failed to render",  # no date first
        "ana@example.org\tbob@example.net",  # no status
        "ana@example.org, 550 is what we saw",  # no status after the reply
    ],
)
def test_text_that_is_no_row_names_nobody(text: str) -> None:
    assert table_rows.recipient(text) is None


def test_the_engine_names_the_row_s_recipient_not_its_sender(engine: Engine) -> None:
    text = (
        "Dec 8, 2026, 8:02:40 AM\tnews@example.net\tjon@example.org\tWeekly\tBounced\n"
        "550 5.2.1 The email account that you tried to reach is disabled."
    )
    best = engine.explain(text, "explicit").best
    assert best is not None and best.recipient == "jon@example.org"


def test_a_programme_s_quoting_is_no_part_of_the_address(engine: Engine) -> None:
    text = "SMTPRecipientsRefused: {'ivo@example.com': (550, b'5.1.1 User unknown')}"
    best = engine.explain(text, "explicit").best
    assert best is not None and best.recipient == "ivo@example.com"


def test_a_console_s_deferred_status_is_a_delay(engine: Engine) -> None:
    text = (
        "Recipient: hal@example.org\nDelivery status: Deferred\nReason: The recipient server did "
        "not accept our requests to connect. [mx.example.org. 192.0.2.40: timed out]"
    )
    best = engine.explain(text, "explicit").best
    assert best is not None and best.bounce == "soft"
