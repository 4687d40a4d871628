"""The `Received:` chain (RFC 5321 section 4.4): hops, their times, delays and TLS, read in one pass.

Each field is split into clauses (`from`, `by`, `via`, `with`, `id`, `for`) by a character
scanner that tracks comment depth, so a field costs time in proportion to its length and no
regular expression sees it. Hops are numbered oldest first: hop 1 is where the message started.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from .fields import Field

MAX_HOPS = 60
MAX_CLAUSE_WORDS = 4
HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789.-_")
KEYWORDS = frozenset({"from", "by", "via", "with", "id", "for"})
# `with` protocols that mean TLS (RFC 3848: the trailing S), and words in comments that say so
TLS_PROTOCOLS = frozenset({"esmtps", "esmtpsa", "utf8smtps", "utf8smtpsa", "lmtps", "lmtpsa", "smtps"})
PLAIN_PROTOCOLS = frozenset({"smtp", "esmtp", "esmtpa", "utf8smtp", "utf8smtpa", "lmtp", "lmtpa"})
TLS_WORDS = ("version=tls", "using tls", "tls1", "tlsv1", "cipher=")
# addresses that never cross the internet: the hop stays inside one network
INTERNAL_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "100.64.0.0/10",
              "169.254.0.0/16", "::1/128", "fc00::/7", "fe80::/10")
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Hop:
    number: int  # 1 is the oldest hop
    field_index: int  # position of its Received field in the header, 0 the topmost
    from_host: str | None
    from_ip: str | None
    from_names: tuple[str, ...]  # the host names the from clause gives (HELO, reverse DNS)
    by_host: str | None
    protocol: str | None
    time: datetime | None
    delay_s: int | None  # seconds since the hop before (hop 1: since the Date field)
    tls: bool | None

    def contract(self) -> dict[str, object]:
        return {
            "from": self.from_host,
            "by": self.by_host,
            "with": self.protocol,
            "time": self.time.isoformat() if self.time else None,
            "delay_s": self.delay_s,
            "tls": self.tls,
        }


def scan(value: str) -> list[tuple[str, str]]:
    """Top-level words and comments of a field value, in order: ("word"|"comment", text)."""
    tokens: list[tuple[str, str]] = []
    depth = 0
    current: list[str] = []
    for ch in value:
        if ch == "(":
            if depth == 0 and current:
                tokens.append(("word", "".join(current)))
                current = []
            elif depth > 0:
                current.append(ch)
            depth += 1
        elif ch == ")" and depth > 0:
            depth -= 1
            if depth == 0:
                tokens.append(("comment", "".join(current)))
                current = []
            else:
                current.append(ch)
        elif depth == 0 and ch in " \t":
            if current:
                tokens.append(("word", "".join(current)))
                current = []
        else:
            current.append(ch)
    if current:
        tokens.append(("comment" if depth else "word", "".join(current)))
    return tokens


def _clauses(value: str) -> dict[str, tuple[str | None, list[str]]]:
    """keyword -> (its value, the comments that follow it) for the first of each keyword. The
    value is the words up to the first comment: `ESMTPS`, or `Microsoft SMTP Server`."""
    words: dict[str, list[str]] = {}
    comments: dict[str, list[str]] = {}
    key: str | None = None
    for kind, text in scan(value):
        if kind == "word" and text.lower() in KEYWORDS and text.lower() not in words:
            key = text.lower()
            words[key], comments[key] = [], []
        elif key is not None and kind == "comment":
            comments[key].append(text)
        elif key is not None and not comments[key] and len(words[key]) < MAX_CLAUSE_WORDS:
            words[key].append(text)
    return {k: (" ".join(words[k]) or None, comments[k]) for k in words}


def ip_in(text: str) -> str | None:
    """The first IP address written in `text`: `[192.0.2.1]`, `(192.0.2.1)`, `IPv6:2001:db8::1`."""
    for raw in text.replace("[", " ").replace("]", " ").replace("=", " ").replace(",", " ").split():
        candidate = raw.strip("().;").removeprefix("IPv6:").removeprefix("ipv6:")
        if any(ch.isdigit() for ch in candidate) and ("." in candidate or ":" in candidate):
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                continue
    return None


def is_internal_ip(ip: str | None) -> bool:
    if not ip:
        return False
    address = ipaddress.ip_address(ip)
    return any(address in network for network in INTERNAL_NETWORKS if network.version == address.version)


def _names(word: str | None, comments: list[str]) -> tuple[str, ...]:
    """Host names of a from clause: the reverse-DNS names the receiver wrote in its comment when
    there are any (the HELO word is the client's own claim), else the HELO word."""
    from_comments = _host_names(comments)
    return from_comments or _host_names([word or ""])


def _host_names(texts: list[str]) -> tuple[str, ...]:
    names = []
    for text in texts:
        for raw in text.replace("[", " ").replace("]", " ").replace("=", " ").split():
            name = raw.strip("().;,").rstrip(".").lower()
            if (
                "." in name
                and HOST_CHARS.issuperset(name)
                and any(ch.isalpha() for ch in name)
                and not ip_in(name)
            ):
                names.append(name)
    return tuple(dict.fromkeys(names))


def _from_host(word: str | None, comments: list[str]) -> str | None:
    """The client's name: the `from` word, or the name in its comment when the word is only an
    address or `unknown` (Yahoo writes `from 127.0.0.1 (EHLO mail.example.com) (192.0.2.1)`)."""
    if not word:
        return None
    host = word.strip("[]").rstrip(".").lower()
    if host == "unknown" or ip_in(host):
        return next(iter(_host_names(comments)), host)
    return host


def _tls(protocol: str | None, value: str) -> bool | None:
    lowered = value.lower()
    if any(word in lowered for word in TLS_WORDS):
        return True
    proto = (protocol or "").lower()
    if proto in TLS_PROTOCOLS:
        return True
    if proto in PLAIN_PROTOCOLS or proto == "microsoft smtp server":
        return False
    return None


def _time(value: str) -> datetime | None:
    semicolon = value.rfind(";")
    if semicolon < 0:
        return None
    try:
        stamp = parsedate_to_datetime(value[semicolon + 1 :].strip())
    except (TypeError, ValueError, IndexError):
        return None
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)


def date_field(value: str | None) -> datetime | None:
    """A Date field's time in UTC, or None when it does not parse."""
    return _time(";" + value) if value else None


def read_hops(fields: list[Field], sent: datetime | None) -> list[Hop]:
    """The Received chain, oldest hop first, with each hop's delay from the one before."""
    received = [f for f in fields if f.name == "received"][:MAX_HOPS]
    hops: list[Hop] = []
    previous = sent
    for number, field in enumerate(reversed(received), start=1):
        clauses = _clauses(field.value[: field.value.rfind(";")] if ";" in field.value else field.value)
        from_word, from_comments = clauses.get("from", (None, []))
        by_word, _ = clauses.get("by", (None, []))
        protocol, _ = clauses.get("with", (None, []))
        stamp = _time(field.value)
        delay = int((stamp - previous).total_seconds()) if stamp and previous else None
        hops.append(
            Hop(
                number=number,
                field_index=field.index,
                from_host=_from_host(from_word, from_comments),
                # the address the receiver saw (in its comment) before the one the client claims
                from_ip=ip_in(" ".join(from_comments)) or ip_in(from_word or ""),
                from_names=_names(from_word, from_comments),
                by_host=by_word.rstrip(".").lower() if by_word else None,
                protocol=protocol,
                time=stamp,
                delay_s=delay,
                tls=_tls(protocol, field.value) if from_word or from_comments else None,
            )
        )
        previous = stamp or previous
    return hops
