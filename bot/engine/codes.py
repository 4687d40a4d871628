"""Finding reply codes and enhanced status codes in text, and telling SMTP use from other numbers."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# Both code patterns begin with the code's digits and only then look behind them (the "." or
# "..." in each look-behind stands for the digits already read): a pattern that begins with a
# look-behind is tried at every position of the text, one that begins with a digit class lets the
# regex engine skip straight to the next candidate digit, three times faster on whole emails.
# 5.7.26, but not part of 1.5.7.26, 5.7.26.1 or a version like v4.2.2; a one-digit subject
# (model.ENHANCED_CODE), so Yahoo's own 4.16.55 is no status code
ENHANCED_RE = re.compile(r"([245])(?<![\w.].)(?<!\d\..)\.(\d)\.(\d{1,3})(?!\.?\d)(?!\.[a-z0-9])", re.I)
# nor a software release ("X-MLServer: fml [fml 4.0.3 release (20011202/4.0.3)]", "version 2.1.5"):
# checked on a match only, not at every digit the pattern tries
VERSION_BEFORE = ("version ", "version: ", "ver. ", "release ", "rel. ")
VERSION_AFTER = ("release", "build", "beta", "alpha", "stable")
# 550, 550-5.7.26, #550 and 550?; not 5500, $550, 550.00, 555-123-4567, 550ms or 1/550; not
# after a number and a colon ("12:30: 550", "line 12: 550") unless the number ends an IPv4
# address ("host 192.0.2.8: 553", a layout several gateways write); not right after an ASCII
# word and a colon ("id:550"), while a label in another script may stand so ("服务器返回信息:552")
_REPLY_STANDS_ALONE = (
    r"(?<![\w.,/$€£+=@%-]...)(?<![0-9A-Za-z_]:...)"
    r"(?:(?<!\d:\s...)|(?<=\d\.\d:\s...)|(?<=\d\.\d\d:\s...)|(?<=\d\.\d{3}:\s...))"
    r"(?=[ \t]|,(?=[ \t])|-(?=[245]\.\d)|-[ \t]*[A-Za-z\[<('\"]|[:)\]';\"]|\?(?=\s|$)|$)"
)
# The code begins with one digit class and only then the look-behind keeps 334 and 354 alone of
# the 3xx: a pattern that begins with an alternation (`[245]..|3[35]4`) gets no first-character
# test, so the regex engine would try it at every position of the text.
REPLY_RE = re.compile(r"([2-5][0-5]\d)(?<=[245]..|3[35]4)" + _REPLY_STANDS_ALONE, re.M)
# The classes a DSN record's status or action implies for a reply code it leaves out.
REPLY_CLASSES = frozenset("245")


# What comes right before a reply code when a server or a log quotes it; searched in lower case.
# (Lower-casing the 24 characters before a code costs less than re.IGNORECASE, under which the
# regex engine cannot rule out an alternative by its first letter.)
REPLY_CONTEXT_RE = re.compile(
    r"(?:said|smtp;|error|returned|reply|response|responded|answer|code|status|failed"
    r"|rejected|host \S+|server)\W{0,6}$"
)
# What may stand between a line's start and a code quoted at it: quote marks, bullets, `<<<`.
LINE_START_CHARS = " \t>#'\"([*-"
REPLY_BEFORE_RE = re.compile(r"(?<!\d)[245][0-5]\d[ \t-]['\"]?#?$")


@dataclass(frozen=True, slots=True)
class CodeHit:
    """A code found in a text, where, and whether it stands the way SMTP puts its codes."""

    code: str
    start: int
    strong: bool  # used the way SMTP uses it, not just a number in a sentence


def enhanced_codes(text: str) -> list[CodeHit]:
    return list(_enhanced_hits(text))


# A format and then the incident reader (or a paragraph test and then the reader) look at the
# same text in turn; the hits of the latest few texts are kept rather than found again.
@functools.lru_cache(maxsize=16)
def _enhanced_hits(text: str) -> tuple[CodeHit, ...]:
    hits = []
    for m in ENHANCED_RE.finditer(text):
        before = text[max(0, m.start() - 24) : m.start()]
        after = text[m.end() : m.end() + 1]
        strong = bool(
            REPLY_BEFORE_RE.search(before)
            or before.endswith(("#", "(", "=", "status: ", "Status: ", "[", "<"))
            or at_line_start(before)
            or REPLY_CONTEXT_RE.search(before.lower())
        ) and after not in ("%",)
        if not strong and _software_release(text, m.end(), before):
            continue  # a code where SMTP puts one is never a version number
        hits.append(CodeHit(f"{m.group(1)}.{int(m.group(2))}.{int(m.group(3))}", m.start(), strong))
    return tuple(hits)


def _software_release(text: str, end: int, before: str) -> bool:
    """A version number, not a status: "fml 4.0.3 release", "(20011202/4.0.3)", "version 2.1.5"."""
    return (
        (before[-1:] == "/" and before[-2:-1].isdigit())
        or before[-10:].lower().endswith(VERSION_BEFORE)
        or (
            text[end : end + 1] in (" ", "\t")
            and text[end : end + 12].lstrip(" \t").lower().startswith(VERSION_AFTER)
        )
    )


def at_line_start(before: str) -> bool:
    """Whether the text before a code, from the last line break (or from its start), holds
    nothing but LINE_START_CHARS, then perhaps `<<<` and blanks: the code starts a line."""
    rest = before[before.rfind("\n") + 1 :].lstrip(LINE_START_CHARS)
    return not rest or (rest.startswith("<<<") and not rest[3:].strip(" \t"))


def reply_codes(text: str) -> list[CodeHit]:
    return list(_reply_hits(text))


@functools.lru_cache(maxsize=16)  # for the same reason as _enhanced_hits
def _reply_hits(text: str) -> tuple[CodeHit, ...]:
    return tuple(CodeHit(m.group(1), m.start(), is_strong_reply(text, m)) for m in REPLY_RE.finditer(text))


def is_strong_reply(text: str, m: re.Match[str]) -> bool:
    """Whether a REPLY_RE match in `text` stands the way SMTP puts its reply codes."""
    before = text[max(0, m.start() - 24) : m.start()]
    return bool(
        at_line_start(before)
        or REPLY_CONTEXT_RE.search(before.lower())
        or ENHANCED_RE.match(text[m.end() : m.end() + 14].lstrip(" -#"))
    )


# A number in a sentence that counts something or belongs to a longer number, not a code that
# was asked about: "550 users moved", "sent to 452 subscribers", "(threshold 500)", a phone
# number's groups ("+1 555 0142 550"), a version ("deploy 4.2.1 is out"), a duration ("452 ms"),
# an HTTP status ("HTTP 503", "503 Service Unavailable": HTTP_REASONS). Only a code that
# does not stand the SMTP way is read so: a reply quoted as a reply keeps its code. The counted
# word is matched as written: a server's text starts with a capital ("550 User unknown", "552
# MS-Office file ..."), a count in a sentence goes on in lower case. Sources, compiled on first
# use by re (which keeps them): only a code that stands weakly is looked at so.
COUNTED_AFTER = (
    r"[ \t]+(?:users|subscribers|recipients|messages|mails|e-?mails|people|customers|accounts"
    r"|mailboxes|domains|members|contacts|addresses|rows|records|tickets|items|skipped|sent"
    r"|queued|delivered|processed|moved|migrated|pending|more|seconds|minutes|hours|days"
    r"|signups|sign-ups|orders|visits|views|clicks|opens|downloads|installs|requests|pages?"
    r"|ms|msec|secs?|kb|mb|gb|bytes)\b"
)
COUNTED_BEFORE = (
    r"\b(?:threshold|limit|max|maximum|min|minimum|over|under|than|about|around|approx|top"
    r"|version|release|build|to|from|v|deploy|deployed|upgrade|upgraded|bumped|tagged|shipped"
    r"|http|http/[12](?:\.[01])?)[ \t]*$"
)
# An HTTP status with its own reason phrase ("503 Service Unavailable", "502 Bad Gateway"): a web
# server's answer. SMTP's codes of the same digits say other things (its 503 is a bad sequence of
# commands, its "Service unavailable" comes after 421 or 554), so only each status's own phrase,
# matched as written after it, counts.
HTTP_REASONS = {
    "400": "Bad Request", "401": "Unauthorized", "403": "Forbidden", "404": "Not Found",
    "405": "Method Not Allowed", "429": "Too Many Requests", "500": "Internal Server Error",
    "502": "Bad Gateway", "503": "Service Unavailable", "504": "Gateway Time",
}  # fmt: skip
# A sentence that speaks of HTTP before the number ("the list of HTTP status codes ends with
# 511", "the HTTPS endpoint answered with 550?"): the number is a web status, whatever stands next
# to it. The word stands alone (a URL's "https://" is no topic), and "SMTP" or "mail" after it
# brings the sentence back to mail ("HTTP is fine, but SMTP says 550"). Only a weak reply code is
# looked at so.
HTTP_TOPIC = r"(?i)(?<![\w/.-])https?(?![\w:/.-])(?![^.!?\n]*\b(?:e?smtp|e-?mails?|mail\w*|mx)\b)[^.!?\n]*$"
HTTP_TOPIC_CHARS = 60
NUMBER_GROUP_AFTER = r"[ \t]+\d{2,}(?![\d.:])"
NUMBER_GROUP_BEFORE = r"(?<![.:\d])\d{2,}[ \t]+$"


def reads_as_a_number(text: str, hit: CodeHit) -> bool:
    """Whether a code that does not stand the SMTP way counts something, is a group of a longer
    number or a version in its sentence (COUNTED_AFTER and the patterns beside it)."""
    if hit.strong:
        return False
    end = hit.start + len(hit.code)
    enhanced = hit.code.count(".") == 2
    if enhanced:  # found with its digits as written, perhaps "05"
        while end < len(text) and (text[end].isdigit() or text[end] == "."):
            end += 1
    before = text[max(0, hit.start - 12) : hit.start].lower()
    after = text[end : end + 14]
    if re.match(COUNTED_AFTER, after) or re.search(COUNTED_BEFORE, before):
        return True
    reason = HTTP_REASONS.get(hit.code)
    if reason and text[end : end + 32].lstrip(" \t").startswith(reason):
        return True
    if not enhanced and re.search(HTTP_TOPIC, text[max(0, hit.start - HTTP_TOPIC_CHARS) : hit.start]):
        return True
    if hit.code.startswith("40"):
        return True  # SMTP's 4xx replies are x2z and x5z (RFC 5321 4.2.1); "a 404" is a web page's
    # a status beside a number is a reply's detail ("571 5.7.1"), a reply code a phone number's group
    return not enhanced and bool(
        re.match(NUMBER_GROUP_AFTER, after) or re.search(NUMBER_GROUP_BEFORE, before)
    )


def first(hits: list[CodeHit], strong_only: bool = False) -> CodeHit | None:
    """The first failure code (4xx/5xx) if there is one, else the first code at all.

    A transcript lists the steps that worked (`250 Ok`) before the one that failed.
    """
    chosen = None
    for hit in hits:
        if hit.strong or not strong_only:
            if hit.code[0] in "45":
                return hit
            chosen = chosen or hit
    return chosen


def after_reply_code(text: str, hits: list[CodeHit]) -> CodeHit | None:
    """The enhanced code that follows a reply code (`550 5.7.1`): the remote server's own."""
    for hit in hits:
        if REPLY_BEFORE_RE.search(text, max(0, hit.start - 8), hit.start):
            return hit
    return None
