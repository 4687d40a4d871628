"""The words people see for a finding: a plain-English label for each reason, a title that does
not repeat the codes shown beside it, and the labels of an answer's facts and parts.

Reasons keep Sisimai's names in the engine and in JSON, so answers stay comparable with its
labelled corpus; Slack and the terminal show the label instead ("Recipient address does not
exist", not `userunknown`). Both renderers take their words from here, so they cannot drift apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .engine.model import Finding

REASON_LABELS: dict[str, str] = {
    "authfailure": "Sender not authenticated (SPF, DKIM or DMARC failed)",
    "badreputation": "Sender's reputation too low",
    "blocked": "Sending server blocked",
    "contenterror": "Message format or content refused",
    "delivered": "Delivered (not a failure)",
    "exceedlimit": "Message larger than the recipient accepts",
    "expired": "Delivery delayed or timed out",
    "failedstarttls": "Encrypted connection (STARTTLS) failed",
    "feedback": "Complaint report (feedback loop)",
    # Sisimai's "filtered" is a refusal after DATA, or one whose step a bounce does not name: a
    # filter's, or a server's "mailbox unavailable" that may mean a missing user (RFC 3463 §3.2
    # would need an X.1.x status to say so). The label must fit both.
    "filtered": "Refused by the recipient's server or its filter",
    "hasmoved": "Recipient address has moved",
    "hostunknown": "Recipient domain not found",
    "mailboxfull": "Recipient's mailbox is full",
    "mailererror": "Delivery program failed on the receiving side",
    "mesgtoobig": "Message too big for the receiving server",
    "networkerror": "Network or DNS problem",
    "norelaying": "Relaying not allowed",
    "notaccept": "Receiving domain accepts no mail",
    "notcompliantrfc": "Message breaks the email format standards",
    "onhold": "Undetermined (the reply does not say why)",
    "policyviolation": "Refused by the receiver's policy",
    "rejected": "Sender address refused",
    "requireptr": "Sending server has no valid reverse DNS",
    "securityerror": "Login or security check failed",
    "spamdetected": "Judged to be spam",
    "speeding": "Sending too fast (rate limited)",
    "suppressed": "Address on a suppression list",
    "suspend": "Recipient's account disabled or suspended",
    "syntaxerror": "SMTP command or protocol error",
    "systemerror": "Receiving server error",
    "systemfull": "Receiving server full or overloaded",
    "toomanyconn": "Too many connections or recipients",
    "undefined": "Undetermined",
    "userunknown": "Recipient address does not exist",
    "vacation": "Automatic reply (out of office)",
    "virusdetected": "Virus or malware found",
}

BOUNCE_LABELS = {
    "hard": "Hard bounce (permanent)",
    "soft": "Soft bounce (temporary)",
    "none": "Not a failure",
}

# The parts of an answer below its facts, in the order both renderers show them.
MEANING = "What it means"
CAUSES = "Likely causes"
SENDER_FIX = "How to fix it (sender)"
ADMIN_FIX = "How to fix it (recipient's admin)"
REFERENCES = "References"
SERVER_SAID = "The server said"
NOTHING_TO_EXPLAIN = "Nothing to explain."
TRUNCATED = "The text was long: I read only its first part."
# beside an enhanced status the text did not carry, which the engine takes from the entry
IMPLIED_NOTE = "not in the text: the usual status for this meaning"

_CODE = r"(?:[2-5]\d\d|[2-5X]\.\d{1,3}\.\d{1,3})"
LEADING_CODE_RE = re.compile(rf"^({_CODE})[:,]?\s+", re.IGNORECASE)
TRAILING_CODES_RE = re.compile(rf"\s*\(({_CODE}(?:\s*[/,]\s*{_CODE}){{0,4}})\)\s*$", re.IGNORECASE)
CODE_RE = re.compile(_CODE, re.IGNORECASE)


# Labels that read as final, for a temporary failure of the same reason.
SOFT_REASON_LABELS = {
    "notaccept": "Receiving server not accepting mail for now",
}


def reason_label(reason: str, bounce: str | None = None) -> str:
    """The plain-English label for a Sisimai reason name; an unknown name is shown as it is."""
    if bounce == "soft" and reason in SOFT_REASON_LABELS:
        return SOFT_REASON_LABELS[reason]
    return REASON_LABELS.get(reason, reason)


def _shown(code: str, shown: list[str]) -> bool:
    if code[0] in "xX":
        return any(s.endswith(code[1:]) for s in shown if "." in s)
    return code in shown


def display_title(title: str, codes_label: str) -> str:
    """The entry's title without the codes the answer already shows beside it.

    "421" + "421: the server is not available" reads as a stutter; so does a title ending in
    "(5.7.504)" next to "550 5.7.504". Codes the answer does not show stay in the title.
    """
    shown = codes_label.split()
    if not shown:
        return title
    text = title
    while match := LEADING_CODE_RE.match(text):
        if not _shown(match.group(1), shown):
            break
        text = text[match.end() :]
    trailing = TRAILING_CODES_RE.search(text)
    if trailing and any(_shown(c, shown) for c in CODE_RE.findall(trailing.group(1))):
        text = text[: trailing.start()]
    if not text:
        return title
    return text[0].upper() + text[1:] if text != title else title


def bounce_label(bounce: str) -> str:
    return BOUNCE_LABELS.get(bounce, bounce)


def finding_title(finding: Finding) -> str:
    """The codes, then the title without them: "550 5.1.1 The mailbox does not exist". Only the
    codes the text carried: a status implied from the entry is a fact of its own ("Implied code")."""
    return f"{finding.codes_label} {display_title(finding.title, finding.codes_label)}".strip()


@dataclass(frozen=True, slots=True)
class Fact:
    """One short fact beside a finding's title. `key` lets a renderer format a value its own way
    (Slack shows the recipient and the remote server as code); `value` is the raw text."""

    key: str
    label: str
    value: str


def _first_upper(text: str) -> str:
    # str.capitalize() would also lower the rest and print "dns" for "DNS"
    return text[:1].upper() + text[1:]


def facts(finding: Finding, show_recipient: bool) -> list[Fact]:
    """The facts an answer shows under a finding's title, in order; empty ones left out."""
    implied = finding.implied_code
    every = [
        Fact("reason", "Reason", reason_label(finding.reason, finding.bounce)),
        Fact("implied", "Implied code", f"{implied} ({IMPLIED_NOTE})" if implied else ""),
        Fact("bounce", "Bounce", bounce_label(finding.bounce)),
        Fact("retry", "Retry?", finding.retry),
        Fact("who", "Who must act", _first_upper(finding.who_label)),
        Fact("provider", "Provider", finding.provider or ""),
        Fact("recipient", "Recipient", (finding.recipient or "") if show_recipient else ""),
        Fact("remote", "Remote server", finding.remote_mta or ""),
    ]
    return [fact for fact in every if fact.value]
