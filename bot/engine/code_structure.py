"""Any code read by its digits, when no entry holds it.

A reply code's digits each mean something (RFC 5321 §4.2.1): the first says whether the server
accepted, wants more, failed for now or failed for good; the second what the reply is about.
An enhanced status code has a class and a subject with fixed meanings (RFC 3463 §3), and only
its detail depends on the IANA registry. So a code nobody documented (`573`, `5.3.9`) still
says a good deal, and a number outside 2xx-5xx is no SMTP reply at all. These answers go to
someone who asked the bot; the engine never uses them for bounce records or in passive mode.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .entries import Entries
from .matcher import RANK_CLASS, Match
from .model import Entry

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .incident import Incident

STRUCTURE_REFERENCES = ("RFC 5321 §4.2.1", "RFC 5321 §4.2.3")
ENHANCED_REFERENCES = (
    "RFC 3463 §3",
    "https://www.iana.org/assignments/smtp-enhanced-status-codes/smtp-enhanced-status-codes.xhtml",
)
# The ids of the answers made here: they are no knowledge entries, so `kb show` knows none of them.
STRUCTURE_IDS = frozenset({"structure.reply-code", "structure.not-smtp", "structure.enhanced-code"})
MAX_QUESTION_CHARS = 200
# A three-digit number asked about as a code: the whole text, the start of a pasted reply, or
# after a word that introduces a code ("error 573", "what does 499 mean"). "port 587" is not one.
# A source compiled on first use by re (which keeps it): only a short chat text can ask.
QUESTION_CODE = (
    r"(?i)(?:^[\s>]{0,4}|\b(?:code|error|reply|response|status|smtp|esmtp|does|is|means?)\W{1,3})"
    r"(\d{3})(?=$|[\s?!,;:)'\"-]|\.(?!\d))"
)

REPLY_CLASSES = {
    "2": ("positive completion", "the server did what was asked"),
    "3": ("positive intermediate", "the server accepted the command and waits for more"),
    "4": ("transient negative completion", "the server refused for now; the same request may work later"),
    "5": ("permanent negative completion", "the server refused, and sending the same again will fail"),
}
REPLY_SUBJECTS = {
    "0": "syntax (a command or parameter the server could not accept as written)",
    "1": "information (status or help)",
    "2": "the connection (the transmission channel)",
    "5": "the mail system (the mailbox, the message or the server's policy)",
}
REPLY_NEXT_STEPS = {
    "2": ["Nothing failed. If a message still bounced, find the 4xx or 5xx reply in the bounce."],
    "3": ["Nothing failed: the client should send what the server asked for (the message, a password)."],
    "4": [
        "The sending server retries by itself; if it keeps failing for hours, read the words after "
        "the code and look for an enhanced status code (4.x.x) beside it.",
        "Search the receiving server's documentation for its exact wording: a non-standard code is "
        "that server's own.",
    ],
    "5": [
        "Read the words after the code and look for an enhanced status code (5.x.x) beside it: they "
        "carry the actual reason.",
        "Search the receiving provider's postmaster pages for the exact wording, or ask its "
        "postmaster: a non-standard code is that server's own.",
    ],
}
ENHANCED_CLASSES = {
    "2": "success",
    "4": "persistent transient failure (it may work if tried again)",
    "5": "permanent failure (it will not work as it stands)",
}
ENHANCED_SUBJECTS = {
    "0": "other or undefined status",
    "1": "addressing (the sender's or a recipient's address)",
    "2": "the recipient's mailbox",
    "3": "the receiving mail system",
    "4": "network and routing",
    "5": "the mail delivery protocol (SMTP commands and their order)",
    "6": "the message's content or media",
    "7": "security or policy",
}


class CodeStructure:
    """Explains codes by their parts; `registered` is every code an entry of ours holds."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        entries = Entries.of(entries)
        code_entry, codes = entries.column("is_code_entry"), entries.column("codes")
        self.registered = frozenset(c for i, held in enumerate(codes) if code_entry[i] for c in held)

    def answer(self, incident: Incident, code_matches: list[Match]) -> list[Match] | None:
        """A reading of the incident's code by its digits, for a question (free text or a bare
        code, never a bounce record) whose code no entry holds; None otherwise. A code found
        only here is written into the incident, so that the finding carries it."""
        if incident.structured or incident.kind not in ("code", "text", "smtp"):
            return None
        if any(m.matched in m.entry.codes for m in code_matches):
            return None  # an entry holds the very code: it answers
        enhanced, reply = incident.enhanced_code, incident.reply_code
        if enhanced and enhanced not in self.registered:
            return [Match(enhanced_entry(enhanced), RANK_CLASS, 0.4, enhanced)]
        if reply is None and enhanced is None and len(incident.text) <= MAX_QUESTION_CHARS:
            m = re.search(QUESTION_CODE, incident.text)
            reply = m.group(1) if m else None
        if reply and reply not in self.registered:
            if reply[0] in REPLY_CLASSES:
                incident.reply_code = reply  # a number outside 2xx-5xx is no reply code to carry
            return [Match(reply_entry(reply), RANK_CLASS, 0.4, reply)]
        return None


def reply_entry(code: str) -> Entry:
    """An answer for a three-digit code that no entry holds."""
    first, second = code[0], code[1]
    if first not in REPLY_CLASSES:
        return _not_smtp(code)
    name, gist = REPLY_CLASSES[first]
    subject = REPLY_SUBJECTS.get(second)
    if subject:
        about = f"The second digit, {second}, says the reply is about {subject}."
    elif second in "34":
        about = f"The second digit, {second}, is one RFC 5321 leaves unassigned (x3z and x4z)."
    else:
        about = f"The second digit, {second}, is outside the range RFC 5321 defines (0 to 5)."
    meaning = (
        f"{code} is not a standard SMTP reply code, but its digits still speak. The first digit, "
        f"{first}, makes it a {name} reply: {gist}. {about} The third digit only refines the "
        "second and has no fixed meaning. The server's own words after the code, and any "
        "enhanced status code beside it, say more than the number does."
    )
    return Entry(
        id="structure.reply-code",
        title=f"{code}: not a standard SMTP reply code; read by its digits",
        reason="undefined",
        permanence={"4": "temporary", "5": "permanent"}.get(first, "none"),
        retry={
            "4": "Usually yes: a 4xx refusal is temporary and the sending server retries by itself.",
            "5": "Not as it stands: a 5xx refusal is final; find the cause in the reply's words first.",
        }.get(first, "Nothing to retry: this reply is not a failure."),
        who="sender_admin" if first in "45" else "none",
        meaning=meaning,
        sender_fix=tuple(REPLY_NEXT_STEPS[first]),
        references=STRUCTURE_REFERENCES,
        examples=(),
    )


def _not_smtp(code: str) -> Entry:
    if code[0] == "1":
        why = (
            "RFC 5321 describes 1yz (positive preliminary) replies only to say that no SMTP command uses them"
        )
    else:
        why = "every SMTP reply code starts with 2, 3, 4 or 5"
    return Entry(
        id="structure.not-smtp",
        title=f"{code}: not an SMTP reply code",
        reason="undefined",
        permanence="none",
        retry="Not an SMTP answer, so there is nothing to retry at the mail level.",
        who="none",
        meaning=(
            f"{code} cannot be an SMTP reply: {why}. The number probably comes from another "
            "system: an HTTP status, a mail program's own error number, a log's counter."
        ),
        sender_fix=(
            "Look at what printed the number: a mail program's error (Outlook, Thunderbird) or a "
            "web service's status is not the mail server's reply.",
            "If a message bounced, paste the bounce itself: the server's reply in it starts with "
            "2, 3, 4 or 5.",
        ),
        references=STRUCTURE_REFERENCES,
        examples=(),
    )


def enhanced_entry(code: str) -> Entry:
    """An answer for an enhanced status code outside the IANA registry."""
    cls, subject, detail = code.split(".")
    subject_name = ENHANCED_SUBJECTS.get(subject)
    if subject_name:
        parts = (
            f"The subject, {subject}, is a registered one: {subject_name}. The detail, {detail}, is "
            f"not registered under it, so {code} is this server's own refinement."
        )
    else:
        parts = (
            f"The subject, {subject}, is not registered: RFC 3463 defines subjects 0 to 7 only, "
            f"so the detail, {detail}, has no registered meaning either."
        )
    return Entry(
        id="structure.enhanced-code",
        title=f"{code}: not in the IANA registry of enhanced status codes; read by its parts",
        reason="undefined",
        permanence={"4": "temporary", "5": "permanent"}.get(cls, "none"),
        retry={
            "4": "Usually yes: class 4 is a transient failure and the sending server retries.",
            "5": "Not as it stands: class 5 is a permanent failure; find the cause first.",
        }.get(cls, "Nothing to retry: class 2 reports success."),
        who="sender_admin" if cls in "45" else "none",
        meaning=(
            f"{code} is not in the IANA registry of SMTP enhanced status codes. Its class, {cls}, "
            f"means {ENHANCED_CLASSES[cls]}. {parts} The words the server sent with it carry the "
            "rest of the meaning."
        ),
        sender_fix=(
            "Read the server's words beside the code; search the receiving provider's postmaster "
            "pages for them.",
            f"Treat it as its class and subject say: a {cls}.{subject}.0 status"
            + (f" ({subject_name})." if subject_name else "."),
        ),
        references=ENHANCED_REFERENCES,
        examples=(),
    )
