"""Words of the queue giving up, and an MTA's words around a reply it quotes, yield to words that
name a cause: the ranking rule that decides between them, applied to wording matches best first
(see matcher.py's table)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .matcher import statuses

if TYPE_CHECKING:
    from .matcher import Match
    from .model import Entry

# Wording about the queue giving up (how a delivery ended, not why), and wording too vague to
# name a cause in its place.
GIVE_UP_REASONS = frozenset({"expired"})
VAGUE_REASONS = frozenset({"onhold", "undefined"})
# A request to slow down is what kept the message waiting, not why it failed: beside the words of
# a queue whose time ran out ("retry timeout exceeded"), the message expired (Sisimai: expired).
PACE_REASONS = frozenset({"speeding"})
NO_CAUSE_REASONS = GIVE_UP_REASONS | VAGUE_REASONS | PACE_REASONS
# What a failed or refused connection or a failed DNS lookup of the destination is filed under:
# the story a frame around a quoted reply tells already; and on a delay warning with a network
# or routing status (X.4.x: no answer, connection refused or dropped, "Host not found, try
# again") the news is the wait, not the refusal or the lookup (findings.py).
REACH_REASONS = frozenset({"blocked", "networkerror", "hostunknown"})


def cause_before_give_up(matches: list[Match]) -> tuple[list[Match], Entry | None]:
    """Wording matches with the cause first when the best one only says the queue gave up, and
    the entry of the queue's give-up found beside a cause (None when there is none).

    A queue's give-up words ("retry timeout exceeded", "status=expired", "delivery attempts will
    continue") often come with the last reply that kept the message back ("mailbox is full",
    "user unknown"). The give-up says how the delivery ended, which decides hard or soft; the
    reply says why, and the reason is the why. So the best match of the same words that names a
    cause (`names_cause`) comes first, however long the give-up phrase. An MTA's frame around
    the reply it quotes (`frames_reply`) yields first, see _quoted_before_frame.
    """
    if not matches:
        return matches, None
    if matches[0].entry.frames_reply:
        matches = _quoted_before_frame(matches)
    if matches[0].entry.reason in PACE_REASONS:
        expired = next(
            (m for m in matches if m.entry.reason in GIVE_UP_REASONS and _time_expired(m.entry)), None
        )
        if expired is not None:
            return [expired, *(m for m in matches if m is not expired)], None
    if matches[0].entry.reason in GIVE_UP_REASONS:
        cause = next((m for m in matches if names_cause(m.entry)), None)
        if cause is None:
            return matches, None
        matches = [cause, *(m for m in matches if m is not cause)]
    elif not names_cause(matches[0].entry):
        return matches, None
    # the queue's lifetime ran out (RFC 3463 X.4.7) or a delay warning says it has not yet
    gave_up = next(
        (m.entry for m in matches if m.entry.reason in GIVE_UP_REASONS and _time_expired(m.entry)), None
    )
    return matches, gave_up


def _quoted_before_frame(matches: list[Match]) -> list[Match]:
    """Wording matches with the quoted reply's words before the frame an MTA put around them
    (Exchange's "Primary target IP address responded with: "452 4.2.2 Mailbox full""): the
    target answered, and its words say more than "could not deliver to the target". A cause
    comes first; else a give-up's words (the queue's story, which the rules above then read);
    else other words of the reply (a request to slow down, a server error Microsoft files under
    its own X.4.x codes). A failure to reach the host in the quoted words ("421 4.4.2
    Connection dropped due to SocketError", which Exchange writes itself) is the frame's own
    story and does not displace it; nor do vague words (the quoted status may then decide,
    evidence.py)."""
    said = [m for m in matches if not (m.entry.frames_reply or m.entry.when_no_code)]
    first = (
        next((m for m in said if names_cause(m.entry)), None)
        or next((m for m in said if m.entry.reason in GIVE_UP_REASONS), None)
        or next((m for m in said if m.entry.reason not in REACH_REASONS | VAGUE_REASONS), None)
    )
    return matches if first is None else [first, *(m for m in matches if m is not first)]


def _time_expired(entry: Entry) -> bool:
    return any(code.split(".")[1:] == ["4", "7"] for code in statuses(entry.codes))


def names_cause(entry: Entry) -> bool:
    """Whether an entry's words name why a delivery failed, beyond the queue giving up. A failure
    to reach the host (an entry of RFC 3463's network and routing codes, X.4.x: refused, timed
    out, no route, DNS) is the story the give-up already tells, so it does not count."""
    if entry.reason in NO_CAUSE_REASONS or entry.when_no_code or entry.frames_reply:
        return False
    return not any(code.split(".")[1] == "4" for code in statuses(entry.codes))
