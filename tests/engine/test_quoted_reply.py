"""An MTA's frame around the reply it quotes (`frames_reply`, Exchange's "Primary target IP
address responded with: "..."") yields to what the quoted reply says: its words that name a cause,
else its status that names one; a failure to reach the host stays the frame's own story."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.engine.give_up import cause_before_give_up
from bot.engine.matcher import Matcher
from bot.engine.model import Entry

FRAME = (
    'Primary target IP address responded with: "{}" '
    "Attempted failover to alternate host, but that did not succeed."
)


def _entry(
    entry_id: str, reason: str, phrase: str, codes: tuple[str, ...] = (), frames: bool = False
) -> Entry:
    return Entry(
        id=entry_id, title="t", reason=reason, permanence="temporary", retry="no", who="sender",
        meaning="m", sender_fix=("f",), references=("r",), examples=(phrase,), phrases=(phrase,),
        codes=codes, frames_reply=frames,
    )  # fmt: skip


MATCHER = Matcher(
    [
        _entry("frame", "networkerror", "attempted failover to alternate host", ("4.4.0",), frames=True),
        _entry("full", "mailboxfull", "mailbox full", ("4.2.2",)),
        _entry("dropped", "blocked", "connection dropped", ("4.4.2",)),
        _entry("pace", "speeding", "slow down", ("4.2.1",)),
        _entry("vague", "onhold", "see above"),
        _entry("give-up", "expired", "message expired", ("4.4.7",)),
    ]
)


def _best(text: str) -> str:
    matches, _ = cause_before_give_up(MATCHER.phrase_matches(set(), None, MATCHER.phrase_hits(text.lower())))
    return matches[0].entry.id


@pytest.mark.parametrize(
    ("quoted", "best"),
    [
        ("452 4.2.2 Mailbox full", "full"),  # a cause
        ("450 4.2.1 slow down", "pace"),  # a request to slow down says more than the frame
        ("421 4.4.2 Connection dropped", "frame"),  # the frame's own story
        ("550 see above", "frame"),  # vague words
    ],
)
def test_the_quoted_reply_words_before_the_frame(quoted: str, best: str) -> None:
    assert _best("451 4.4.0 " + FRAME.format(quoted)) == best


def test_a_give_up_around_the_frame_keeps_its_rules() -> None:
    assert (
        _best("550 4.4.7 message expired -> 451 4.4.0 " + FRAME.format("421 4.4.2 Connection dropped"))
        == "give-up"
    )
    assert _best("550 4.4.7 message expired -> 451 4.4.0 " + FRAME.format("452 4.2.2 Mailbox full")) == "full"


@pytest.mark.parametrize(
    ("quoted", "entry", "reason"),
    [
        ("452 4.2.2 Mailbox full.", "generic.mailboxfull.mailbox-full", "mailboxfull"),
        ("451 4.3.0 Temporary system failure. Please try again later.", "esc.x.3.0", "systemerror"),
        ("550 5.1.1 <ana@example.org>", "esc.x.1.1", "userunknown"),
        ("421 4.2.1 Unable to connect.", "exchange.target-unreachable", "networkerror"),
        ("421 4.4.2 Connection dropped due to SocketError.", "exchange.target-unreachable", "networkerror"),
        ("421 4.4.2 mx.example.org Error: timeout exceeded", "exchange.target-unreachable", "networkerror"),
    ],
)
def test_exchange_reads_the_reply_the_target_gave(
    engine: Engine, quoted: str, entry: str, reason: str
) -> None:
    (finding, *_) = engine.explain("451 4.4.0 " + FRAME.format(quoted)).findings
    # the record's own code stays, and with it the class: Exchange still retries
    assert (finding.entry_id, finding.reason, finding.reply_code, finding.bounce) == (
        entry,
        reason,
        "451",
        "soft",
    )


def test_a_delay_notice_reads_the_quoted_status(engine: Engine) -> None:
    notice = (
        "Delivery is delayed to these recipients or groups:\n\nyan@example.net\n\nSubject: Renewal\n\n"
        "This message hasn't been delivered yet. Delivery will continue to be attempted.\n\n"
        "Diagnostic information for administrators:\nGenerating server: AM0PR01MB1234.example.com\n"
        "yan@example.net\nRemote Server at mx.example.net (198.51.100.12) returned '451 4.4.0 {}'"
    )
    coded = engine.explain(notice.format(FRAME.format("451 4.3.0 Temporary system failure."))).findings[0]
    assert (coded.reason, coded.bounce) == ("systemerror", "soft")
    network = engine.explain(notice.format(FRAME.format("421 4.4.2 Connection dropped."))).findings[0]
    assert (network.reason, network.bounce) == ("expired", "soft")
