"""Retry advice that agrees with the class of the code the server actually sent.

An entry's `retry` is written for its `permanence`. The same wording can arrive with the other
class (a filter's words after a 4xx greylisting reply, a quota message after a 5xx), and advice
for the wrong class is worse than none: "no, this is final" on a reply the sending server is
still retrying. So:
- an entry written for one class, found with the other, gives a sentence about the class
  received instead (an expired delivery keeps its own: the queue gave up, whatever its last
  reply's class);
- an entry for both classes (`either`) keeps its advice minus the sentences or clauses that
  speak only of the other class ("a 5.x.x code is final" is dropped for a 4.x.x reply).
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Entry

RETRY_WHEN_TEMPORARY = (
    "Yes, for now: this is a temporary failure, so the sending server retries by itself for a while. "
    "Unless the cause below goes away first, the retries end in a final bounce."
)
RETRY_WHEN_FINAL = (
    "Not automatically: this failure is final for this message, so nothing retries it. "
    "Fix the cause below, then send the message again."
)
# a code or class named in advice: 4xx, 5.x.x, 452, 4.2.2, (#5.1.2)
CLASS_MENTION_RE = re.compile(r"(?<![\w.])([45])(?:xx\b|\.x\.x\b|\d\d\b|\.\d{1,3}\.\d{1,3}\b)", re.IGNORECASE)
CLAUSE_END_RE = re.compile(r"(?<=[.;])\s+")


def mixed_classes(reply: str | None, enhanced: str | None, bounce: str) -> str | None:
    """A sentence for a reply whose codes disagree on the class, or None. The reply code decides
    what the sending server does (RFC 5321 §4.2.1); the status in the text only adds a detail. A
    report that says it gave up (a failed DSN after a 4xx) is final whatever the reply: no sentence."""
    if not (reply and enhanced) or reply[0] not in "45" or enhanced[0] not in "45" or reply[0] == enhanced[0]:
        return None
    if bounce != {"4": "soft", "5": "hard"}[reply[0]]:
        return None
    if reply[0] == "4":
        return (
            f"Yes, automatically, though likely in vain: the reply code {reply} is temporary, so the "
            f"sending server retries by itself (it goes by the reply code), but the text carries "
            f"{enhanced}, a permanent status, so each attempt will likely meet the same refusal "
            "until the cause below is fixed."
        )
    return (
        f"No: the reply code {reply} is permanent, so the sending server does not retry (it goes by "
        f"the reply code), although the text carries {enhanced}, a temporary status."
    )


def retry_advice(entry: Entry, bounce: str, code_class: str | None, mixed: str | None = None) -> str:
    """The advice for this finding: `bounce` is hard/soft/none, `code_class` the first digit of the
    code the text carried (None when it carried none), `mixed` a sentence on a reply whose codes
    disagree on the class (`mixed_classes`), said first."""
    advice = _advice(entry, bounce, code_class)
    if not mixed:
        return advice
    if advice in (RETRY_WHEN_TEMPORARY, RETRY_WHEN_FINAL):
        return mixed  # the class's own sentence says less than the mixed one
    return f"{mixed} {advice}"


def _advice(entry: Entry, bounce: str, code_class: str | None) -> str:
    if entry.permanence == "permanent" and bounce == "soft" and entry.reason != "expired":
        return RETRY_WHEN_TEMPORARY
    if entry.permanence == "temporary" and bounce == "hard":
        return RETRY_WHEN_FINAL
    if entry.permanence == "either":
        received = code_class or {"soft": "4", "hard": "5"}.get(bounce)
        if received in ("4", "5"):
            return _for_class(entry.retry, received)
    return entry.retry


@functools.lru_cache(maxsize=256)
def _for_class(advice: str, received: str) -> str:
    """The advice without the clauses that name only codes of the other class. A clause that names
    no class continues the one before it in the same sentence ("With 451 a look-up failed; your
    server retries by itself"), so it goes or stays with that one. The same few entries answer
    most findings: each advice is split once per class."""
    clauses = CLAUSE_END_RE.split(advice)
    kept = []
    dropping = False
    for clause in clauses:
        named = _classes_named(clause)
        if named:
            dropping = received not in named
        if not dropping:
            kept.append(clause)
        if clause.endswith("."):
            dropping = False
    if len(kept) == len(clauses):
        return advice
    if not kept:
        return RETRY_WHEN_TEMPORARY if received == "4" else RETRY_WHEN_FINAL
    sentences = [c[:-1] + "." if c.endswith(";") else c for c in kept]
    return " ".join(c[0].upper() + c[1:] for c in sentences)


def _classes_named(clause: str) -> set[str]:
    return {m.group(1) for m in CLASS_MENTION_RE.finditer(clause)}
