"""The SMTP phase a failure happened in, and what that phase says about the reason.

A server's words alone can mislead: "user unknown" sent back after the message body was accepted
is a filter speaking, not a directory look-up, and a bare "550" at the greeting says the sending
host was turned away before any address was named. MTAs state the phase ("in reply to end of DATA
command", "after RCPT TO", a `>>> DATA` / `<<< 550` transcript), so we read it and let it refine
the reason label the same way the Sisimai taxonomy does.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import re2

# Phase names: NET (no connection), CONN (the greeting), HELO, MAIL, RCPT, DATA. The phase of
# each command word the regexes below capture (a whole word: a transcript's four letters, or
# one of _COMMAND's words), lower-cased.
_PHASE_WORDS = {
    **dict.fromkeys(("end of data", "data", "end of message", "message body", "body"), "DATA"),
    "rcpt": "RCPT",
    "mail": "MAIL",
    **dict.fromkeys(("helo", "ehlo", "lhlo", "starttls", "auth"), "HELO"),
    **dict.fromkeys(("initial connection", "connect", "greeting", "banner", "smtp greeting"), "CONN"),
}
# "in reply to RCPT TO command" (Postfix), "after end of data" (Exim), "after MAIL FROM" ...; not
# a host name that starts with such a word ("generated on mail.example.net").
# These two are searched in lower-cased text and start with plain words, not \b, which lets the
# regex engine skip ahead to the words' first letters; _at_word_start() then checks the boundary.
# Localised templates say the same ("nach RCPT-Befehl", "als Antwort auf den RCPT TO-Befehl",
# "en réponse à la commande RCPT TO", "en respuesta al comando RCPT TO", "in risposta al comando
# RCPT TO", "em resposta ao comando RCPT TO", "als antwoord op RCPT TO"); a German "-Befehl" or
# "-Kommando" after the command word is no host name.
# The words before the command are grouped by their first letter: at most one of them can match
# at a place (none begins another), so the grouping finds what a flat list finds, and the regex
# engine, which tries every place that starts with one of these letters, gives up sooner at each.
_BEFORE = (
    r"a(?:fter|t|ls antwo(?:rt auf|ord op)|près|pós)|o(?:n|ur)|d(?:uring|espués de|opo)"
    r"|e(?:n (?:réponse à|respuesta al?)|m resposta ao?)|in (?:reply to|risposta al?)|nach"
)
_ARTICLE = r"the|den|dem|la commande|comando|el comando|il comando|o comando|het"
_COMMAND = (
    r"end of data|data|end of message|rcpt|mail|helo|ehlo|lhlo|starttls|auth|initial connection"
    r"|connect|greeting|smtp greeting|banner"
)
_STATED_RE = re.compile(
    rf"(?:{_BEFORE})\s+(?:(?:{_ARTICLE})\s+)?({_COMMAND})\b(?![.-](?!befehl\b|kommando\b)\w)"
)
# The same words for RE2, less the look-ahead, at a word's start: in ASCII text it matches
# wherever _STATED_RE matches at a word's start (its classes spell out what re's \s and \w
# hold there), and a few places more. RE2 reads a text in one linear pass, where `re` tries
# _STATED_RE at every a, d, e, i, n and o, so a text it finds nothing in is done with sooner.
# Text beyond ASCII, where RE2's \b and \s hold less than re's, goes to _STATED_RE alone.
_SPACE = r"[\t\n\x0b\f\r \x1c-\x1f]"
PRE_TEST_MIN_CHARS = 60
_MAY_STATE = rf"(?:^|[^0-9A-Za-z_])(?:{_BEFORE}){_SPACE}+(?:(?:{_ARTICLE}){_SPACE}+)?(?:{_COMMAND})\b"
# Yahoo's layout tags the reply with the step: "... User Unknown [RCPT_TO]".
_TAGGED_RE = re.compile(r"\[(RCPT_TO|MAIL_FROM|DATA|CONNECT|HELO|EHLO)\]")
_TAG_PHASES = {"RCPT_TO": "RCPT", "MAIL_FROM": "MAIL", "DATA": "DATA", "CONNECT": "CONN"}
# Some gateways name the step before the host that answered: "SMTP:RCPT host 192.0.2.8: 553 ..."
# (searched in lower case). A source compiled on first use by re (which keeps it): few texts
# hold "smtp:".
_STEP_HOST = r"\bsmtp:(rcpt|mail|data|helo|ehlo)[ \t]+host\b"
# A session transcript: the last command we sent before the server's failing reply.
_TRANSCRIPT_RE = re.compile(r"^[ \t]*(?:>>>|-->|->|C:)[ \t]*([A-Za-z]{4})\b.*?$", re.M)
_FAILING_REPLY_RE = re.compile(r"^[ \t]*(?:<<<|<--|<-|S:)[ \t]*[45]\d\d\b", re.M)
_CONNECT_FAILURE_RE = re.compile(
    r"(?:connect(?:ion)? to \S+ (?:failed|refused|timed out)|connection (?:refused|timed out)"
    r"|no route to host|could not connect|unable to connect)\b"
)

# qmail-remote names the step in words of its own, one sentence per step (qmail-remote.c: "<host>
# does not like recipient.", "Connected to <host> but sender was rejected." ...); the remote reply
# follows on the next line without them. Searched in lower-cased text.
_QMAIL_STEPS = (
    ("does not like recipient", "RCPT"),
    ("but sender was rejected", "MAIL"),
    ("but my name was rejected", "HELO"),
    ("but greeting failed", "CONN"),
    ("failed on data command", "DATA"),
    ("failed after i sent the message", "DATA"),
)

USER_REASONS = frozenset({"userunknown"})
# Entries that only restate a code (or a record with no words at all) give way to the phase.
PHASE_REASONS = {"CONN": "blocked", "HELO": "blocked", "MAIL": "rejected"}


def _normalise(word: str) -> str | None:
    return _PHASE_WORDS.get(word.lower())


def _at_word_start(regex: re.Pattern[str], lowered: str, pos: int = 0) -> re.Match[str] | None:
    """The first match of `regex` that does not begin inside a word, read from `pos` on (a place
    no such match starts before, and no match that starts before reaches)."""
    for m in regex.finditer(lowered, pos):
        start = m.start()
        if not start or not (lowered[start - 1].isalnum() or lowered[start - 1] == "_"):
            return m
    return None


def _first_candidate(lowered: str) -> int | None:
    """Where _STATED_RE may first match at a word's start in a lower-cased text: None when it
    surely matches nowhere (see _MAY_STATE). A short text costs `re` less than a call into RE2
    does, and is read whole, as is a text beyond ASCII."""
    if len(lowered) < PRE_TEST_MIN_CHARS or not lowered.isascii():
        return 0
    found = _may_state_regex().search(lowered.encode())
    # RE2's match starts at the text's start or at the character before the leading words
    return None if found is None else found.start()


def _stated(lowered: str) -> re.Match[str] | None:
    """The first match of _STATED_RE at a word's start, read from where RE2 finds the first
    candidate: _MAY_STATE matches wherever _STATED_RE matches at a word's start, and a match of
    _STATED_RE that begins inside a word ends before any word that could begin another (none of
    the words after the first of its leading words begins one of them), so the text before
    that place holds nothing that reading the whole text would find."""
    start = _first_candidate(lowered)
    return None if start is None else _at_word_start(_STATED_RE, lowered, start)


@functools.cache
def _may_state_regex() -> re2._Regexp:
    """_MAY_STATE compiled on first use: a bare code never needs it, nor RE2 itself (imported
    here, as the knowledge patterns import it with the first one a text needs)."""
    import re2

    return re2.compile(_MAY_STATE.encode())


def smtp_phase(*texts: str) -> str | None:
    """The phase a failure happened in, read from the diagnostic first, then its context."""
    for text in texts:
        if not text:
            continue
        # cheap substring tests first: most texts hold no transcript and no tag
        failing = _FAILING_REPLY_RE.search(text) if ("<<<" in text or "<-" in text or "S:" in text) else None
        if failing:
            commands = list(_TRANSCRIPT_RE.finditer(text, 0, failing.start()))
            if commands:
                phase = _normalise(commands[-1].group(1))
                if phase:
                    return phase
        tagged = _TAGGED_RE.search(text) if "[" in text else None
        if tagged:
            return _TAG_PHASES.get(tagged.group(1), "HELO")
        lowered = text.lower()
        step = re.search(_STEP_HOST, lowered) if "smtp:" in lowered else None
        if step:
            return _normalise(step.group(1))
        stated = _stated(lowered)
        if stated:
            phase = _normalise(stated.group(1))
            if phase:
                return phase
        qmail_step = next((step for words, step in _QMAIL_STEPS if words in lowered), None)
        if qmail_step:
            return qmail_step
        # every wording above contains one of these two: a substring test skips most texts
        if ("connect" in lowered or "no route" in lowered) and _at_word_start(_CONNECT_FAILURE_RE, lowered):
            return "NET"  # no server answered: nothing was refused
    return None


def refine_reason(
    reason: str,
    phase: str | None,
    stated_status: str | None,
    from_bounce: bool,
    weak_match: bool,
    replied: bool = True,
    provider_wording: bool = False,
    user_words: bool = False,
) -> str:
    """The reason label once the phase is known.

    `stated_status` is the enhanced code the text itself gave (not one implied by the entry);
    `from_bounce` says the text is a bounce message or record, where the reporting MTA would have
    named the recipient phase if there had been one; `weak_match` says only a code, not the
    server's words, chose the entry; `replied` says a remote server gave an SMTP reply code (a
    local directory that finds no such user gives none, and is not a filter);
    `provider_wording` says the entry is a provider's own wording for a missing account, which
    names the cause whatever the phase; `user_words` says the entry's words mean a missing user
    when refused at RCPT TO (its `reason_at_rcpt`) and something else after DATA.
    """
    if reason in USER_REASONS and phase == "MAIL":
        # no recipient has been named yet at MAIL FROM: an unknown or unavailable mailbox
        # there is the sender's address
        return "rejected"
    if reason in USER_REASONS and not provider_wording:
        user_status = bool(stated_status) and stated_status.split(".")[1] == "1"
        if phase == "DATA" and not user_status:
            return "filtered"
        if phase is None and from_bounce and replied and not user_status:
            return "filtered"
        return reason
    if user_words and phase == "DATA" and stated_status and stated_status[1:4] == ".2.":
        # words that at RCPT TO mean a missing user, given after DATA with a status about the
        # recipient's existing mailbox (X.2.x, RFC 3463 §3.3): that mailbox's own reception
        # settings refused the message (Docomo's "550 Unknown user" after DATA, Status: 5.2.0)
        return "filtered"
    if weak_match and phase in PHASE_REASONS:
        return PHASE_REASONS[phase]
    return reason
