"""Reading reply codes and enhanced status codes out of text (bot/engine/codes.py)."""

from __future__ import annotations

import pytest

from bot.engine.codes import enhanced_codes, reply_codes
from bot.engine.model import is_enhanced_code


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("550 5.7.509 Access denied", ["5.7.509"]),  # a detail may run to three digits
        ("550-5.7.26 unauthenticated", ["5.7.26"]),
        # RFC 3463 subjects are one digit: 4.16.50 and 4.16.55.1 are Yahoo's own tags
        ("451 Message temporarily deferred - 4.16.50", []),
        ("421 4.7.0 [TSS04] deferred - 4.16.55.1; see the error codes", ["4.7.0"]),
        ("v4.2.2 of the software", []),
        # a list manager's release in its header is no status: fml's Security Alert carries no code
        ("X-MLServer: fml [fml 4.0.3 release (20011202/4.0.3)]", []),
        ("Postfix version 2.1.5 on the relay", []),
        ("550 5.4.6/5.4.14 routing loop", ["5.4.6"]),
    ],
)
def test_enhanced_codes(text: str, codes: list[str]) -> None:
    assert [hit.code for hit in enhanced_codes(text)] == codes


def test_an_enhanced_code_has_a_one_digit_subject() -> None:
    assert is_enhanced_code("5.7.509") and is_enhanced_code("4.4.317")
    assert not is_enhanced_code("4.16.50")


def test_yahoos_tag_is_not_read_as_the_status(engine) -> None:
    finding = engine.explain("451 Message temporarily deferred - 4.16.50").findings[0]
    assert finding.enhanced_code != "4.16.50"


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        # a gateway's "SMTP:RCPT host <IPv4>: <reply>": the number before the colon ends an address
        ("SMTP:RCPT host 192.0.2.8: 553 5.3.0 <a@example.de>... No such user here", ["553"]),
        ("host 198.51.100.77: 552 5.2.2 Mailbox over quota", ["552"]),
        # a time or a line number before the colon is no host
        ("queued at 12:30: 550 messages", []),
        ("line 12: 550 characters", []),
        # a label in another script, then an ASCII colon: a localised notice quoting the reply
        ("服务器返回信息:552 5.2.2 Mailbox is full", ["552"]),
        ("код ошибки:550 5.1.1 user unknown", ["550"]),
        # an ASCII word right before the colon is a name and a number, no reply
        ("ticket id:550 closed", []),
    ],
)
def test_a_reply_code_after_a_number_and_a_colon(text: str, codes: list[str]) -> None:
    assert [hit.code for hit in reply_codes(text) if hit.strong] == codes
