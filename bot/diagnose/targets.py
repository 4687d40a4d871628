"""What a target names: a domain, an IP, an address (its domain only), a pasted bounce or header.

From a paste: the recipient domain and remote MTA come from the engine's findings; the sender
domain, the sending IP and the DKIM selector from the headers in it (Authentication-Results,
Received-SPF, DKIM-Signature, From). Local parts are dropped here, before anything is looked up.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

from .model import Subjects

_DOMAIN = re.compile(
    r"^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$", re.I
)
_SERVICE_LOCAL_PARTS = ("mailer-daemon", "postmaster")
_KEY = r"(?:^|[\s;(])"
_HEADER_FROM = re.compile(_KEY + r"header\.from=@?([a-z0-9.-]+)", re.I | re.M)
_MAILFROM = re.compile(_KEY + r"smtp\.mailfrom=(?:[^\s;@]*@)?([a-z0-9.-]+)", re.I | re.M)
_HEADER_D = re.compile(_KEY + r"header\.(?:d|i)=@?([a-z0-9.-]+)", re.I | re.M)
_HEADER_S = re.compile(_KEY + r"header\.s=([a-z0-9._-]+)", re.I | re.M)
_SIGNATURE = re.compile(r"^DKIM-Signature:(.*(?:\n[ \t].*)*)", re.I | re.M)
_SIG_TAG = re.compile(r"(?:^|;)\s*([ds])\s*=\s*([a-z0-9._-]+)", re.I)
_IP_SOURCES = (
    re.compile(r"client-ip=([0-9a-f.:]+)", re.I),
    re.compile(r"^Source-IP:\s*([0-9a-f.:]+)", re.I | re.M),  # a feedback report's (RFC 6591)
    re.compile(r"smtp\.remote-ip=([0-9a-f.:]+)", re.I),
    re.compile(r"sender\s+IP\s+is\s+([0-9a-f.:]+)", re.I),
    re.compile(r"designates?\s+([0-9a-f.:]+)\s+as\s+permitted", re.I),
)
_SELECTOR = re.compile(r"^[a-z0-9_][a-z0-9._-]{0,62}$", re.I)
_FROM = re.compile(r"^From:[^\n@]*@([a-z0-9.-]+)", re.I | re.M)


def domain_of(text: str) -> str | None:
    """The domain of an address or a bare domain, lower-case; None when it is neither."""
    candidate = text.strip().strip("<>").rsplit("@", 1)[-1].rstrip(".").lower()
    return candidate if _DOMAIN.match(candidate) else None


def as_ip(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip().strip("[]")))
    except ValueError:
        return None


def from_argument(text: str, ip: str | None = None) -> Subjects | None:
    """A one-word target: an IP, a domain or an address. None when it is none of them."""
    address = as_ip(text)
    if address:
        return Subjects(ip=address)
    domain = domain_of(text)
    if domain is None:
        return None
    return Subjects(sender_domain=domain, recipient_domain=domain, ip=ip)


def from_paste(
    text: str,
    recipients: Iterable[str | None] = (),
    remote_mtas: Iterable[str | None] = (),
    ip: str | None = None,
) -> Subjects:
    """Subjects from a pasted bounce or header block, given the engine's findings about it."""
    recipient_domain = next((d for d in (domain_of(r) for r in recipients if r) if d), None)
    remote_mta = next((m for m in remote_mtas if m), None)
    sender_domain = _first(_HEADER_FROM, text) or _first(_MAILFROM, text) or _from_header(text)
    selector, dkim_domain = _dkim(text, sender_domain)
    if ip is None:
        ip = next(
            (a for pattern in _IP_SOURCES for a in (as_ip(m) for m in pattern.findall(text)) if a), None
        )
    return Subjects(
        sender_domain=sender_domain,
        recipient_domain=recipient_domain,
        ip=ip,
        remote_mta=remote_mta,
        dkim_selector=selector,
        dkim_domain=dkim_domain,
    )


def from_header(
    from_domain: str | None,
    spf_domain: str | None,
    signatures: Iterable[tuple[str | None, str | None]],
    ip: str | None,
) -> Subjects:
    """Subjects from a header analysis: DMARC for the From domain, SPF for the envelope domain,
    DKIM for the signature (domain, selector) that speaks for From (else the first one with a
    selector), PTR and DNSBLs for the sending IP. Names that are not domains are dropped."""
    sender = domain_of(from_domain or "")
    envelope = domain_of(spf_domain or "")
    signed = [(domain_of(d), s) for d, s in signatures if d and s and _SELECTOR.match(s)]
    signed = [(d, s) for d, s in signed if d]
    aligned = [sig for sig in signed if sender and _aligned(sig[0], sender)]
    dkim_domain, selector = (aligned or signed or [(None, None)])[0]
    return Subjects(
        sender_domain=sender or envelope or dkim_domain,
        ip=as_ip(ip or ""),
        dkim_selector=selector,
        dkim_domain=dkim_domain,
        spf_domain=envelope if envelope != sender else None,
    )


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    for found in pattern.findall(text):
        domain = domain_of(found)
        if domain:
            return domain
    return None


def _from_header(text: str) -> str | None:
    """The last From: that is not the bounce's own (MAILER-DAEMON): the returned message's."""
    found = None
    for match in _FROM.finditer(text):
        line = match[0].lower()
        if not any(name + "@" in line for name in _SERVICE_LOCAL_PARTS):
            found = domain_of(match[1]) or found
    return found


def _dkim(text: str, sender_domain: str | None) -> tuple[str | None, str | None]:
    """The selector and domain of the DKIM signature that speaks for the sender's domain.

    A bounce can carry several signatures (the report's own first, the returned message's
    later): the one aligned with the sender domain wins, else the last one.
    """
    signatures = []
    for signature in _SIGNATURE.finditer(text):
        tags = {k.lower(): v for k, v in _SIG_TAG.findall(signature[1].replace("\n", " "))}
        if tags.get("s") and domain_of(tags.get("d", "")):
            signatures.append((tags["s"], domain_of(tags["d"])))
    if signatures:
        aligned = [s for s in signatures if sender_domain and _aligned(s[1], sender_domain)]
        return (aligned or signatures)[-1]
    selector = _HEADER_S.search(text)
    if selector:
        return selector[1], _first(_HEADER_D, text)
    return None, None


def _aligned(one: str, other: str) -> bool:
    return one == other or one.endswith("." + other) or other.endswith("." + one)
