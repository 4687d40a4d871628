"""The registry: every format has the same three parts, and the order decides ambiguous texts."""

from __future__ import annotations

import pytest
from sample_mail import message

from bot.engine.formats import FORMATS, freetext, read


@pytest.mark.parametrize("fmt", FORMATS, ids=[f.__name__.rsplit(".", 1)[1] for f in FORMATS])
def test_every_format_has_kind_detect_and_parse(fmt) -> None:
    assert fmt.KIND in {"code", "json", "email", "dsn", "log", "text"}
    assert callable(fmt.detect) and callable(fmt.parse)


def test_free_text_reads_anything_and_comes_last() -> None:
    assert FORMATS[-1] is freetext and freetext.detect("anything at all")


KINDS = [
    ("550 5.1.1", "code"),
    (
        '{"notificationType": "Bounce", "bounce": {"bounceType": "Permanent", '
        '"bouncedRecipients": [{"emailAddress": "a@example.com"}]}}',
        "json",
    ),
    (message("<a@example.com>: host said: 550 5.1.1 user unknown"), "email"),
    ("Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.1.1", "dsn"),
    (
        "postfix/smtp[1]: 1A: to=<a@example.com>, relay=none, dsn=5.4.4, status=bounced (Host not found)",
        "log",
    ),
    ("550 5.1.1 <a@example.com>: Recipient address rejected", "smtp"),
    ("why do my mails bounce?", "text"),
]


@pytest.mark.parametrize(("text", "kind"), KINDS, ids=[k for _, k in KINDS])
def test_each_kind_is_read_by_its_format(text: str, kind: str) -> None:
    assert read(text, True).kind == kind


def test_a_json_document_that_is_no_notification_goes_on_to_free_text() -> None:
    assert read('{"error": "550 5.7.1 relaying denied"}', True).kind == "json"
    assert read('{"temperature": 21}', True).kind == "text"
