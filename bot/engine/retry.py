"""Retry advice that agrees with the class of the code the server actually sent.

An entry's `retry` is written for its `permanence`. The same wording can arrive with the other
class (a filter's words after a 4xx greylisting reply, a quota message after a 5xx), and advice
for the wrong class is worse than none: "no, this is final" on a reply the sending server is
still retrying. So:
- an entry written for one class, found with the other, gives a sentence about the class
  received instead (an expired delivery keeps its own: the queue gave up, whatever its last
  reply's class);
- an entry for both classes (`either`) keeps its advice minus the sentences or clauses that
  speak only of the other class ("a 5.x.x code is final" is dropped for a 4.x.x reply);
- with no code at all (a mail client's "The mail server responded: too many recipients") no
  class is known: advice that names classes is kept whole, after a sentence saying the code
  decides, rather than cut to the class an entry's default would guess.
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
NO_CODE = (
    "It depends on the code the server replied with, which this text does not show (the bounce "
    "message or the mail server's log has it)."
)
# a code or class named in advice: 4xx, 5.x.x, 452, 4.2.2, (#5.1.2)
CLASS_MENTION_RE = re.compile(r"(?<![\w.])([45])(?:xx\b|\.x\.x\b|\d\d\b|\.\d{1,3}\.\d{1,3}\b)", re.IGNORECASE)
CLAUSE_END_RE = re.compile(r"(?<=[.;])\s+")
# a fix written for a deferral, and what it says when nothing retries the message (plain strings:
# a regular expression compiled for the few answers that need one costs more than the search)
LATER = "send the message again yourself later"
QUEUE_RETRY_WORDS = (
    ("let your server's queue retry", LATER),
    ("let the queue keep retrying", LATER),
    ("let your server keep retrying", LATER),
    ("let the queue retry", LATER),
    ("let your queue retry", LATER),
    ("let your server retry", LATER),
    ("let the server retry", LATER),
    ("let the mta retry", LATER),
    ("the queue retries by itself", "then send the message again yourself"),
)
RETRY_WORDS = ("retr", "resend", "again", "wait")
PORT_WORDS = ("port ", "ports ")


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
        if code_class is None:
            return _without_code(entry.retry)
        if code_class in ("4", "5"):
            return _for_class(entry.retry, code_class)
    return entry.retry


@functools.lru_cache(maxsize=64)
def _without_code(advice: str) -> str:
    """Advice for both classes, found with no code: whole, after a sentence that the code decides."""
    if not _classes_named(advice):
        return advice
    return f"{NO_CODE} {advice}"


def fixes_for_class(entry: Entry, bounce: str, code_class: str | None) -> tuple[str, ...]:
    """The sender's fixes of an `either` entry for the class received: a fix that speaks only of
    the other class goes ("After a 4.4.5 let the queue retry" is false after a 5.4.5: nothing
    retries it), and so does the part of a fix that does."""
    if entry.permanence == "temporary" and bounce == "hard" and entry.reason != "expired":
        # words written for a deferral, found with a 5xx: nothing retries the message now
        return _fixes_when_final(entry.sender_fix)
    if entry.permanence != "either" or code_class not in ("4", "5"):
        return entry.sender_fix  # with no code, a fix for each class stands, each for its own
    return _fixes_for_class(entry.sender_fix, code_class)


@functools.lru_cache(maxsize=256)
def _fixes_for_class(fixes: tuple[str, ...], received: str) -> tuple[str, ...]:
    kept = []
    for fix in fixes:
        # a fix names codes for other reasons too ("addresses that bounced with 5.1.1", "port 465"):
        # only a part that names the other class and speaks of retrying goes
        lowered = fix.lower()
        if not any(word in lowered for word in RETRY_WORDS):
            kept.append(fix)  # most fixes: nothing about retrying, nothing to cut
            continue
        runs = _class_runs(fix)
        parts = [part for part in runs if not _retry_for_other_class(part, received)]
        if len(parts) == len(runs):
            kept.append(fix)
        elif parts:
            sentences = [p[:-1] + "." if p.endswith(";") else p for p in parts]
            kept.append(" ".join(p[0].upper() + p[1:] for p in sentences))
    return tuple(kept)


@functools.lru_cache(maxsize=64)
def _fixes_when_final(fixes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(_send_again_instead(fix) if "retr" in fix.lower() else fix for fix in fixes)


def _send_again_instead(fix: str) -> str:
    for words, instead in QUEUE_RETRY_WORDS:
        at = fix.lower().find(words)
        if at >= 0:
            instead = instead[0].upper() + instead[1:] if fix[at].isupper() else instead
            fix = fix[:at] + instead + fix[at + len(words) :]
    return fix


def _class_runs(text: str) -> list[str]:
    """The text cut where a clause names a class: each run is a clause that names one and the
    clauses after it in the same sentence that name none."""
    runs: list[str] = []
    for clause in CLAUSE_END_RE.split(text):
        if runs and not _classes_named(clause) and not runs[-1].endswith("."):
            runs[-1] += " " + clause
        else:
            runs.append(clause)
    return runs


def _retry_for_other_class(part: str, received: str) -> bool:
    lowered = part.lower()
    named = {
        m.group(1)
        for m in CLASS_MENTION_RE.finditer(part)
        if not lowered[max(0, m.start() - 6) : m.start()].endswith(PORT_WORDS)  # "port 465" is no code
    }
    return bool(named) and received not in named and any(word in lowered for word in RETRY_WORDS)


@functools.lru_cache(maxsize=256)
def _for_class(advice: str, received: str, keep_none: bool = False) -> str:
    """The advice without the clauses that name only codes of the other class. A clause that names
    no class continues the one before it in the same sentence ("With 451 a look-up failed; your
    server retries by itself"), so it goes or stays with that one. The same few entries answer
    most findings: each advice is split once per class. With `keep_none`, advice left with no
    clause is empty rather than the class's own sentence."""
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
        if keep_none:
            return ""
        return RETRY_WHEN_TEMPORARY if received == "4" else RETRY_WHEN_FINAL
    sentences = [c[:-1] + "." if c.endswith(";") else c for c in kept]
    return " ".join(c[0].upper() + c[1:] for c in sentences)


def _classes_named(clause: str) -> set[str]:
    return {m.group(1) for m in CLASS_MENTION_RE.finditer(clause)}
