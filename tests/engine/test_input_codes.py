"""Bare codes and questions about them: answered when asked, silent in an alert channel."""

from __future__ import annotations

from typing import Any

import pytest
from explain_checks import best, check, explain

from bot.engine import Engine

BARE = [
    ("452", {"reply_code": "452", "bounce": "soft"}),
    ("550", {"reply_code": "550", "bounce": "hard"}),
    ("421?", {"reply_code": "421", "bounce": "soft"}),
    ("5.1.1", {"enhanced_code": "5.1.1", "reason": "userunknown", "bounce": "hard"}),
    ("5.2.2", {"enhanced_code": "5.2.2", "reason": "mailboxfull", "bounce": "hard"}),
    ("4.2.2", {"enhanced_code": "4.2.2", "reason": "mailboxfull", "bounce": "soft"}),
    ("550 5.1.1", {"reply_code": "550", "enhanced_code": "5.1.1", "reason": "userunknown"}),
    ("552 5.2.2", {"reply_code": "552", "enhanced_code": "5.2.2", "reason": "mailboxfull"}),
    ("  5.7.26  ", {"enhanced_code": "5.7.26", "bounce": "hard"}),
]


@pytest.mark.parametrize(("text", "expected"), BARE, ids=[t.strip() for t, _ in BARE])
def test_bare_code(engine: Engine, text: str, expected: dict[str, Any]) -> None:
    result = explain(engine, text)
    assert result.input_kind == "code"
    assert result.notice is None
    check(best(engine, text), expected)


QUESTIONS = [
    ("what does 5.7.26 mean", {"enhanced_code": "5.7.26", "bounce": "hard"}),
    ("What does 5.7.26 mean?", {"enhanced_code": "5.7.26"}),
    ("what is 421?", {"reply_code": "421", "bounce": "soft"}),
    ("Is 4.7.1 a temporary error?", {"enhanced_code": "4.7.1", "bounce": "soft"}),
    ("why would a server say 5.1.1", {"enhanced_code": "5.1.1", "reason": "userunknown"}),
    ("is 552 5.2.2 a hard bounce?", {"reply_code": "552", "enhanced_code": "5.2.2", "reason": "mailboxfull"}),
    ("mailbox full", {"reason": "mailboxfull"}),
    ("Mailbox is full", {"reason": "mailboxfull"}),
    ("user unknown", {"reason": "userunknown"}),
    ("relay access denied", {"reason": "norelaying"}),
]


@pytest.mark.parametrize(("text", "expected"), QUESTIONS, ids=[t for t, _ in QUESTIONS])
def test_question(engine: Engine, text: str, expected: dict[str, Any]) -> None:
    check(best(engine, text), expected)


def test_bare_code_is_not_answered_in_passive_mode(engine: Engine) -> None:
    # a lone number in an alert channel is not clearly a mail failure
    for text in ("452", "5.2.2", "what does 5.7.26 mean"):
        assert explain(engine, text, "passive").findings == ()


WRAPPED = [
    # Exchange Online quotes the remote reply inside its own 554 5.7.0
    (
        "Remote server returned '554 5.7.0 <#5.7.520 smtp; 550 5.7.520 Message blocked because it "
        "contains content identified as spam. AS(4810)>'",
        {"reply_code": "550", "enhanced_code": "5.7.520", "reason": "spamdetected"},
    ),
    # Exchange 2003's wrapper names only the class; the inner reply has the detail
    (
        "#< #5.0.0 smtp; 550 5.1.1 <ana@example.net>... User unknown> #SMTP#",
        {"reply_code": "550", "enhanced_code": "5.1.1", "reason": "userunknown"},
    ),
]


@pytest.mark.parametrize(("text", "expected"), WRAPPED, ids=["exchange-online", "exchange-2003"])
def test_a_wrapped_remote_reply_gives_the_codes(engine: Engine, text: str, expected: dict[str, Any]) -> None:
    check(best(engine, text), expected)
