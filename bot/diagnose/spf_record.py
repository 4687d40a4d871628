"""SPF record syntax (RFC 7208 §4.6, §12): terms, qualifiers and a small macro expander.

The expander knows the macros that name the domain, the IP and the HELO host. `%{s}` and `%{l}`
carry the sender's local part, which smtpbot never looks up, so a record that needs them is
reported as not evaluated rather than guessed.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

MECHANISMS = frozenset({"all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists"})
# mechanisms and modifiers that cost one DNS lookup each (RFC 7208 §4.6.4)
LOOKUP_TERMS = frozenset({"include", "a", "mx", "ptr", "exists", "redirect"})
_SPF_VERSION = re.compile(r"^v=spf1(?: |$)", re.IGNORECASE)
_MECHANISM = re.compile(
    r"^(?P<q>[+?~-]?)(?P<name>[a-z0-9]+)(?::(?P<domain>[^/]+))?(?:/(?P<cidr4>\d+))?(?://(?P<cidr6>\d+))?$",
    re.IGNORECASE,
)
_MODIFIER = re.compile(r"^(?P<name>[a-z][a-z0-9_.-]*)=(?P<value>.*)$", re.IGNORECASE)
_MACRO = re.compile(
    r"%(?:\{(?P<letter>[a-z])(?P<digits>\d*)(?P<reverse>r?)(?P<delims>[-.+,/_=]*)\}|(?P<esc>[%_-]))", re.I
)


class SpfSyntaxError(ValueError):
    pass


class NeedsLocalPart(ValueError):
    """The term uses a macro with the sender's address, which is never looked up."""


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    name: str  # a mechanism name, or a modifier's name
    qualifier: str = "+"
    value: str | None = None  # domain-spec, network, or modifier value
    cidr4: int | None = None
    cidr6: int | None = None
    modifier: bool = False


def is_spf(text: str) -> bool:
    return bool(_SPF_VERSION.match(text))


def parse(record: str) -> tuple[Term, ...]:
    """The terms after `v=spf1`; raises SpfSyntaxError naming the first bad term."""
    terms = []
    for word in record.split()[1:]:
        terms.append(_parse_term(word))
    for name in ("redirect", "exp"):
        if sum(1 for t in terms if t.modifier and t.name == name) > 1:
            raise SpfSyntaxError(f"more than one {name}= modifier")
    return tuple(terms)


def _parse_term(word: str) -> Term:
    modifier = _MODIFIER.match(word)
    if modifier and ":" not in modifier["name"]:
        value = modifier["value"]
        if modifier["name"].lower() in ("redirect", "exp") and not value:
            raise SpfSyntaxError(f"{word!r} has no domain")
        return Term(word, modifier["name"].lower(), value=value, modifier=True)
    match = _MECHANISM.match(word)
    if not match or match["name"].lower() not in MECHANISMS:
        raise SpfSyntaxError(f"{word!r} is not an SPF mechanism")
    name = match["name"].lower()
    cidr4 = int(match["cidr4"]) if match["cidr4"] else None
    cidr6 = int(match["cidr6"]) if match["cidr6"] else None
    if name == "ip6" and cidr6 is None:  # ip6's one prefix is written like ip4's: ip6:2001:db8::/32
        cidr4, cidr6 = None, cidr4
    term = Term(word, name, match["q"] or "+", match["domain"], cidr4, cidr6)
    _check_argument(term)
    return term


def _check_argument(term: Term) -> None:
    if term.name == "all" and (term.value or term.cidr4 is not None):
        raise SpfSyntaxError(f"{term.text!r}: `all` takes no argument")
    if term.name in ("include", "exists") and not term.value:
        raise SpfSyntaxError(f"{term.text!r} needs a domain")
    if term.name in ("ip4", "ip6"):
        if not term.value:
            raise SpfSyntaxError(f"{term.text!r} needs a network")
        prefix = term.cidr4 if term.name == "ip4" else term.cidr6
        network = term.value + (f"/{prefix}" if prefix is not None else "")
        try:
            parsed = ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise SpfSyntaxError(f"{term.text!r} is not a valid network") from None
        if parsed.version != (4 if term.name == "ip4" else 6):
            raise SpfSyntaxError(f"{term.text!r} has an IPv{parsed.version} network")
    if term.cidr4 is not None and term.cidr4 > 32 and term.name != "ip6":
        raise SpfSyntaxError(f"{term.text!r} has a prefix longer than 32")


def expand(spec: str, domain: str, ip: str | None, helo: str | None = None) -> str:
    """Expand the macros of a domain-spec (RFC 7208 §7); `ip` None means "no IP to put in"."""

    def one(match: re.Match[str]) -> str:
        if match["esc"]:
            return {"%": "%", "_": " ", "-": "%20"}[match["esc"]]
        letter = match["letter"].lower()
        if letter in ("s", "l"):
            raise NeedsLocalPart(spec)
        value = _macro_value(letter, domain, ip, helo)
        parts = re.split("[" + re.escape(match["delims"] or ".") + "]", value)
        if match["reverse"]:
            parts.reverse()
        if match["digits"]:
            parts = parts[-int(match["digits"]) :]
        return ".".join(parts)

    return _MACRO.sub(one, spec)


def _macro_value(letter: str, domain: str, ip: str | None, helo: str | None) -> str:
    if letter in ("d", "o"):
        return domain
    if letter in ("i", "v", "c") and ip is None:
        raise NeedsLocalPart(f"%{{{letter}}} needs the sending IP")
    if letter in ("i", "c"):
        address = ipaddress.ip_address(ip)  # type: ignore[arg-type]
        if address.version == 6 and letter == "i":
            return ".".join(address.exploded.replace(":", ""))
        return str(address)
    if letter == "v":
        return "in-addr" if ipaddress.ip_address(ip).version == 4 else "ip6"  # type: ignore[arg-type]
    if letter == "h":
        return helo or domain
    raise SpfSyntaxError(f"%{{{letter}}} is not a macro smtpbot can expand here")
