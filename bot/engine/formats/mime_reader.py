"""A small, fast MIME reader for bounce emails.

The standard library's `email` parser handles every corner of MIME, but it walks the message
line by line and costs milliseconds per bounce. A bounce needs much less: headers, multipart
boundaries, and base64 / quoted-printable decoding of text parts. This reader does just that and
never raises on malformed input.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from ..normalize import without_surrogates

# The fields this reader itself needs in every part; a caller names any others it wants from the
# top part (a bounce's From or Subject). Fields nobody reads are not collected: a bounce's header
# block is mostly Received, DKIM and ARC lines.
MIME_FIELDS = ("content-type", "content-transfer-encoding")
# A parameter name starts where a word starts and never gives characters back: tried inside a
# word, or backtracking within one, it could only fail again, at a cost quadratic in the word
# (a 40-character boundary string).
PARAM_RE = re.compile(r'(?<!\w)(\w[\w*-]*+)\s*=\s*(?:"([^"]*)"|([^\s;"]+))')
MAX_DEPTH = 6
MAX_PARTS = 60
MAX_HEADER_LINES = 400
# A header field's first line or a folded continuation: where a header block without the blank
# line after it (lost when a bounce is pasted without its empty lines) still goes on. In a body
# part only Content-* fields mean anything (RFC 2045), and a message/delivery-status part's own
# fields follow them.
FIELD_LINE_RE = re.compile(r"[!-9;-~]+:|[ \t]")
PART_FIELD_LINE_RE = re.compile(r"(?i:content-)[!-9;-~]*:|[ \t]")
# An RFC 2047 encoded word ("=?gb2312?B?...?="), and the white space between two of them, which
# RFC 2047 section 6.2 says to drop.
ENCODED_WORD_RE = re.compile(r"=\?([\w.:+-]{1,40})(?:\*[\w-]{1,20})?\?([bBqQ])\?([^?\s]{0,2000})\?=")
BETWEEN_WORDS_RE = re.compile(r"(\?=)[ \t]+(?==\?)")
# Charsets whose bytes a part's raw text already shows as they are.
UNICODE_CHARSETS = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})


class Part:
    """One MIME part: the header fields read from it, its body as it stands, and its sub-parts."""

    __slots__ = ("body", "content_type", "headers", "parts")

    def __init__(self, headers: dict[str, str], body: str) -> None:
        self.headers = headers
        self.body = body
        self.parts: list[Part] = []
        self.content_type = (
            headers.get("content-type", "text/plain").split(";", 1)[0].strip().lower() or "text/plain"
        )

    def param(self, name: str) -> str | None:
        value = self.headers.get("content-type", "")
        if name not in value.lower():  # most parts name no charset: no regex for them
            return None
        for m in PARAM_RE.finditer(value):
            if m.group(1).lower() == name:
                return m.group(2) if m.group(2) is not None else m.group(3)
        return None

    def text(self, named: Callable[[], str] | None = None) -> str:
        """The body with its transfer encoding and charset undone. `named` gives the charset the
        rest of the message names (`named_charset`), for a part that names none or the wrong one."""
        encoding = self.headers.get("content-transfer-encoding", "").strip().lower()
        label = (self.param("charset") or "").strip().lower()
        charset = label or "utf-8"
        if encoding == "base64":
            import base64  # imported here, as quopri below: a text with no encoded part needs neither

            try:
                # b64decode passes over line breaks and any other byte outside the alphabet
                data = base64.b64decode(self.body.encode("ascii", "ignore") + b"===")
            except ValueError:  # binascii.Error included
                return self.body
            return _decode_labelled(data, charset, named)
        if encoding == "quoted-printable":
            import quopri

            data = quopri.decodestring(_encode(_without_line_end_blanks(self.body)))
            return _decode_labelled(data, charset, named)
        if charset.startswith("iso-2022") and "\x1b" in self.body:
            return _decode(self.body.encode("latin-1", "replace"), charset)
        if self.body.isascii():
            return self.body
        if label not in UNICODE_CHARSETS:
            return _eight_bit_text(self.body, label, named)
        return self.body


def _without_line_end_blanks(body: str) -> str:
    """A quoted-printable body without the spaces and tabs that end its lines: RFC 2045 section
    6.7 has a decoder delete them (a transport may add them), and a soft line break ("=") that
    they follow stays a soft line break."""
    if " \n" not in body and "\t\n" not in body:
        return body
    return "\n".join(line.rstrip(" \t") for line in body.split("\n"))


def _eight_bit_text(body: str, charset: str, named: Callable[[], str] | None) -> str:
    """An 8bit body in a legacy charset (GB2312, KOI8-R, Shift_JIS), or in none it names. An email
    that is not UTF-8 as a whole was read as Latin-1, so each character is one of its bytes: those
    bytes are decoded with the part's own charset. Text that holds other characters was read right
    already."""
    try:
        data = body.encode("latin-1")
    except UnicodeEncodeError:
        return body
    if not charset:  # no label: the bytes stay as read unless the message names a charset they fit
        return _decode_strictly(data, _alternatives("", named)) or body
    return _decode_labelled(data, charset, named)


def _decode_labelled(data: bytes, charset: str, named: Callable[[], str] | None) -> str:
    """Bytes in the charset their part names, unless they do not fit it: mail writers label
    Shift_JIS text ISO-2022-JP, or send GB2312 or EUC-KR text with no label at all (read as
    UTF-8). Then the charset the rest of the message names, or a sibling of the label, that
    they do fit decodes them; if none does, the label's reading with replacement characters."""
    try:
        return data.decode(WIDER_CHARSETS.get(charset, charset))
    except UnicodeDecodeError:
        if data.isascii():  # 7-bit ISO-2022 text with a character its codec lacks: no other charset
            return _decode(data, charset)
        return _decode_strictly(data, _alternatives(charset, named)) or _decode(data, charset)
    except LookupError:
        return _decode(data, charset)


def _alternatives(charset: str, named: Callable[[], str] | None) -> list[str]:
    """The charsets to try, in order, on bytes that do not fit their own label (or have none)."""
    candidates = [named()] if named is not None else []
    candidates.extend(SIBLING_CHARSETS.get(charset, ()))
    return [c for c in dict.fromkeys(candidates) if c and c != charset]


def _decode_strictly(data: bytes, charsets: list[str]) -> str | None:
    for charset in charsets:
        try:
            return data.decode(WIDER_CHARSETS.get(charset, charset))
        except (UnicodeDecodeError, LookupError):
            continue
    return None


def named_charset(raw: str) -> str:
    """The first charset the message names that is not a Unicode or ASCII one: in an encoded
    word of a header (its own or the returned message's) or a part's Content-Type. Read only
    for a part whose bytes do not fit their label."""
    for found in NAMED_CHARSET_RE.finditer(raw):
        name = found.group(1).lower()
        if name not in UNICODE_CHARSETS:
            return name
    return ""


def decode_words(value: str) -> str:
    """A header value with its RFC 2047 encoded words decoded ("=?utf-8?Q?Non_remis?=")."""
    if "=?" not in value:
        return value
    return ENCODED_WORD_RE.sub(_decoded_word, BETWEEN_WORDS_RE.sub(r"\1", value))


def _decoded_word(found: re.Match[str]) -> str:
    charset, kind, payload = found.group(1).lower(), found.group(2).lower(), found.group(3)
    if kind == "b":
        import base64  # imported here, as quopri below: most headers hold no encoded word

        try:
            data = base64.b64decode(payload + "=" * (-len(payload) % 4))
        except ValueError:  # binascii.Error included
            return found.group(0)
    else:
        import quopri

        data = quopri.decodestring(payload.replace("_", " ").encode("ascii", "replace"), header=True)
    return _decode(data, charset)


def _encode(text: str) -> bytes:
    """Text back to bytes for decoding: escaped raw bytes come back as they were, and any other
    lone surrogate becomes a replacement character instead of an error."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return without_surrogates(text).encode("utf-8")


# Charsets that mail labels with a narrower name than the one its writers really use: Chinese
# mail labelled GB2312 holds GBK characters, Japanese mail labelled Shift_JIS holds Microsoft's
# CP932 ones (as WHATWG's Encoding Standard reads these labels).
WIDER_CHARSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "x-sjis": "cp932",
    "sjis": "cp932",
}


# The charsets a label is mistaken for: Japanese mail marked ISO-2022-JP (a 7-bit charset) that
# holds 8-bit bytes is Shift_JIS or EUC-JP text, and each of those two is mislabelled as the other.
SIBLING_CHARSETS = {
    "iso-2022-jp": ("shift_jis", "euc-jp"),
    "euc-jp": ("shift_jis",),
    "shift_jis": ("euc-jp",),
}
# A charset named by an encoded word ("=?gb2312?B?") or a Content-Type parameter.
NAMED_CHARSET_RE = re.compile(r"(?:=\?|charset=\"?)([A-Za-z][\w.:+-]{1,39})")


def _decode(data: bytes, charset: str) -> str:
    charset = WIDER_CHARSETS.get(charset, charset)
    try:
        return data.decode(charset, errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


@functools.cache
def _fields_re(names: tuple[str, ...]) -> re.Pattern[str]:
    """A field of one of these names and its folded continuation lines, searched in "\n" + text.

    The pattern begins with that newline rather than `^` under re.M: a pattern that begins with a
    plain character lets the regex engine jump from newline to newline, where `^` is tried at
    every position of the text. A line that starts with no name's first letter (a folded
    Received or DKIM line, Date, Message-ID) is passed over on that one letter: under
    re.IGNORECASE the engine would otherwise try every name on it in full. The value's repeats
    are possessive: nothing follows them that could need a character back, so the engine keeps
    no backtracking state for each folded line of a Received field.
    """
    alternatives = "|".join(re.escape(name) for name in names)
    first_letters = re.escape("".join(sorted({name[0] for name in names})))
    return re.compile(rf"\n(?=[{first_letters}])({alternatives}):[ \t]*+(.*+(?:\n[ \t].*+)*+)", re.I)


def split_headers(
    raw: str, names: tuple[str, ...] = MIME_FIELDS, in_part: bool = False
) -> tuple[dict[str, str], str]:
    """The named header fields (first occurrence wins, names in lower case) and the body. Without
    a blank line, the header block ends at the first line that is no field."""
    end = raw.find("\n\n")
    head, body = (raw, "") if end < 0 else (raw[:end], raw[end + 2 :])
    if end < 0:
        head, body = _split_at_first_non_field(raw, PART_FIELD_LINE_RE if in_part else FIELD_LINE_RE)
    if len(head) >= MAX_HEADER_LINES and head.count("\n") >= MAX_HEADER_LINES:
        head = "\n".join(head.split("\n", MAX_HEADER_LINES)[:MAX_HEADER_LINES])
    headers: dict[str, str] = {}
    # one findall over the block: several times faster than a loop over its lines, and about
    # twice as fast as finditer with a group() call per field
    for name, value in _fields_re(names).findall("\n" + head):
        name = name.lower()
        if name not in headers:
            if "\n" in value:
                value = " ".join(line.strip() for line in value.split("\n"))
            headers[name] = value.strip()
    return headers, body


def _split_at_first_non_field(raw: str, field_line: re.Pattern[str]) -> tuple[str, str]:
    start = 0
    for count, line in enumerate(raw.split("\n", MAX_HEADER_LINES)):
        if count >= MAX_HEADER_LINES or not field_line.match(line):
            return raw[: max(start - 1, 0)], raw[start:]
        start += len(line) + 1
    return raw, ""


def parse(raw: str, fields: tuple[str, ...] = (), depth: int = 0, budget: list[int] | None = None) -> Part:
    """The MIME tree of a message; `fields` are header fields to read from its top part besides
    MIME's own."""
    budget = budget if budget is not None else [MAX_PARTS]
    headers, body = split_headers(raw, MIME_FIELDS + fields if fields else MIME_FIELDS, in_part=depth > 0)
    part = Part(headers=headers, body=body)
    budget[0] -= 1
    ctype = part.content_type
    if depth >= MAX_DEPTH or budget[0] <= 0:
        return part
    if ctype.startswith("multipart/"):
        boundary = part.param("boundary")
        chunks = _split_multipart(body, boundary) if boundary else []
        # a multipart whose boundary never appears is read as the plain text it really is
        part.parts = [parse(chunk, (), depth + 1, budget) for chunk in chunks] or [
            Part(headers={"content-type": "text/plain"}, body=body)
        ]
    # an attached message/rfc822 (the original that bounced) stays unparsed: nothing reads it
    return part


def _split_multipart(body: str, boundary: str) -> list[str]:
    delimiter = "--" + boundary
    chunks = []
    pos = body.find(delimiter)
    while pos >= 0 and len(chunks) < MAX_PARTS:
        start = body.find("\n", pos)
        if start < 0 or body.startswith("--", pos + len(delimiter)):
            break
        nxt = body.find("\n" + delimiter, start)
        chunk = body[start + 1 : nxt if nxt >= 0 else len(body)]
        chunks.append(chunk)
        pos = nxt + 1 if nxt >= 0 else -1
    return chunks
