"""Retry advice agrees with the class of the code the server actually sent."""

from __future__ import annotations

import re

import pytest

from bot.engine import Engine, Finding
from bot.engine.retry import NO_CODE, RETRY_WHEN_FINAL, RETRY_WHEN_TEMPORARY

ENGINE = Engine.load(extra_dir="")  # the shipped knowledge only
FINAL_WORDS_RE = re.compile(
    r"\b(?:is|are) final\b|final for this message|will not retry|has been given up", re.I
)


def best(text: str):
    found = ENGINE.explain(text).best
    assert found is not None
    return found


def test_a_permanent_entry_found_with_a_4xx_reply_says_the_sender_retries() -> None:
    # Postfix answers 450 for an unknown user when soft_bounce or unknown_local_recipient_reject_code says so
    finding = best(
        "450 4.1.1 <ana@example.net>: Recipient address rejected: User unknown in local recipient table"
    )
    assert finding.bounce == "soft"
    assert finding.retry == RETRY_WHEN_TEMPORARY


def test_a_temporary_entry_found_with_a_5xx_reply_says_it_is_final() -> None:
    finding = best("554 5.4.0 No route to host mx.example.net")
    assert ENGINE.by_id[finding.entry_id].permanence == "temporary"
    assert finding.retry == RETRY_WHEN_FINAL


@pytest.mark.parametrize(
    ("code", "kept", "dropped"), [("4.1.0", "4.x.x", "5.x.x"), ("5.1.0", "5.x.x", "4.x.x")]
)
def test_an_entry_for_both_classes_keeps_only_the_advice_for_the_class_received(
    code: str, kept: str, dropped: str
) -> None:
    finding = best(code)
    assert ENGINE.by_id[finding.entry_id].permanence == "either"
    assert kept in finding.retry and dropped not in finding.retry


def test_an_expired_delivery_keeps_its_own_advice_whatever_its_last_code() -> None:
    finding = best(
        "Connected to 192.0.2.10 but connection died. (#4.4.2)\n"
        "I'm not going to try again; this message has been in the queue too long."
    )
    assert finding.bounce == "soft" and finding.reason == "expired"
    assert finding.retry == ENGINE.by_id[finding.entry_id].retry


def _with_class(text: str, digit: str) -> str:
    """The text with its first reply code and first enhanced code moved to another class."""
    text = re.sub(r"\b[45](\d\d)\b", lambda m: digit + m.group(1), text, count=1)
    return re.sub(r"\b[45](\.\d{1,3}\.\d{1,3})\b", lambda m: digit + m.group(1), text, count=1)


@pytest.fixture(scope="module")
def every_example_in_both_classes() -> list[Finding]:
    """The best finding for every example in the knowledge base, as a 4xx and as a 5xx reply."""
    found = (
        ENGINE.explain(_with_class(example, digit)).best
        for entry in ENGINE.entries
        for example in entry.examples
        for digit in "45"
    )
    return [finding for finding in found if finding is not None and finding.reason != "expired"]


def test_no_temporary_finding_is_told_it_is_final(every_example_in_both_classes: list[Finding]) -> None:
    """A soft bounce never reads "this is final" (an expired delivery excepted: its queue did give up)."""
    wrong = {
        (f.entry_id, f.retry)
        for f in every_example_in_both_classes
        if f.bounce == "soft" and FINAL_WORDS_RE.search(f.retry)
    }
    assert sorted(wrong) == []


RETRIES_BY_ITSELF_RE = re.compile(r"retries by itself|retries automatically|will retry", re.I)


def test_no_permanent_finding_is_told_the_server_retries_by_itself(
    every_example_in_both_classes: list[Finding],
) -> None:
    """The mirror of the test above: a hard bounce never reads "your server retries by itself",
    not even from a clause that continues advice written for the 4xx form of the same entry (an
    expired delivery excepted: its advice covers the delay before the final bounce)."""
    wrong = {
        (f.entry_id, f.retry)
        for f in every_example_in_both_classes
        if f.bounce == "hard" and RETRIES_BY_ITSELF_RE.search(f.retry)
    }
    assert sorted(wrong) == []


@pytest.mark.parametrize(
    ("text", "reply", "status"),
    [
        ("454 Sorry, I am not allowed to relay (#5.7.3)", "454", "5.7.3"),
        ("421 5.7.0 Too many errors, closing connection", "421", "5.7.0"),
    ],
)
def test_a_4xx_reply_is_soft_whatever_status_its_text_carries(text: str, reply: str, status: str) -> None:
    # qmail writes its status in the text: the SMTP client acts on the 4xx reply code and retries
    finding = best(text)
    assert (finding.reply_code, finding.enhanced_code) == (reply, status)
    assert finding.bounce == "soft"
    assert reply in finding.retry and status in finding.retry
    assert "retries" in finding.retry and not FINAL_WORDS_RE.search(finding.retry)


def test_a_5xx_reply_with_a_temporary_status_is_final_and_says_why() -> None:
    finding = best("554 4.7.1 <ana@example.net>: Relay access denied")
    assert finding.bounce == "hard"
    assert "554" in finding.retry and "4.7.1" in finding.retry and "does not retry" in finding.retry


def test_codes_of_one_class_get_no_sentence_about_a_mixed_reply() -> None:
    finding = best("451 qq temporary problem (#4.3.0)")
    assert finding.bounce == "soft" and "although the text carries" not in finding.retry


QUEUE_RETRIES_RE = re.compile(
    r"let (?:the|your) (?:queue|server|mta)\b[^.;]{0,30}\bretry|retries by itself|retried automatically"
    r"|retries automatically|the queue retries",
    re.I,
)


def test_no_permanent_finding_tells_the_sender_to_let_the_queue_retry(
    every_example_in_both_classes: list[Finding],
) -> None:
    """The sender's fixes agree with the class too: after a 5xx nothing retries the message, so a
    hard bounce's fixes never say "let the queue retry" (an `either` entry's fix for its 4xx form
    goes, `fixes_for_class`)."""
    wrong = {
        (f.entry_id, fix)
        for f in every_example_in_both_classes
        if f.bounce == "hard"
        for fix in f.sender_fix
        if QUEUE_RETRIES_RE.search(fix)
    }
    assert sorted(wrong) == []


def test_a_fix_naming_a_code_for_another_purpose_stays() -> None:
    """Only a fix's part that names the other class and speaks of retrying goes: a 4.1.1 reply keeps
    the advice about port 465 or about addresses refused with 5.1.1 elsewhere."""
    from bot.engine.retry import _fixes_for_class

    fixes = (
        "Enable implicit TLS on port 465.",
        "Remove addresses that bounced with 5.1.1.",
        "After a 5xx send it again.",
    )
    assert _fixes_for_class(fixes, "4") == fixes[:2]
    assert _fixes_for_class(fixes, "5") == fixes


# a mail client's send error carries no code; which class it was, only the server's reply says
NO_CODE_TEXTS = [
    "The mail server responded: too many recipients",
    "Sending of the message failed. The server said: too many recipients",
]


@pytest.mark.parametrize("text", NO_CODE_TEXTS)
def test_advice_for_either_class_found_with_no_code_says_the_code_decides(text: str) -> None:
    finding = best(text)
    assert (finding.reply_code, finding.codes_label) == (None, "")
    assert ENGINE.by_id[finding.entry_id].permanence == "either"
    assert finding.retry.startswith(NO_CODE)
    # the entry's words for each class are all kept, none shown as if the server had sent it
    assert finding.retry.endswith(ENGINE.by_id[finding.entry_id].retry)
    assert finding.sender_fix == ENGINE.by_id[finding.entry_id].sender_fix


def test_a_code_still_picks_its_class_advice() -> None:
    finding = best("452 4.5.3 Too many recipients")
    assert not finding.retry.startswith(NO_CODE)
    assert "452" in finding.retry and "5xx" not in finding.retry
