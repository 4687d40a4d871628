"""`spf`: the domain's SPF record, its limits, and (given an IP) the result for that IP (RFC 7208).

The record and every include or redirect under it are read once into a tree (`SpfNode`). The
lookup limits are counted over the whole tree, as a receiver that follows every branch would, so
the terms past the 10-lookup or 2-void-lookup limit can be named with the path that reaches them.
The IP is then evaluated against the same tree, asking the DNS only for a, mx, ptr and exists.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from .lookup import Ask, addresses
from .model import CheckResult
from .spf_record import LOOKUP_TERMS, NeedsLocalPart, SpfSyntaxError, Term, expand, is_spf, parse

LOOKUP_LIMIT = 10
VOID_LIMIT = 2
MAX_DEPTH = 10  # include loops end here
MX_ADDRESS_LIMIT = 10  # RFC 7208 §4.6.4: at most 10 MX hosts are looked at
QUALIFIER_RESULT = {"+": "pass", "-": "fail", "~": "softfail", "?": "neutral"}
RESULT_STATUS = {"pass": "pass", "fail": "fail", "softfail": "warn", "neutral": "warn", "none": "warn"}


@dataclass(frozen=True, slots=True)
class SpfNode:
    domain: str
    record: str | None
    terms: tuple[Term, ...] = ()
    children: dict[str, SpfNode] = field(default_factory=dict)  # include/redirect term text -> node
    problem: str | None = None
    dns_error: bool = False


@dataclass(slots=True)
class _Tally:
    lookups: int = 0
    voids: int = 0
    beyond_lookups: list[str] = field(default_factory=list)
    beyond_voids: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def check_spf(ask: Ask, domain: str, ip: str | None = None) -> CheckResult:
    tally = _Tally()
    root = _walk(ask, domain, (), tally, 0)
    details: dict = {"record": root.record, "lookups": tally.lookups, "void_lookups": tally.voids}
    if root.dns_error:
        return CheckResult("spf", domain, "error", f"SPF lookup failed: {root.problem}", details)
    if root.record is None:
        summary = f"{domain} publishes no SPF record" + (f" ({root.problem})" if root.problem else "")
        return CheckResult("spf", domain, "fail", summary, details)
    details["beyond_lookup_limit"] = tally.beyond_lookups
    details["beyond_void_limit"] = tally.beyond_voids
    details["problems"] = [root.problem, *tally.problems] if root.problem else tally.problems
    shown = f"`{root.record}`"
    if root.problem:
        return CheckResult("spf", domain, "fail", f"{shown}: {root.problem} (permerror)", details)
    if tally.beyond_lookups:
        summary = (
            f"{shown} needs {tally.lookups} DNS lookups, over the limit of {LOOKUP_LIMIT} (permerror); "
            f"past it: {', '.join(tally.beyond_lookups[:3])}"
        )
        return CheckResult("spf", domain, "fail", summary, details)
    if tally.beyond_voids:
        summary = (
            f"{shown} has {tally.voids} lookups that find nothing, over the limit of {VOID_LIMIT} "
            f"(permerror): {', '.join(tally.beyond_voids[:3])}"
        )
        return CheckResult("spf", domain, "fail", summary, details)
    if ip is None:
        status = "warn" if tally.problems else "pass"
        summary = f"{shown} ({tally.lookups} of {LOOKUP_LIMIT} lookups)"
        if tally.problems:
            summary += f"; {tally.problems[0]}"
        return CheckResult("spf", domain, status, summary, details)
    return _with_ip(ask, root, ip, details)


def _with_ip(ask: Ask, root: SpfNode, ip: str, details: dict) -> CheckResult:
    try:
        result, matched = _evaluate(ask, root, ip, 0)
    except NeedsLocalPart:
        details["result"] = None
        summary = f"`{root.record}` uses macros with the sender's address; {ip} was not evaluated"
        return CheckResult("spf", root.domain, "warn", summary, details)
    details["ip"] = ip
    details["result"] = result
    details["matched"] = matched
    if result in RESULT_STATUS:
        by = f" by `{matched}`" if matched else ""
        summary = f"`{root.record}`: {ip} gets {result}{by}"
        if result == "fail" and matched and matched.endswith("all"):
            summary = f"`{root.record}`: {ip} is not in it ({result})"
        return CheckResult("spf", root.domain, RESULT_STATUS[result], summary, details)
    status = "error" if result == "temperror" else "fail"
    return CheckResult("spf", root.domain, status, f"`{root.record}`: {ip} gets {result}", details)


# --- reading the tree -----------------------------------------------------------------------------


def _walk(ask: Ask, domain: str, path: tuple[str, ...], tally: _Tally, depth: int) -> SpfNode:
    answer = ask(domain, "TXT")
    if answer.outcome == "error":
        return SpfNode(domain, None, problem=answer.error, dns_error=True)
    records = [r for r in answer.records if is_spf(r)]
    if not records:
        return SpfNode(domain, None, problem="NXDOMAIN" if answer.outcome == "nxdomain" else None)
    if len(records) > 1:
        return SpfNode(domain, records[0], problem=f"{len(records)} SPF records, where only one is allowed")
    try:
        terms = parse(records[0])
    except SpfSyntaxError as exc:
        return SpfNode(domain, records[0], problem=f"syntax error: {exc}")
    children = {}
    for term in terms:
        if term.name not in LOOKUP_TERMS or (term.modifier != (term.name == "redirect")):
            continue
        where = " > ".join((*path, term.text))
        tally.lookups += 1
        if tally.lookups > LOOKUP_LIMIT:
            tally.beyond_lookups.append(where)
        child = _follow(ask, domain, term, (*path, term.text), tally, depth)
        if child is not None:
            children[term.text] = child
    return SpfNode(domain, records[0], terms, children)


def _follow(
    ask: Ask, domain: str, term: Term, path: tuple[str, ...], tally: _Tally, depth: int
) -> SpfNode | None:
    """Read what one lookup term points at, counting a void answer against the void limit."""
    try:
        target = expand(term.value or domain, domain, None)
    except (NeedsLocalPart, SpfSyntaxError):
        return None  # depends on the sender or the IP: counted, not followed
    if term.name in ("include", "redirect"):
        if depth >= MAX_DEPTH:
            tally.problems.append(f"{' > '.join(path)}: includes nest too deep (a loop?)")
            return None
        child = _walk(ask, target, path, tally, depth + 1)
        if child.record is None and not child.dns_error:
            _void(tally, path)
            tally.problems.append(f"{term.text} names a domain without an SPF record (permerror)")
        return child
    if term.name in ("a", "mx", "exists") and _is_void(ask, target, term.name):
        _void(tally, path)
    return None


def _is_void(ask: Ask, target: str, mechanism: str) -> bool:
    if mechanism == "mx":
        return ask(target, "MX").void
    return ask(target, "A").void and (mechanism == "exists" or ask(target, "AAAA").void)


def _void(tally: _Tally, path: tuple[str, ...]) -> None:
    tally.voids += 1
    if tally.voids > VOID_LIMIT:
        tally.beyond_voids.append(" > ".join(path))


# --- evaluating an IP -----------------------------------------------------------------------------


def _evaluate(ask: Ask, node: SpfNode, ip: str, depth: int) -> tuple[str, str | None]:
    if node.dns_error:
        return "temperror", None
    if node.record is None:
        return "none", None
    if node.problem or depth > MAX_DEPTH:
        return "permerror", None
    for term in node.terms:
        if term.modifier:
            continue
        matched = _matches(ask, node, term, ip, depth)
        if matched in ("temperror", "permerror"):
            return matched, term.text  # type: ignore[return-value]
        if matched:
            return QUALIFIER_RESULT[term.qualifier], term.text
    redirect = next((t for t in node.terms if t.modifier and t.name == "redirect"), None)
    if redirect is not None:
        child = node.children.get(redirect.text)
        if child is None:
            return "permerror", redirect.text
        result, matched = _evaluate(ask, child, ip, depth + 1)
        return ("permerror" if result == "none" else result), matched
    return "neutral", None


def _matches(ask: Ask, node: SpfNode, term: Term, ip: str, depth: int) -> bool | str:
    address = ipaddress.ip_address(ip)
    if term.name == "all":
        return True
    if term.name in ("ip4", "ip6"):
        prefix = term.cidr4 if term.name == "ip4" else term.cidr6
        network = ipaddress.ip_network(
            term.value + (f"/{prefix}" if prefix is not None else ""), strict=False
        )
        return address.version == network.version and address in network
    if term.name == "include":
        child = node.children.get(term.text)
        if child is None:
            return "permerror"
        result, _ = _evaluate(ask, child, ip, depth + 1)
        if result in ("temperror", "permerror"):
            return result
        return "permerror" if result == "none" else result == "pass"
    target = expand(term.value or node.domain, node.domain, ip)
    if term.name == "exists":
        answer = ask(target, "A")
        return "temperror" if answer.outcome == "error" else answer.outcome == "ok"
    if term.name == "a":
        return _in_hosts(ask, (target,), address, term)
    if term.name == "mx":
        answer = ask(target, "MX")
        if answer.outcome == "error":
            return "temperror"
        hosts = tuple(r.partition(" ")[2] for r in answer.records)[:MX_ADDRESS_LIMIT]
        return _in_hosts(ask, hosts, address, term)
    if term.name == "ptr":
        return _ptr_matches(ask, target, address)
    return False


def _in_hosts(
    ask: Ask, hosts: tuple[str, ...], address: ipaddress.IPv4Address | ipaddress.IPv6Address, term: Term
) -> bool | str:
    prefix = term.cidr4 if address.version == 4 else term.cidr6
    for host in hosts:
        answer = ask(host, "A" if address.version == 4 else "AAAA")
        if answer.outcome == "error":
            return "temperror"
        for record in answer.records:
            bits = prefix if prefix is not None else address.max_prefixlen
            if address in ipaddress.ip_network(f"{record}/{bits}", strict=False):
                return True
    return False


def _ptr_matches(ask: Ask, domain: str, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    for name in ask(address.reverse_pointer, "PTR").records[:MX_ADDRESS_LIMIT]:
        if (name == domain or name.endswith("." + domain)) and str(address) in addresses(ask, name)[0]:
            return True
    return False
