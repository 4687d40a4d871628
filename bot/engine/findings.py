"""From an incident and the entry that explains it to a `Finding`: reason, hard or soft, codes.

Also the test for passive mode (an alert channel), where the engine speaks only when a text is
clearly about a mail delivery problem.
"""

from __future__ import annotations

import re

from .give_up import REACH_REASONS
from .incident import Incident
from .matcher import RANK_PHRASE, Match, statuses
from .model import Entry, Finding
from .normalize import shorten
from .phase import USER_REASONS, refine_reason, smtp_phase
from .retry import fixes_for_class, mixed_classes, retry_advice

MATCHED_TEXT_CHARS = 300
DIAGNOSTIC_CHARS = 1000
# the class a report's action gives a record that carries no code (RFC 3464 §2.3.3)
REPORTED_CLASS = {"failed": "5", "delayed": "4"}
SUCCESS_ACTIONS = frozenset({"delivered", "relayed", "expanded"})
# Reasons a report's structure decides, which no phase or local mailer rewrites.
STRUCTURAL_REASONS = frozenset({"feedback", "vacation", "delivered"})
PASSIVE_MIN_PHRASE = 12
# Words that on their own show a text is about mail, and words that only support them: a message
# queue, an image relay or a delivery webhook are not mail. Only passive mode asks: these are
# sources, compiled on first use by re (which keeps them).
MAIL_WORDS = (
    r"(?i)\b(?:e-?mails?|mails?|smtp|esmtp|gsmtp|mx|recipients?|sender|mailbox(?:es)?|bounced?|rcpt"
    r"|postmaster|mailer-daemon|dsn|spf|dkim|dmarc|helo|ehlo|undeliverable|mta)\b"
)
SUPPORTING_WORDS = r"(?i)\b(?:deliver\w*|relay\w*|quota|message)\b"


def make_finding(incident: Incident, match: Match, provider: str | None) -> Finding:
    """The finding for one record: the entry's advice with the record's own codes and words."""
    entry = match.entry
    reply, enhanced = incident.reply_code, incident.enhanced_code
    phase = incident.phase or smtp_phase(incident.text, incident.context)
    reason = _reason(incident, match, phase)
    # the class the advice speaks to: a delay warning's MTA retries whatever reply it quotes, a
    # report that gave up retries nothing; else the codes the text carried, not an implied one
    still_queued = _still_queued(incident)
    code_class = (
        "4" if still_queued else (reply or enhanced or "")[:1] or REPORTED_CLASS.get(incident.action or "")
    )
    implied = enhanced is None
    if implied:
        enhanced = _implied_status(entry, reply, incident.action)
    bounce = _bounce(entry, reply, enhanced, incident.action, still_queued=still_queued)
    if entry.permanence == "none" and incident.kind == "json" and not (reply or enhanced):
        # a sending service's own label for the record says nothing failed for this recipient
        # (Mailjet's "duplicate in campaign": the recipient got the one copy), whatever event
        # the service filed it under
        bounce = "none"
    return Finding(
        entry_id=entry.id,
        reason=reason,
        bounce=bounce,
        title=entry.title,
        meaning=entry.meaning,
        retry=retry_advice(entry, bounce, code_class, mixed_classes(reply, enhanced, bounce)),
        who=entry.who,
        causes=entry.causes,
        sender_fix=fixes_for_class(entry, bounce, code_class),
        admin_fix=entry.admin_fix,
        references=entry.references,
        confidence=match.confidence,
        matched_text=shorten(match.matched, MATCHED_TEXT_CHARS),
        reply_code=reply,
        enhanced_code=enhanced,
        enhanced_implied=implied and enhanced is not None,
        provider=provider or entry.provider,
        recipient=incident.recipient or None,  # "" is a format's "nobody, not even by guessing"
        remote_mta=incident.remote_mta,
        diagnostic=shorten(incident.text, DIAGNOSTIC_CHARS),
        smtp_phase=phase,
    )


def _reason(incident: Incident, match: Match, phase: str | None) -> str:
    entry = match.entry
    if entry.reason in STRUCTURAL_REASONS and incident.report != "bounce":
        return entry.reason
    # some providers' words mean one thing after DATA and another at RCPT TO (entry.reason_at_rcpt)
    stated = entry.reason_at_rcpt if phase == "RCPT" and entry.reason_at_rcpt else entry.reason
    # whether a server replied and whose wording it is matter only to a missing user's reason
    user_reason = stated in USER_REASONS
    reason = refine_reason(
        stated,
        phase,
        stated_status=incident.enhanced_code,
        from_bounce=incident.kind in ("email", "dsn"),
        weak_match=match.rank < RANK_PHRASE,
        replied=user_reason and _quotes_code(incident.text, incident.reply_code),
        provider_wording=user_reason
        and entry.provider is not None
        and entry.family != "mta"
        and match.rank >= RANK_PHRASE,
        user_words=entry.reason_at_rcpt in USER_REASONS,
    )
    if incident.action in SUCCESS_ACTIONS and success_codes(incident):
        return "delivered"  # a delivery report: whatever entry the 2xx code found, it worked
    if incident.action == "delayed" and reason in REACH_REASONS and _network_status(incident, reason, phase):
        # the MTA keeps retrying: the message waits in its queue (Sisimai: expired), and the
        # entry still explains what the last attempt ran into
        return "expired"
    if incident.local_mailer and reason not in ("mailboxfull", "systemfull", "expired"):
        # the local delivery program (procmail, a pipe) failed, whatever its words; not a message
        # still queued or given up on for time, which no program's failure explains
        return "mailererror"
    return reason


def _quotes_code(text: str, code: str | None) -> bool:
    """Whether the text quotes the reply code as a number of its own: not the "550" inside a
    phone number's address ("5550100199@vtext.com")."""
    start = text.find(code) if code else -1
    while start >= 0:
        end = start + len(code)
        if not (text[start - 1 : start].isdigit() or text[end : end + 1].isdigit()):
            return True
        start = text.find(code, start + 1)
    return False


def _network_status(incident: Incident, reason: str, phase: str | None) -> bool:
    """The record's enhanced status is about the network or routing (RFC 3463 X.4.x). A record
    with no code at all counts when its words are a refused or failed connection (phase NET) that
    the entry files as `blocked`: no server answered, so no policy refused the message (Sendmail's
    list of "transient non-fatal errors": "Deferred: Connection refused by ..."). A block in words
    ("sender blocked") or a 4xx reply is a server refusing; and without a code an unanswered host
    or a failed look-up keeps its reason, as Sisimai files them."""
    status = incident.enhanced_code
    if status is None:
        return reason == "blocked" and phase == "NET" and incident.reply_code is None
    return status.startswith("4.4.")


def success_only(incident: Incident) -> bool:
    """A 250 or a 2.0.0 in a bounce record that failed: a step that worked, not the failure."""
    if incident.action not in (None, "failed", "delayed"):
        return False  # a delivery report: the success is the news
    return success_codes(incident)


def success_codes(incident: Incident) -> bool:
    codes = [c for c in (incident.reply_code, incident.enhanced_code) if c]
    return bool(codes) and all(c[0] == "2" for c in codes)


def _implied_status(entry: Entry, reply: str | None, action: str | None) -> str | None:
    """The entry's own enhanced code of the right class, when the text gave none."""
    wanted = reply[0] if reply else ("4" if action == "delayed" else "5" if action == "failed" else None)
    stated = statuses(entry.codes)
    if not stated:
        return None
    if wanted:
        return next((c for c in stated if c[0] == wanted), None)
    return stated[0] if len(stated) == 1 else None


def _still_queued(incident: Incident) -> bool:
    """A delay warning: the reporting MTA holds the message and will try again (RFC 3464 section
    2.3.3, Action: delayed; a plain delay warning; a log's `deferred`). A sending service's
    "soft" or "transient" class (SES Transient, Mailjet's soft bounce) is its classification of a
    bounce that already happened, so there the codes still decide."""
    return incident.action == "delayed" and incident.kind != "json"


def _bounce(
    entry: Entry, reply: str | None, enhanced: str | None, action: str | None, still_queued: bool = False
) -> str:
    """Hard when anything says the failure is final: a 5xx code or a DSN that gave up. Soft:
    - a delay warning, whatever its codes: the reporting MTA still holds the message and will try
      again (RFC 3464 section 2.3.3, "delayed"), so a 5xx it quotes from the last attempt, or a
      5.x.x a soft_bounce setting left in place, is not the end of delivery yet;
    - a 4xx reply code, whatever status its text carries ("454 ... (#5.7.3)"): the sending
      server acts on the reply code (RFC 5321 section 4.2.1; RFC 3463 section 2 wants both of
      one class)."""
    if reply and enhanced and reply[0] == "4" and enhanced[0] == "5":
        enhanced = None
    classes = (reply or " ")[0] + (enhanced or " ")[0]  # each code's class, a blank for none
    if entry.reason == "delivered" and not ("4" in classes or "5" in classes):
        return "none"  # a delivery receipt, which a plain report's reader first takes for a failure
    if still_queued:
        return "soft"
    if "5" in classes or action == "failed":
        return "hard"
    if "4" in classes or action == "delayed":
        return "soft"
    if "2" in classes:
        return "none"
    return {"permanent": "hard", "temporary": "soft", "none": "none"}.get(entry.permanence, "soft")


def passive_ok(incident: Incident, match: Match) -> bool:
    """In an alert channel speak only when the text is clearly a mail delivery problem."""
    classes = {c[0] for c in (incident.reply_code, incident.enhanced_code) if c}
    if incident.action in SUCCESS_ACTIONS or (classes == {"2"} and incident.action is None):
        return False  # a delivery that worked, or a 250 OK: nothing went wrong
    if incident.report == "autoreply":
        return False  # someone is on holiday: no delivery problem
    if incident.structured:
        return True
    phrase = match.rank >= RANK_PHRASE
    mail_words = len(re.findall(MAIL_WORDS, incident.text))
    if incident.strong_code:
        if incident.enhanced_code:
            # an enhanced status code is SMTP's own; beside a reply code of its class, surely so
            both = incident.reply_code and incident.reply_code[0] == incident.enhanced_code[0]
            return bool(both or phrase or mail_words)
        # a reply code alone may be HTTP's or any other system's 500 or 503: it needs a mail
        # word, or SMTP's own wording for that very code ("451 ... local error in processing")
        agreed = phrase and incident.reply_code in match.entry.codes
        return mail_words > 0 or (agreed and len(match.matched) >= PASSIVE_MIN_PHRASE)
    # a recipient the text names in a failure's words ("wasn't delivered to a@b") supports too
    named = 1 if incident.recipient else 0
    return (
        phrase
        and len(match.matched) >= PASSIVE_MIN_PHRASE
        and mail_words > 0
        and mail_words + len(re.findall(SUPPORTING_WORDS, incident.text)) + named >= 2
    )
