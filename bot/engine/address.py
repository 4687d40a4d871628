"""Mail addresses as RFC 5321 writes them: found in text, and checked before anyone is named.

A bounce holds many strings with an `@` in them that are no recipient: a fragment of a JSON
notification, a maildir path, a Message-ID. Every recipient a format reports goes through
`mailbox()`, which accepts only a Mailbox (RFC 5321 section 4.1.2): a dot-string or quoted
local part of at most 64 octets, `@`, and a domain of dot-separated labels or an address literal.
A label may end with a hyphen, which RFC 1035's host names do not allow: a mistyped domain
("example-.com") is the very reason such mail bounces, and the bounce names the address as typed.
"""

from __future__ import annotations

import functools
import re

# atext of RFC 5322 section 3.2.3, the characters of a dot-string's atoms
ATEXT = "A-Za-z0-9!#$%&'*+/=?^_`{|}~-"
LABEL = r"[A-Za-z0-9][A-Za-z0-9-]{0,62}"
DOT_STRING_RE = re.compile(rf"[{ATEXT}]+(?:\.[{ATEXT}]+)*")
# a quoted local part is rare: its source is compiled on first use by re, which keeps it
QUOTED = r'"(?:[^"\\\r\n]|\\.){0,62}"'
DOMAIN_RE = re.compile(rf"{LABEL}(?:\.{LABEL})*\.[A-Za-z][A-Za-z0-9-]{{0,62}}|\[[0-9A-Fa-f.:]{{3,45}}\]")
# RFC 6531 (SMTPUTF8) lets a local part hold any character beyond ASCII, and RFC 5890 a domain
# label (a U-label); read here are the letters of the scripts that separate words by spaces:
# Latin (Latin-1 and Extended-A/B, not the signs × and ÷), Greek and Cyrillic. Not the scripts
# written without spaces (Chinese, Japanese, Thai): there a run of letters next to an ASCII
# address is the sentence around it, not part of the address. Only text other than ASCII can
# hold one, so the patterns that read them (UTF8_DOT_STRING, UTF8_DOMAIN, UTF8_CANDIDATE) are
# sources compiled on first use by re, which keeps them.
UTF8_LETTERS = "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0370-\u03ff\u0400-\u04ff"
UTF8_ATEXT = ATEXT + UTF8_LETTERS
UTF8_DOT_STRING = rf"[{UTF8_ATEXT}]+(?:\.[{UTF8_ATEXT}]+)*"
UTF8_LABEL = rf"[A-Za-z0-9{UTF8_LETTERS}][A-Za-z0-9{UTF8_LETTERS}-]{{0,62}}"
UTF8_DOMAIN = rf"{UTF8_LABEL}(?:\.{UTF8_LABEL})*\.[A-Za-z{UTF8_LETTERS}][A-Za-z0-9{UTF8_LETTERS}-]{{0,62}}"
# A candidate in running text: its parts are bounded, and the dot-string's shape is checked
# afterwards by mailbox(). It starts only where a run of local-part characters starts: one that
# starts inside a longer run is the tail of a string longer than any local part, or the end of a
# URL's path or query ("?email=a@example.com": "/", "?" and "&" are atext). The look-behind
# turns each place inside a word away at its first character, where reading on to the word's
# end from every one of them read a word once per letter. The local part is read once for both
# kinds of domain, and never gives characters back: `@` is no atext, so only the whole run can
# stand before it.
CANDIDATE_RE = re.compile(
    rf"(?<![.{ATEXT}])[.{ATEXT}]{{1,64}}+@"
    r"(?:(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z0-9-]{1,63}|\[[0-9A-Fa-f.:]{3,45}\])"
)
# In text other than ASCII the domain is one run of label characters and dots, which mailbox()
# then checks label by label: each class of these letters costs re a bitmap of their code points
# to compile, and one is enough.
UTF8_CANDIDATE = (
    rf"(?<![.{UTF8_ATEXT}])[.{UTF8_ATEXT}]{{1,64}}+@"
    rf"(?:[A-Za-z0-9{UTF8_LETTERS}.-]{{3,253}}|\[[0-9A-Fa-f.:]{{3,45}}\])"
)
# Local parts that are roles of the reporting system, never the failed recipient of a bounce.
SYSTEM_LOCAL_PARTS = frozenset({"mailer-daemon", "postmaster", "mail-daemon", "maildaemon"})
MAX_ADDRESS = 254
# The senders of automatic notices (Amazon SNS's no-reply@, a list's bounces@).
NOTICE_LOCAL_PARTS = frozenset({"noreply", "no-reply", "bounce", "bounces", "mailer"})
# A list manager's command addresses, which its replies tell the sender to write to: RFC 2142's
# LIST-request (Mailman, Majordomo), fml's LIST-ctl, owner-LIST (Majordomo, Sendmail's aliases).
LIST_COMMAND_SUFFIXES = ("-request", "-ctl")
LIST_COMMAND_PREFIX = "owner-"
# Header fields whose value names the bounce's sender, its reporting system or a message, never
# the failed recipient. Searched in the few characters before an address, so a flattened paste's
# `To: sender@example.com` reads as a field although it is not at a line's start. `RCPT TO:` and
# `MAIL FROM:` are SMTP commands, not fields: the first is a recipient (a lookbehind keeps it
# out), the second a sender (the field name `From:` keeps it out already).
HEADER_FIELDS = (
    "to|from|cc|bcc|reply-to|return-path|sender|delivered-to|x-original-to|envelope-to|"
    "resent-from|resent-to|resent-sender|message-id|in-reply-to|references|x-sender"
)
HEADER_WINDOW = 300
# also a field whose name ends in one of these (X-Original-To, Original-Mail-From), but not
# ARF's Original-Rcpt-To, which names the recipient.
# A source, not a compiled pattern: only an address no other reader placed is looked up this
# way, so re compiles it (and keeps it in its cache) on first use, not every process at import.
HEADER_NAME = rf"(?i)(?:^|[\s;,>])(?<!rcpt )(?:[a-z0-9]{{1,30}}-){{0,3}}(?<!rcpt-)(?:{HEADER_FIELDS})[ \t]*:"
# a display name before `<address>`: no colon (which would start another field) and not long
MAX_DISPLAY_NAME = 80
CONTEXT_WINDOW = 40
# The recipient's labels and words in the languages of localised reports: Chinese 收件人 (and
# 收信人, traditional 收件者), Japanese 宛先 (あて先, 送信先, 受信者), Korean 받는 사람 (받는 분,
# 수신자, 수신인), Russian "по адресу", "адресату", "получатель", in lower case (the cues of
# formats/cues.py search lower-case text). Not Russian "Кому:", which is the To field: like "To:",
# it names every addressee of a quoted message.
LOCALISED_RECIPIENT_WORDS = (
    r"收件人|收信人|收件者|宛先|あて先|送信先|受信者|받는 ?사람|받는 ?분|수신자|수신인"
    r"|по адресу|адресату|получател[ьюя]"
)
# The sender's labels in the same languages: Chinese 发件人 (發件人, 寄件人, 寄件者, 发信人),
# Japanese 差出人 (送信者, 送信元), Korean 보낸 사람 (보낸 분, 발신자, 발신인), Russian "От:",
# "Отправитель".
LOCALISED_SENDER_WORDS = (
    r"发件人|發件人|寄件人|寄件者|发信人|差出人|送信者|送信元|보낸 ?사람|보낸 ?분|발신자|발신인"
    r"|отправител[ьяю]|\bот"
)
# The sender's label in another language right before an address (`发件人：a@b`, `От: a@b`): a
# header field's value, as `From:` is, in a paste whose line breaks were lost (a source compiled
# on first use by re, which keeps it).
LOCALISED_SENDER_FIELD = rf"(?i)(?:{LOCALISED_SENDER_WORDS})[ \t]*[:：][ \t]*[<＜(\"'「]?$"
# the words that introduce a failed address: "delivered to", "the following recipients failed:",
# "Recipient address:" (a sender's address is introduced by "Sender address:"), "收件人：". Sources, as
# FAILURE_AFTER, compiled on first use by re (which keeps them): few texts need them.
FAILURE_BEFORE = (
    r"(?i)(?:\bto|(?:\brecipients?|(?<!sender )\baddress(?:es)?|\bfailed|\bpermanently|\bfollowing)"
    rf"\b[^:<>@.\"]{{0,20}}:|(?:{LOCALISED_RECIPIENT_WORDS})[ \t]*[:：]?)[ \t]*[<(\"'＜「]?$"
)
# `<a@b>: host said` (Postfix) and `a@b... User unknown` (Sendmail); a bare `a@b:` may end a
# sentence about the sender ("not accepting mail from a@b:")
FAILURE_AFTER = r">:|>?[ \t]?\.\.\."
# also the braces and backquotes of a programme's quoting: Python's {'a@b': ...}, `a@b`
TRIM = " \t<>()[]{}`'\".,;:"
# An X.400 O/R address carries the Internet address in a domain-defined attribute
# (`c=US;a= ;p=Org;o=Mail;dda:SMTP=jdoe@example.com;`, as Exchange 5.5's Internet Mail Service
# writes it; RFC 2156 section 4.2.2 names the attribute RFC-822): the `SMTP=` is the attribute's
# type, not part of the local part, although `=` is atext.
ATTRIBUTE_PREFIXES = ("smtp=", "rfc-822=", "rfc822=")


def mailbox(value: str | None) -> str | None:
    """The address in `value` (angle brackets, quotes and trailing punctuation taken off) when
    it is a Mailbox by RFC 5321's syntax, else None."""
    if not value:
        return None
    address = value.strip().strip(TRIM) if not value.endswith("]") else value.strip().lstrip(TRIM)
    if address.lower().startswith("mailto:"):
        address = address[7:]
    address = address[len(_attribute_prefix(address)) :]  # "SMTP=a@b", an X.400 attribute's value
    if len(address) > MAX_ADDRESS or "@" not in address:
        return None
    local, _, domain = address.rpartition("@")
    if not local or len(local) > 64 or "/" in local or "&" in local:
        # "/var/mail/user@host" or "Maildir/new/1.H2@host" is a path and "a&Endpoint=user@host"
        # a URL's query, whatever RFC 5322's atext allows
        return None
    dot_string = DOT_STRING_RE.fullmatch(local) if local.isascii() else re.fullmatch(UTF8_DOT_STRING, local)
    if not (dot_string or re.fullmatch(QUOTED, local)):
        return None
    if not (DOMAIN_RE.fullmatch(domain) if domain.isascii() else re.fullmatch(UTF8_DOMAIN, domain)):
        return None
    return address


def _attribute_prefix(value: str) -> str:
    """The X.400 attribute type that `value` starts with ("SMTP="), or ""."""
    if "=" not in value:
        return ""  # every type ends with "=": most values are read no further
    return next((p for p in ATTRIBUTE_PREFIXES if value[: len(p)].lower() == p), "")


def find_mailboxes(text: str, limit: int = 50) -> list[tuple[int, str]]:
    """Valid addresses in running text with where they start, in order, at most `limit`."""
    if "@" not in text:
        return []
    return list(_mailboxes(text, limit))


# Several readers of one bounce look at the same text in turn (its To and Return-Path for the
# sender's addresses, the lines that list recipients): the latest few texts' addresses are kept.
@functools.lru_cache(maxsize=16)
def _mailboxes(text: str, limit: int) -> tuple[tuple[int, str], ...]:
    found: list[tuple[int, str]] = []
    for m in (CANDIDATE_RE if text.isascii() else re.compile(UTF8_CANDIDATE)).finditer(text):
        start, candidate = m.start(), m.group(0)
        if not candidate.isascii():
            first, end = _one_script_span(candidate)
            start, candidate = start + first, candidate[first:end]
        prefix = _attribute_prefix(candidate)
        start, candidate = start + len(prefix), candidate[len(prefix) :]
        address = mailbox(candidate.strip("."))
        if address:
            found.append((start, address))
            if len(found) >= limit:
                break
    return tuple(found)


def _script(char: str) -> str | None:
    """The script of a letter an address may hold (Latin, Greek, Cyrillic), None for the rest."""
    if char.isascii():
        return "latin" if char.isalpha() else None
    code = ord(char)
    if code <= 0x24F:
        return "latin" if char.isalpha() else None
    return "greek" if code <= 0x3FF else "cyrillic" if code <= 0x4FF else None


def _one_script_span(candidate: str) -> tuple[int, int]:
    """Where the part of a candidate whose local part and each domain label keep to one script
    begins and ends.

    Registries restrict which characters a U-label may mix (RFC 5891 section 4.3; ICANN's IDN
    guidelines allow one script a label), and a local part of Latin and Cyrillic letters is a
    word glued to an address: "адресатana@example.org", "ana@example.orgпользователь". The
    local part is read back from the `@`, and each label on from its start, up to the first
    letter of another script."""
    at = candidate.rfind("@")
    first, script = at, None
    while first:
        letter = _script(candidate[first - 1])
        if letter and script and letter != script:
            break
        script = letter or script
        first -= 1
    end, script = at + 1, None
    while end < len(candidate):
        char = candidate[end]
        letter = _script(char)
        if letter and script and letter != script:
            break
        script = None if char == "." else letter or script
        end += 1
    return first, end


def is_system_address(address: str) -> bool:
    """postmaster@, MAILER-DAEMON@: the reporting system, not a recipient."""
    return address.rsplit("@", 1)[0].lower() in SYSTEM_LOCAL_PARTS


def is_list_command_address(address: str) -> bool:
    """A list manager's command address (LIST-request, LIST-ctl, owner-LIST), which its notices
    tell the sender to write to: in a report, the list system's own address, not a recipient."""
    local = address.rsplit("@", 1)[0].lower()
    return local.endswith(LIST_COMMAND_SUFFIXES) or local.startswith(LIST_COMMAND_PREFIX)


def is_role_address(address: str) -> bool:
    """The reporting system's own address or a list manager's command address: a report that
    names it names no failed recipient there."""
    return is_system_address(address) or is_list_command_address(address)


def is_reporting_address(address: str) -> bool:
    """A reporting system's own address (postmaster@, MAILER-DAEMON@) or the no-reply or bounce
    address a notice comes from: never the recipient a report is about."""
    local = address.rsplit("@", 1)[0].lower()
    return local in SYSTEM_LOCAL_PARTS or local in NOTICE_LOCAL_PARTS


def follows_header_field(text: str, start: int) -> bool:
    """Whether the address at `start` is the value of a message header field (`To: a@b`,
    `From: Name <a@b>`, `发件人：a@b`, `Message-ID: <x@host>`, the second address of `Cc: a@b, c@d`): the
    bounce's own or the returned message's header, read inline where line breaks were lost."""
    label = text[max(0, start - CONTEXT_WINDOW) : start]
    if not label.isascii() and re.search(LOCALISED_SENDER_FIELD, label):
        return True
    window = text[max(0, start - HEADER_WINDOW) : start]
    fields = list(re.finditer(HEADER_NAME, window))
    if not fields:
        return False
    field = fields[-1]
    # `Name <a@b>, c@d, "Last, First" <` between the field name and this address: each earlier
    # item of the list holds one address, the last item only a display name
    *earlier, last = window[field.end() :].split(",")
    if any(len(find_mailboxes(item, 2)) != 1 or ":" in item for item in earlier):
        return _quoted_comma(window[field.end() :])
    name = last.strip().rstrip("<").strip()
    return "@" not in name and ":" not in name and len(name) <= MAX_DISPLAY_NAME


def _quoted_comma(value: str) -> bool:
    """A value whose only comma stands in a quoted display name (`"Chen, Amy" <`)."""
    return value.count('"') == 2 and value.rstrip().endswith("<") and ":" not in value and "@" not in value


def in_failure_context(text: str, start: int, address: str) -> bool:
    """Whether the words around the address at `start` name it as the one a failure is about:
    `delivered to a@b`, `recipients failed: a@b`, `<a@b>: host said`, `a@b... User unknown`."""
    before = text[max(0, start - CONTEXT_WINDOW) : start]
    after = text[start + len(address) : start + len(address) + CONTEXT_WINDOW]
    return bool(re.search(FAILURE_BEFORE, before) or re.match(FAILURE_AFTER, after))
