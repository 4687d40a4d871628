"""Organisational domains and identifier alignment (DMARC, RFC 7489 section 3.1).

The organisational domain comes from the public-suffix list snapshot bundled in the
`publicsuffixlist` package: it is read from the installed package, never fetched, so answers do
not depend on the network and are the same on every run of one installed version.
"""

from __future__ import annotations

import functools
from email.utils import getaddresses

MAX_DOMAIN_CHARS = 253


@functools.cache
def _suffixes():
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()  # the bundled snapshot; update() is the only call that fetches


def clean_domain(name: str | None) -> str | None:
    """A host or domain name lower-cased, without a trailing dot or an address's local part."""
    if not name:
        return None
    name = name.strip().strip("<>").rsplit("@", 1)[-1].strip().rstrip(".").lower()
    if not name or len(name) > MAX_DOMAIN_CHARS or "." not in name or " " in name:
        return None
    return name


def org_domain(name: str | None) -> str | None:
    """The registrable domain: `mail.eu.example.co.uk` -> `example.co.uk`; None for a suffix."""
    domain = clean_domain(name)
    if domain is None or not all(part for part in domain.split(".")):
        return None
    return _suffixes().privatesuffix(domain)


def aligned(domain: str | None, from_domain: str | None, strict: bool = False) -> bool | None:
    """Whether `domain` aligns with the From domain: strict is the same name, relaxed the same
    organisational domain. None when either is unknown."""
    domain, from_domain = clean_domain(domain), clean_domain(from_domain)
    if domain is None or from_domain is None:
        return None
    if strict or domain == from_domain:
        return domain == from_domain
    org = org_domain(from_domain)
    return org is not None and org == org_domain(domain)


def from_domain(value: str | None) -> str | None:
    """The domain of the (first) author address in a From field."""
    if not value:
        return None
    addresses = [addr for _, addr in getaddresses([value[:1000]]) if "@" in addr]
    return clean_domain(addresses[0]) if addresses else None
