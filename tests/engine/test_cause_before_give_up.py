"""A queue's give-up words yield to the cause found in the same diagnostic (bot/engine/matcher.py
`cause_before_give_up`): the reason is why delivery failed, the bounce is how it ended."""

from __future__ import annotations

import pytest

from bot.engine.give_up import cause_before_give_up
from bot.engine.matcher import Matcher
from bot.engine.model import Entry


def _entry(entry_id: str, reason: str, phrase: str, codes: tuple[str, ...] = ()) -> Entry:
    return Entry(
        id=entry_id, title="t", reason=reason, permanence="permanent", retry="no", who="sender",
        meaning="m", sender_fix=("f",), references=("r",), examples=(phrase,), phrases=(phrase,),
        codes=codes,
    )  # fmt: skip


MATCHER = Matcher(
    [
        _entry("give-up", "expired", "retry timeout exceeded for this address", ("4.4.7", "5.4.7")),
        _entry("full", "mailboxfull", "mailbox full"),
        _entry("vague", "onhold", "see above"),
        _entry("refused", "blocked", "connection refused", ("4.4.1",)),
    ]
)


def _ranked(text: str) -> tuple[list[str], str | None]:
    matches, gave_up = cause_before_give_up(MATCHER.phrase_matches(set(), None, MATCHER.phrase_hits(text)))
    return [m.entry.id for m in matches], gave_up.id if gave_up else None


def test_the_cause_comes_before_a_longer_give_up_phrase() -> None:
    assert _ranked("mailbox full: retry timeout exceeded for this address") == (
        ["full", "give-up"],
        "give-up",
    )


def test_a_give_up_behind_the_cause_is_still_reported() -> None:
    # codes that agree with the cause already put it first; the give-up still says how it ended
    matches, gave_up = cause_before_give_up(
        [
            m
            for m in MATCHER.phrase_matches(
                set(), None, MATCHER.phrase_hits("mailbox full; retry timeout exceeded for this address")
            )
            if m.entry.id == "full"
        ]
        + [
            m
            for m in MATCHER.phrase_matches(
                set(), None, MATCHER.phrase_hits("retry timeout exceeded for this address")
            )
        ]
    )
    assert (
        [m.entry.id for m in matches] == ["full", "give-up"]
        and gave_up is not None
        and gave_up.id == "give-up"
    )


@pytest.mark.parametrize(
    "text",
    [
        "retry timeout exceeded for this address",  # nothing else to say
        "see above: retry timeout exceeded for this address",  # words too vague to be a cause
        # a failure to reach the host (X.4.x) is the story the give-up already tells
        "connection refused: retry timeout exceeded for this address",
    ],
)
def test_the_give_up_stays_first_without_a_cause(text: str) -> None:
    ranked, gave_up = _ranked(text)
    assert ranked[0] == "give-up" and gave_up is None


GIVE_UPS = [
    # Exim's final bounce after the last attempt met a full mailbox
    ("ana@example.com\n    retry timeout exceeded\n    452 4.2.2 Mailbox is full", "mailboxfull", "hard"),
    ("mailbox is full: retry timeout exceeded", "mailboxfull", "hard"),
    (
        "ana@example.com: retry time not reached for any host after a long failure period "
        "(452 4.2.2 mailbox full)",
        "mailboxfull",
        "hard",
    ),
    # Postfix gave up on a message the last attempt met a full mailbox for
    (
        "Dec  7 10:00:00 mx postfix/smtp[812]: 4F1A2B3C: to=<ana@example.com>, relay=mx.example.com"
        "[192.0.2.7]:25, delay=432000, dsn=4.2.2, status=expired, returned to sender (host "
        "mx.example.com[192.0.2.7] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command))",
        "mailboxfull",
        "hard",
    ),
    # a delay warning is still soft, whatever the cause
    (
        "Delivery attempts will continue to be made for 4 days. ana@example.com: user unknown",
        "userunknown",
        "soft",
    ),
]


@pytest.mark.parametrize(("text", "reason", "bounce"), GIVE_UPS)
def test_the_reason_is_the_cause_and_the_bounce_how_it_ended(
    engine, text: str, reason: str, bounce: str
) -> None:
    finding = engine.explain(text).findings[0]
    assert (finding.reason, finding.bounce) == (reason, bounce)


def test_a_give_up_alone_is_expired(engine) -> None:
    finding = engine.explain("ana@example.com: retry timeout exceeded").findings[0]
    assert (finding.reason, finding.bounce) == ("expired", "hard")


def _delay_warning(status: str) -> str:
    return (
        "From: MAILER-DAEMON@mx.example.org\nTo: s@example.org\nSubject: Warning: message delayed\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n'
        "--b\nContent-Type: text/plain\n\nThis message has not yet been delivered. Delivery attempts "
        "will continue for some time.\n\n--b\nContent-Type: message/delivery-status\n\n"
        f"Final-Recipient: rfc822; ana@example.com\nAction: delayed\nStatus: {status}\n--b--\n"
    )


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        ("4.2.2", "mailboxfull"),  # the record's own specific status names the cause
        ("4.4.1", "expired"),  # no answer from the host: what the give-up already says
        ("4.0.0", "expired"),  # a status with no detail names nothing
    ],
)
def test_a_reports_give_up_words_yield_to_the_records_own_cause(engine, status: str, reason: str) -> None:
    finding = engine.explain(_delay_warning(status)).findings[0]
    assert (finding.reason, finding.bounce) == (reason, "soft")


def test_a_rate_limit_yields_to_the_queue_running_out_of_time() -> None:
    # "slow down" kept the message waiting; the queue's give-up says why it failed
    matcher = Matcher(
        [
            _entry("give-up", "expired", "retry timeout exceeded", ("4.4.7", "5.4.7")),
            _entry("pace", "speeding", "sender rate limit exceeded, try again later"),
        ]
    )
    text = "retry timeout exceeded: 451 sender rate limit exceeded, try again later"
    matches, gave_up = cause_before_give_up(matcher.phrase_matches(set(), None, matcher.phrase_hits(text)))
    assert ([m.entry.id for m in matches], gave_up) == (["give-up", "pace"], None)
