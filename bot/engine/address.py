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


LOCAL_PART_END = frozenset(" \t:(,.>")  # what may follow a local part that stands alone on its line


def lines_naming_local_part(text: str, address: str) -> list[str]:
    """The lines that start with an address's local part alone, as the word it is: how GroupWise
    ("jwalker (user not found)") and AOL ("grannysmith55") list a recipient of their own domain.
    A local part shorter than three characters could be any word and is not looked for."""
    local = address.rsplit("@", 1)[0]
    if len(local) < 3 or "\n" in local:
        return []
    if text.isascii() and local.isascii():
        # where letters are ASCII, ignoring case is comparing lower case: the local part's own
        # occurrences are found by plain search, and each is checked for starting its line
        return _lines_starting_with(text, local.lower())
    # compiled per call: this runs only for a record the report names nowhere in full
    line_re = re.compile(rf"^[ \t>]*<?{re.escape(local)}(?:[ \t:(,.>]|$)", re.IGNORECASE | re.MULTILINE)
    lines = []
    for found in line_re.finditer(text):
        end = text.find("\n", found.start())
        lines.append(text[found.start() : end if end >= 0 else len(text)])
    return lines


def _lines_starting_with(text: str, local: str) -> list[str]:
    """The lines of an ASCII text that start with `local` (lower case) as lines_naming_local_part
    reads them: after blanks, quote marks and an angle bracket, and followed by the line's end or
    one of the characters that may end an address."""
    lowered = text.lower()
    lines = []
    pos = lowered.find(local)
    while pos >= 0:
        start = lowered.rfind("\n", 0, pos) + 1
        end = lowered.find("\n", pos)
        end = len(text) if end < 0 else end
        after = pos + len(local)
        alone = after == end or lowered[after] in LOCAL_PART_END
        if alone and lowered[start:pos].lstrip(" \t>") in ("", "<"):
            lines.append(text[start:end])
            pos = lowered.find(local, end)  # one line each, as a regex's matches would be
        else:
            pos = lowered.find(local, pos + 1)
    return lines


# A line that holds a local part alone, maybe in angle brackets and followed by a reason in
# parentheses or after a colon: "grannysmith55", "jwalker (user not found)". A source compiled
# on first use by re (which keeps it): few reports list a recipient so.
LOCAL_PART_LINE = rf"(?m)^[ \t]*<?([{ATEXT}]+(?:\.[{ATEXT}]+)*)>?[ \t]*(?:[:(][^\n]*)?$"


def complete_local_parts(report: str, email: str, exclude: set[str]) -> list[tuple[int, str]]:
    """The recipients a report lists by local part alone, each completed with the one address of
    that local part the email holds anywhere (the returned message's To, most often), with where
    its line starts in `report`. A local part that no address, or several, complete is left out,
    as are the addresses in `exclude` (the sender's) and the reporting system's."""
    completions: dict[str, set[str]] = {}
    for _, address in find_mailboxes(email, 200):
        if address.lower() not in exclude and not is_system_address(address):
            completions.setdefault(address.rsplit("@", 1)[0].lower(), set()).add(address)
    found = []
    for line in re.finditer(LOCAL_PART_LINE, report):
        candidates = {a.lower(): a for a in completions.get(line.group(1).lower(), ())}
        if len(candidates) == 1:
            found.append((line.start(1), next(iter(candidates.values()))))
    return found


# A display name and the angle address it names in a To or Cc field:
# `Siobhan Brennan <sbrennan@example.org>`, `"Brennan, Siobhan" <sbrennan@example.org>`.
NAME_ADDRESS_RE = re.compile(
    r"""(?:"([^"<>\n@]{3,80})"|([^"'<>\n,:;@()]{3,80}?))[ \t]*<([^<>\s@]{1,64}@[^<>\s@]{1,255})>"""
)
MAX_RECIPIENT_FIELDS = 20
# A To or Cc field's name at a line's start, searched from its line break: the regex engine
# jumps from one line break to the next.
RECIPIENT_FIELD_RE = re.compile(r"\n(to|cc):", re.IGNORECASE)


def complete_display_names(report: str, email: str, exclude: set[str]) -> list[tuple[int, str]]:
    """The recipients a report names by display name alone (Exchange's "Siobhan Brennan on
    6/7/2007 4:40 PM"), each completed with the address a To or Cc field of the email gives that
    name (the returned message's `To: Siobhan Brennan <sbrennan@example.org>`), with where its
    line starts in `report`. A name given to several addresses, the sender's and the reporting
    system's are left out."""
    names: dict[str, set[str]] = {}
    # a display name stands before an angle address: a field without one is not searched
    for field in (field for field in _recipient_fields(email) if "<" in field):
        for pair in NAME_ADDRESS_RE.finditer(field):
            name = " ".join((pair.group(1) or pair.group(2)).split()).lower()
            address = mailbox(pair.group(3))
            if address and address.lower() not in exclude and not is_system_address(address) and " " in name:
                names.setdefault(name, set()).add(address)
    found = []
    lowered = report.lower() if names else ""
    for name, addresses in names.items():
        if len({a.lower() for a in addresses}) != 1:
            continue
        line = _line_starting_with(lowered, name)
        if line >= 0:
            found.append((line, next(iter(addresses))))
    return sorted(found)


def _line_starting_with(lowered: str, name: str) -> int:
    """Where the first line that starts with `name` as a whole word starts (after blanks and
    quotes), or -1."""
    pos = lowered.find(name)
    while pos >= 0:
        line = lowered.rfind("\n", 0, pos) + 1
        after = lowered[pos + len(name) : pos + len(name) + 1]
        if not lowered[line:pos].strip(" \t'\"") and after in ("", " ", "\t", "\n", "'", '"'):
            return line
        pos = lowered.find(name, pos + 1)
    return -1


def _recipient_fields(email: str) -> list[str]:
    """The To and Cc fields anywhere in the email, each with its folded lines, the To fields
    first (found by one search from line break to line break: this runs on every report that
    may name someone by display name, and lower-casing the whole email cost more)."""
    starts: dict[str, list[int]] = {"to": [], "cc": []}
    for m in RECIPIENT_FIELD_RE.finditer(email):
        starts[m.group(1).lower()].append(m.end())
    fields = []
    for start in [*starts["to"], *starts["cc"]][:MAX_RECIPIENT_FIELDS]:
        end = email.find("\n", start)
        while end >= 0 and email[end + 1 : end + 2] in (" ", "\t"):
            end = email.find("\n", end + 1)  # a folded line belongs to the field
        fields.append(email[start : end if end >= 0 else len(email)])
    return fields
