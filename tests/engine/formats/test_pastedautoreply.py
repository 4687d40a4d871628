"""An out-of-office notice pasted without its email is read as an auto-reply by its own layout
(a first-person absence, words of coming back), while a question about auto-replies stays a
question. The notices are the bodies of the corpora's auto-replies, as a mail client shows them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import Engine
from bot.engine.formats import bounce_email, pastedautoreply
from bot.slack.mrkdwn import message_text

BENCH = Path(__file__).resolve().parents[3] / "bench"
# Challenge-response requests ("confirm that you sent this") are auto-replies by their subject and
# headers, which a paste of the body loses; they are no absence notices, so they are left out.
CHALLENGES = ("challenge", "verification")
NOTICES = sorted(
    (
        path
        for path in [*BENCH.glob("corpus-mta/autoreply/*.eml"), *BENCH.glob("corpus-heldout/autoreply/*.eml")]
        if not any(word in path.name for word in CHALLENGES)
    ),
    key=lambda path: path.name,
)


def shown_body(path: Path) -> str:
    """The notice's text without its header block: what a person copies from the mail client."""
    return bounce_email.read(path.read_text(encoding="utf-8", errors="surrogateescape")).body.strip()


def reasons(engine: Engine, text: str) -> list[tuple[str | None, str, str]]:
    return [(f.recipient, f.reason, f.bounce) for f in engine.explain(text).findings]


@pytest.mark.parametrize("path", NOTICES, ids=[p.stem for p in NOTICES])
def test_a_pasted_notice_is_an_auto_reply_naming_nobody(engine: Engine, path: Path) -> None:
    # the address in a notice is the colleague to write to instead, not the person who is away
    assert reasons(engine, shown_body(path)) == [(None, "vacation", "none")]


def test_a_notice_pasted_in_a_code_block_under_a_question_is_an_auto_reply(engine: Engine) -> None:
    notice = shown_body(BENCH / "corpus-mta/autoreply/02-german-sieve-vacation-quoted-printable.eml")
    text = message_text({"type": "message", "text": f"got this back today, any idea?\n```{notice}```"})
    assert reasons(engine, text) == [(None, "vacation", "none")]


QUESTIONS = [
    "Why do I get automatic replies?",
    "How do I stop the 'I am out of the office until Monday' replies from our sales team?",
    "Is an out-of-office reply\nthat says I am on leave until May a bounce?",
    "Should our list count 'I'm away until 3 June' auto-replies as bounces?\nThey look like failures.",
]


@pytest.mark.parametrize("text", QUESTIONS)
def test_a_question_about_auto_replies_is_no_notice(text: str) -> None:
    assert not pastedautoreply.detect(text)


def test_a_question_about_auto_replies_gets_no_vacation_finding(engine: Engine) -> None:
    assert reasons(engine, "Why do I get automatic replies from a colleague when I write to her?") == []


def test_absence_without_coming_back_is_no_notice() -> None:
    # a person describing their own situation, with no date or return to come back on
    assert not pastedautoreply.detect("I am away from the desk, can someone check the queue")


def test_a_bounce_that_says_away_is_no_notice() -> None:
    text = "I'm away until Friday\n550 5.2.1 <a@example.com>: mailbox disabled, not accepting messages"
    assert not pastedautoreply.detect(text)


def test_a_notice_with_a_signature_and_dates_in_another_language() -> None:
    text = (
        "Buongiorno,\n\nsono in ferie fino al 21 agosto, al mio rientro risponderò.\n\nGiulia Conti\nAcquisti"
    )
    assert pastedautoreply.detect(text)
