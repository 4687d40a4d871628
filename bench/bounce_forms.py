"""Meaning-preserving rewrites of a bounce email, for bench/bounce_variants.py.

Each form takes the email (its bytes with line feeds only, read as Latin-1 so that every byte is
one character and comes back unchanged) and returns the rewritten email as bytes, a pasted
chat message as str, or None when the form does not apply to that email (no text/plain report
part to re-encode, nothing that would change).

The MIME tree is read here with a small splitter of its own, not with the engine's reader, so
that a fault of the engine's reader is not repeated by the bench that looks for it. Parts of a
returned original message (message/rfc822, text/rfc822-headers) are never rewritten: a mail
server that re-encodes the bounce leaves the attached original as it is.
"""

from __future__ import annotations

import base64
import html
import itertools
import quopri
import re
from collections.abc import Callable
from dataclasses import dataclass, field

FIELD_RE = re.compile(r"^([!-9;-~]+):", re.M)  # a header field's name at a line start
CONTINUED_RE = re.compile(r"\n(?=[ \t])")  # where a folded field goes on
PARAM_RE = re.compile(r'(?i)\b{}\s*=\s*(?:"([^"]*)"|([^\s;]+))')
ORIGINAL_TYPES = ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers", "message/global")
STATUS_TYPES = ("message/delivery-status", "message/global-delivery-status")
MAX_DEPTH = 6


@dataclass(slots=True)
class Part:
    """A MIME part as character offsets in the email: header block, body, sub-parts."""

    start: int
    body: int  # where the body starts (after the blank line)
    end: int
    head: str
    children: list[Part] = field(default_factory=list)

    def header(self, name: str) -> str:
        m = re.search(rf"(?im)^{re.escape(name)}:[ \t]*(.*(?:\n[ \t].*)*)", self.head)
        return " ".join(m.group(1).split()) if m else ""

    @property
    def ctype(self) -> str:
        return (self.header("content-type").split(";", 1)[0].strip().lower()) or "text/plain"

    def param(self, name: str) -> str:
        m = re.compile(PARAM_RE.pattern.format(re.escape(name))).search(self.header("content-type"))
        return (m.group(1) if m.group(1) is not None else m.group(2)) if m else ""


def split(text: str, start: int = 0, end: int | None = None, depth: int = 0) -> Part:
    end = len(text) if end is None else end
    if text.startswith("\n", start):
        body = start + 1
    else:
        blank = text.find("\n\n", start, end)
        body = end if blank < 0 else blank + 2
    part = Part(start, body, end, text[start:body])
    boundary = part.param("boundary")
    if part.ctype.startswith("multipart/") and boundary and depth < MAX_DEPTH:
        delimiter = re.compile(rf"(?m)^--{re.escape(boundary)}(--)?[ \t]*$")
        marks = list(delimiter.finditer(text, body, end))
        for opening, closing in itertools.pairwise(marks):
            if opening.group(1):
                break
            child_end = max(opening.end() + 1, closing.start() - 1)
            part.children.append(split(text, opening.end() + 1, child_end, depth + 1))
    return part


def walk(part: Part) -> list[Part]:
    """The part and every part under it, depth first, leaving returned originals closed."""
    out = [part]
    for child in part.children:
        out.extend(walk(child))
    return out


def report_part(root: Part) -> Part | None:
    """The first text/plain leaf: the report a person reads."""
    for part in walk(root):
        if not part.children and part.ctype == "text/plain":
            return part
    return None


def body_bytes(text: str, part: Part) -> bytes:
    raw = text[part.body : part.end].encode("latin-1")
    encoding = part.header("content-transfer-encoding").lower()
    if encoding == "base64":
        return base64.b64decode(re.sub(rb"[^A-Za-z0-9+/]", b"", raw) + b"===")
    if encoding == "quoted-printable":
        return quopri.decodestring(raw)
    return raw


def decoded(text: str, part: Part) -> tuple[str, str] | None:
    """The part's text and the charset that reads it: the declared one, else UTF-8; None when
    neither does."""
    data = body_bytes(text, part)
    for charset in (part.param("charset").lower() or "us-ascii", "utf-8"):
        try:
            return data.decode(charset), charset
        except (LookupError, UnicodeDecodeError):
            continue
    return None


def body_text(text: str, part: Part) -> str | None:
    found = decoded(text, part)
    return found[0] if found else None


def replace(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def without_fields(head: str, names: tuple[str, ...]) -> str:
    """The header block without the named fields (and their folded lines)."""
    lines = head.rstrip("\n").split("\n") if head.strip() else []
    kept: list[str] = []
    dropping = False
    for line in lines:
        if line[:1] in (" ", "\t"):
            if not dropping:
                kept.append(line)
            continue
        dropping = line.split(":", 1)[0].strip().lower() in names
        if not dropping:
            kept.append(line)
    return "".join(line + "\n" for line in kept)


def with_body(text: str, root: Part, part: Part, fields: str, body: str) -> str:
    """The email with one part's Content-Type and transfer encoding replaced, and its body."""
    head = without_fields(part.head, ("content-type", "content-transfer-encoding"))
    if part is root and "mime-version:" not in head.lower():
        head += "MIME-Version: 1.0\n"
    return replace(text, [(part.start, part.end, head + fields + "\n" + body)])


@dataclass(frozen=True, slots=True)
class Report:
    """The report part of an email, its text and the charset that reads it."""

    root: Part
    part: Part
    text: str
    charset: str

    def rewritten(self, email: str, content_type: str, encoding: str, body: str) -> bytes:
        fields = f"Content-Type: {content_type}\nContent-Transfer-Encoding: {encoding}\n"
        return with_body(email, self.root, self.part, fields, body).encode("latin-1")


def report_of(text: str) -> Report | None:
    root = split(text)
    part = report_part(root)
    found = decoded(text, part) if part else None
    return Report(root, part, *found) if part and found else None


def transfer_encoded(encoding: str) -> Callable[[str], bytes | None]:
    def form(text: str) -> bytes | None:
        report = report_of(text)
        if report is None:
            return None
        data = report.text.encode(report.charset)
        charset = "us-ascii" if report.text.isascii() else report.charset
        if encoding == "base64":
            body = base64.encodebytes(data).decode("ascii")
        else:
            body = quopri.encodestring(data).decode("ascii")
        return report.rewritten(text, f"text/plain; charset={charset}", encoding, body)

    return form


def declared(charset: str) -> Callable[[str], bytes | None]:
    def form(text: str) -> bytes | None:
        report = report_of(text)
        if report is None:
            return None
        try:
            data = report.text.encode(charset)
        except UnicodeEncodeError:
            return None  # this charset cannot write the report: no sender would declare it
        encoding = "7bit" if data.isascii() else "8bit"
        return report.rewritten(text, f"text/plain; charset={charset}", encoding, data.decode("latin-1"))

    return form


def html_report(text: str) -> bytes | None:
    """The text/plain report as the text/html part an HTML-only mailer writes: paragraphs,
    line breaks, entities for markup characters, runs of spaces kept with &nbsp;."""
    report = report_of(text)
    if report is None:
        return None
    paragraphs = []
    for block in re.split(r"\n[ \t]*\n", report.text.strip("\n")):
        lines = [html.escape(line).replace("  ", "&nbsp; ") for line in block.split("\n")]
        paragraphs.append("<p>" + "<br>\n".join(lines) + "</p>")
    page = "<html><head><title>Delivery report</title></head><body>\n" + "\n".join(paragraphs)
    page += "\n</body></html>\n"
    body = quopri.encodestring(page.encode("utf-8")).decode("ascii")
    return report.rewritten(text, "text/html; charset=utf-8", "quoted-printable", body)


def header_blocks(text: str) -> list[tuple[int, int]]:
    """(start, end) of every block of fields: each part's header and each delivery-status part's
    field groups, returned originals left out."""
    blocks = []
    for part in walk(split(text)):
        blocks.append((part.start, part.body))
        if part.ctype in STATUS_TYPES and part.header("content-transfer-encoding").lower() not in (
            "base64",
            "quoted-printable",
        ):
            blocks.append((part.body, part.end))
    return blocks


def each_block(rewrite: Callable[[str], str]) -> Callable[[str], bytes | None]:
    def form(text: str) -> bytes | None:
        edits = [(s, e, rewrite(text[s:e])) for s, e in header_blocks(text)]
        out = replace(text, [edit for edit in edits if text[edit[0] : edit[1]] != edit[2]])
        return out.encode("latin-1") if out != text else None

    return form


def lower_names(block: str) -> str:
    return FIELD_RE.sub(lambda m: m.group(1).lower() + ":", block)


def upper_names(block: str) -> str:
    return FIELD_RE.sub(lambda m: m.group(1).upper() + ":", block)


def unfold(block: str) -> str:
    """Every folded field on one line (RFC 5322 unfolding: the line break goes, the space stays)."""
    return CONTINUED_RE.sub("", block)


def refold(block: str, width: int = 40) -> str:
    """Every field folded again before the first space past `width` columns, never inside quotes."""
    out = []
    for line in unfold(block).split("\n"):
        while len(line) > width:
            cut = _fold_point(line, width)
            if cut < 0:
                break
            out.append(line[:cut])
            line = "\t" + line[cut:].lstrip(" \t")
        out.append(line)
    return "\n".join(out)


def _fold_point(line: str, width: int) -> int:
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch in " \t" and not quoted and i >= width and line[i + 1 : i + 2].strip():
            return i
    return -1


def crlf(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("latin-1")


def trailing_space(text: str) -> bytes:
    """A space or a tab after every line that has text (a mailer or a copy that pads lines)."""
    return re.sub(r"(?m)(?<=\S)$", lambda m: " " if m.start() % 2 else "\t", text).encode("latin-1")


FORWARD_HEAD = (
    "From: Dana Okafor <dana.okafor@example.org>\n"
    "To: Mail Help <mailhelp@example.org>\n"
    "Subject: Fwd: {subject}\n"
    "Date: Mon, 7 Dec 2026 10:20:00 +0100\n"
    "Message-ID: <fwd-7a1c@example.org>\n"
    "MIME-Version: 1.0\n"
    'Content-Type: multipart/mixed; boundary="=_fwd_b7c1"\n'
    "\n"
    "--=_fwd_b7c1\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "\n"
    "Hi, I got this back when I wrote to a customer. Can you tell me what is wrong?\n"
    "\n"
    "Dana\n"
    "\n"
    "--=_fwd_b7c1\n"
    "Content-Type: message/rfc822\n"
    'Content-Disposition: attachment; filename="bounce.eml"\n'
    "\n"
)


def forwarded(text: str) -> bytes:
    """The whole bounce attached as message/rfc822 to a person's forward."""
    subject = split(text).header("subject") or "Undeliverable"
    return (FORWARD_HEAD.format(subject=subject) + text.rstrip("\n") + "\n--=_fwd_b7c1--\n").encode("latin-1")
