"""Codes no entry holds are read by their digits (RFC 5321 §4.2.1, RFC 3463 §3), in explicit mode only."""

from __future__ import annotations

import pytest

from bot.engine import Engine


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load(extra_dir="", use_cache=False)


@pytest.mark.parametrize(
    ("question", "code", "bounce", "digit_words"),
    [
        ("573", "573", "hard", ["first digit, 5", "second digit, 7, is outside"]),
        ("what does 499 mean", "499", "soft", ["first digit, 4", "second digit, 9, is outside"]),
        ("282", "282", "none", ["first digit, 2", "positive completion"]),
        ("smtp error 436?", "436", "soft", ["second digit, 3, is one RFC 5321 leaves unassigned"]),
        ("509", "509", "hard", ["second digit, 0, says the reply is about syntax"]),
        ("what does 427 mean", "427", "soft", ["the reply is about the connection"]),
        ("573 Sorry, we do not take mail from you", "573", "hard", ["not a standard SMTP reply code"]),
    ],
)
def test_nonstandard_reply_code_is_read_by_its_digits(
    engine: Engine, question: str, code: str, bounce: str, digit_words: list[str]
) -> None:
    best = engine.explain(question, "explicit").best
    assert best is not None
    assert best.entry_id == "structure.reply-code"
    assert best.reply_code == code
    assert best.bounce == bounce
    assert best.contract()["reason"] == "undefined"
    for words in digit_words:
        assert words in best.meaning
    assert "RFC 5321 §4.2.1" in best.references


@pytest.mark.parametrize(
    ("question", "code"), [("999", "999"), ("099", "099"), ("what does 150 mean", "150")]
)
def test_codes_outside_2xx_to_5xx_are_not_smtp(engine: Engine, question: str, code: str) -> None:
    best = engine.explain(question, "explicit").best
    assert best is not None
    assert best.entry_id == "structure.not-smtp"
    assert best.title.startswith(f"{code}: not an SMTP reply code")
    assert best.reply_code is None  # the number is named in the title; it is no reply code
    assert best.contract()["reason"] == "undefined"
    assert best.bounce == "none"


@pytest.mark.parametrize(
    ("question", "bounce", "said"),
    [
        ("5.3.9", "hard", "The subject, 3, is a registered one: the receiving mail system. The detail, 9,"),
        ("4.9.1", "soft", "The subject, 9, is not registered"),
        ("what is 5.7.99", "hard", "The subject, 7, is a registered one: security or policy"),
    ],
)
def test_unregistered_enhanced_code_is_read_by_class_and_subject(
    engine: Engine, question: str, bounce: str, said: str
) -> None:
    best = engine.explain(question, "explicit").best
    assert best is not None
    assert best.entry_id == "structure.enhanced-code"
    assert best.enhanced_code == question.split()[-1]
    assert best.contract()["reason"] == "undefined"
    assert best.bounce == bounce
    assert said in best.meaning


@pytest.mark.parametrize("question", ["550", "5.7.26", "452 4.2.2", "5.7.606", "550 5.3.9"])
def test_a_code_an_entry_holds_keeps_its_entry(engine: Engine, question: str) -> None:
    best = engine.explain(question, "explicit").best
    assert best is not None
    assert not best.entry_id.startswith("structure.")


@pytest.mark.parametrize(
    "text",
    ["573", "what does 499 mean", "5.3.9", "4.9.1", "999", "port 587 is blocked", "we sold 573 units"],
)
def test_passive_mode_never_reads_codes_by_their_digits(engine: Engine, text: str) -> None:
    assert all(not f.entry_id.startswith("structure.") for f in engine.explain(text, "passive").findings)


@pytest.mark.parametrize("text", ["port 587", "we shipped 499 boxes today", "call 555 0100 after 5"])
def test_numbers_that_are_not_asked_about_as_codes_stay_unexplained(engine: Engine, text: str) -> None:
    assert all(f.entry_id != "structure.reply-code" for f in engine.explain(text, "explicit").findings)


def test_a_bounce_record_with_an_unknown_code_keeps_the_class_entry(engine: Engine) -> None:
    dsn = (
        "Reporting-MTA: dns; mx.example.org\n\n"
        "Final-Recipient: rfc822; ana@example.net\nAction: failed\nStatus: 5.3.9\n"
        "Diagnostic-Code: smtp; 509 5.3.9 no\n"
    )
    best = engine.explain(dsn, "explicit").best
    assert best is not None
    assert not best.entry_id.startswith("structure.")
