"""Words of the queue giving up yield to words that name a cause: the ranking rule that decides
between them, applied to wording matches best first (see matcher.py's table)."""

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


def cause_before_give_up(matches: list[Match]) -> tuple[list[Match], Entry | None]:
    """Wording matches with the cause first when the best one only says the queue gave up, and
    the entry of the queue's give-up found beside a cause (None when there is none).

    A queue's give-up words ("retry timeout exceeded", "status=expired", "delivery attempts will
    continue") often come with the last reply that kept the message back ("mailbox is full",
    "user unknown"). The give-up says how the delivery ended, which decides hard or soft; the
    reply says why, and the reason is the why. So the best match of the same words that names a
    cause (`names_cause`) comes first, however long the give-up phrase.
    """
    if not matches:
        return matches, None
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


def _time_expired(entry: Entry) -> bool:
    return any(code.split(".")[1:] == ["4", "7"] for code in statuses(entry.codes))


def names_cause(entry: Entry) -> bool:
    """Whether an entry's words name why a delivery failed, beyond the queue giving up. A failure
    to reach the host (an entry of RFC 3463's network and routing codes, X.4.x: refused, timed
    out, no route, DNS) is the story the give-up already tells, so it does not count."""
    if entry.reason in NO_CAUSE_REASONS or entry.when_no_code:
        return False
    return not any(code.split(".")[1] == "4" for code in statuses(entry.codes))
